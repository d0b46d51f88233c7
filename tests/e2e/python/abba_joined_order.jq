# abba_inversion.py joined: Thread.join() (a wait on the thread's
# _tstate_lock, released by the ending thread) orders the first thread
# before the second, so the inversion is reported as ordered by
# create/join, not concurrent (as ordered_by_create.c's).
[.deadlocks[] | select(.kind == "lock-order-inversion")] as $i
| ($i | length) == 1
and $i[0].concurrent == false
and $i[0].ordered_by == "create/join"
and ($i[0].note | type) == "string"
