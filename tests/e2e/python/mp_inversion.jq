# mp_deadlock.py ordered: the two multiprocessing.Locks (named semaphores,
# one object in both processes) taken in opposite orders by two processes:
# one lock-order inversion, its edges in two processes, no misuse.
.threads as $threads
| [.deadlocks[] | select(.kind == "lock-order-inversion")] as $i
| ($i | length) == 1
and ($i[0].cycle | length) == 2
and ($i[0].cycle | all(.holding.kind == "sem" and .acquiring.kind == "sem"))
and ([$i[0].cycle[].holding.id] | unique | length) == 2
and ([$i[0].cycle[].holding.id] | sort) == ([$i[0].cycle[].acquiring.id] | sort)
and ([$i[0].cycle[].thread as $t | $threads[] | select(.id == $t) | .pid] | unique | length) == 2
and ([.deadlocks[] | select(.kind != "lock-order-inversion")] == [])
and .misuse == []
and $out.exitcodes == [0, 0]
