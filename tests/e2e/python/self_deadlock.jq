# real_deadlock.py self: one deadlock, a cycle of one (a thread blocked on a
# threading.Lock it holds), found while it hung. Not a Condition's waiter
# lock, which its thread also takes twice (long_waits in correct.py).
[.deadlocks[] | select(.kind == "deadlock")] as $d
| ($d | length) == 1
and ($d[0].cycle | length) == 1
and ($d[0].cycle[0] | .acquiring.kind == "sem" and .owner == .thread
     and .holding.id == .acquiring.id)
and .program.duration_ns < 20000000000
and ([.deadlocks[] | select(.kind == "stall")] == [])
