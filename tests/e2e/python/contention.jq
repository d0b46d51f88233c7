# contention.py: the program's two Python locks (kind "sem") in contention
# with every acquisition counted (a free acquire is a sem_trywait): stats_lock
# taken 20 times, contended at least once (the recorder blocks in the
# rounds where it reaches the lock within the flusher's 50 ms: most, but a
# loaded machine may delay it), quiet_lock taken 5 times, never contended;
# no other semaphore is a contended lock (a Condition's or an Event's
# waiter locks, the locks of Thread.start and join are CPython's means of
# waiting, not locks of the program), but for the lock of next_round's
# Condition, which both threads take at once when they reach the Barrier
# together. Sorted by wait.
# The two are found by name (CPython's own locks may be taken as often).
def named($n): [.contention[] | select(.lock.kind == "sem" and ((.lock.name // "") | startswith($n + " (")))];
[.contention[] | select(.lock.kind == "sem")] as $sems
| (named("stats_lock") | length == 1 and .[0].acquisitions == 20 and .[0].contended >= 1)
and (named("quiet_lock") | length == 1 and .[0].acquisitions == 5 and .[0].contended == 0)
and ($sems | map(select(.contended > 0 and ((.lock.name // "") | (startswith("stats_lock (")
    or startswith("next_round (")) | not))) | length) == 0
and ([.contention[].wait_ns] == ([.contention[].wait_ns] | sort | reverse))
and .deadlocks == [] and .misuse == []
and $out.samples == 1
