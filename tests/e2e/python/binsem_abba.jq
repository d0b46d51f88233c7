# binsem_lock.c abba: binary semaphores used as mutexes in opposite orders
# by two threads: one lock-order inversion of the two "sem" locks, named by
# their variables, at the functions that took them.
[.deadlocks[] | select(.kind == "lock-order-inversion")] as $i
| ($i | length) == 1
and ($i[0].cycle | length) == 2
and ($i[0].cycle | all(.holding.kind == "sem" and .acquiring.kind == "sem"))
and ([$i[0].cycle[].holding.symbol] | sort) == ["sem_a", "sem_b"]
and ([$i[0].cycle[].acquiring_stack[0].function] | sort) == ["take_a_then_b", "take_b_then_a"]
and ([$i[0].cycle[].holding_stack[0].function] | sort) == ["take_a_then_b", "take_b_then_a"]
and $i[0].concurrent == true
and ([.deadlocks[] | select(.kind != "lock-order-inversion")] == [])
and .misuse == []
and $out.counter == 2
