# real_deadlock.py (and mp_deadlock.py deadlock): one deadlock, found while
# the program hung (not after the 60 s stall timeout), a cycle of
# $out.cycle edges, each a thread blocked on a Python lock (kind "sem")
# that the next one holds, in the call it made (sem_wait); the cycle is a
# lock-order inversion too. No stall and no misuse (an RLock's or
# Condition's internals are no finding).
[.deadlocks[] | select(.kind == "deadlock")] as $d
| ($d | length) == 1
and ($d[0].cycle | length) == $out.cycle
and ($d[0].cycle | all(.acquiring.kind == "sem" and .holding.kind == "sem" and .owner != null
                        and .op == "sem_wait"))
and ([$d[0].cycle[].acquiring.id] | unique | length) == $out.cycle
and ([$d[0].cycle[].holding.id] | sort) == ([$d[0].cycle[].acquiring.id] | sort)
and ([$d[0].cycle[].thread] | sort) == ([$d[0].cycle[].owner] | sort)
and .program.duration_ns < 20000000000
and ([.deadlocks[] | select(.kind == "lock-order-inversion")] as $i
     | ($i | length) == 1 and ($i[0].cycle | length) == $out.cycle and $i[0].concurrent == true)
and ([.deadlocks[] | select(.kind == "stall")] == [])
and .misuse == []
