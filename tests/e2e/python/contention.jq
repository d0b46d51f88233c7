# contention.py: the program's two Python locks (kind "sem") in contention
# with every acquisition counted (a free acquire is a sem_trywait): stats_lock
# taken 20 times, contended at least 5 times, quiet_lock taken 5 times,
# never contended; no other semaphore is a contended lock (a Condition's or
# an Event's waiter locks, the locks of Thread.start and join are CPython's
# means of waiting, not locks of the program). Sorted by wait.
[.contention[] | select(.lock.kind == "sem")] as $sems
| ($sems | map(select(.acquisitions == 20 and .contended >= 5)) | length) == 1
and ($sems | map(select(.acquisitions == 5 and .contended == 0)) | length) == 1
and ($sems | map(select(.contended > 0)) | length) == 1
and ([.contention[].wait_ns] == ([.contention[].wait_ns] | sort | reverse))
and .deadlocks == [] and .misuse == []
and $out.samples == 1
