# omp_locks.c: the OpenMP locks are mutexes (JSON "omp": true), named omp
# locks; what each mode must give (the mode is the program's argument).
(.program.argv[1]) as $mode
| [.deadlocks[] | select(.kind == "lock-order-inversion")] as $inv
| [.deadlocks[] | select(.kind == "deadlock")] as $dl
| .misuse == []
and if $mode == "nest" then
	.deadlocks == [] and .races == []
	and ([.contention[] | select(.acquisitions > 0) | .lock | select(.omp == true) | .symbol] | sort)
	    == ["lock_a", "nest"]
	and ([.contention[].lock | select(.symbol == "nest")][0].type == "recursive")
else
	($inv | length) == 1
	and ([$inv[0].cycle[].holding | .symbol, .omp, .kind] | unique) == [true, "lock_a", "lock_b", "mutex"]
	and ([$inv[0].cycle[].acquiring_stack[0].function] | sort) ==
	    (if $mode == "hang" then ["holds_a_wants_b", "holds_b_wants_a"] else ["take_a_then_b", "take_b_then_a"] end)
	and ($inv[0].cycle[0].acquiring_stack[0].file | test("omp_locks.c$"))
	and if $mode == "hang" then
		($dl | length) == 1
		and ([$dl[0].cycle[].acquiring.symbol] | sort) == ["lock_a", "lock_b"]
		and ($dl[0].cycle | all(.owner != null))
		and .program.duration_ns < 20000000000
	else
		($dl | length) == 0
	end
end
