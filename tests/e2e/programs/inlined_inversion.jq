# inlined_inversion.c: each acquisition's stack starts with the inlined
# lock_both (marked inlined), then the thread function it sits in, both
# with this file and a line.
(.deadlocks | length) == 1 and .deadlocks[0].kind == "lock-order-inversion"
and (.deadlocks[0].cycle | all(.acquiring_stack as $s
      | $s[0].function == "lock_both" and $s[0].inlined == true
      and ($s[1].function == "a_then_b" or $s[1].function == "b_then_a")
      and ([$s[0], $s[1]] | all((.file | endswith("/inlined_inversion.c")) and .line > 0))))
