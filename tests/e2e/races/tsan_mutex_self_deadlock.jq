# A thread relocks a non-reentrant lock annotated for TSan that it holds (it spins for good): one deadlock, a cycle of one (the thread waits for itself), found while it hung; no misuse, no race.
[.deadlocks[] | select(.kind == "deadlock")] as $d
| ($d | length) == 1
and ($d[0].cycle | length) == 1
and ($d[0].cycle[0] | .owner == .thread and .holding.id == .acquiring.id
     and (.holding.symbol | startswith("lock_a")))
and .races == []
