# abba_inversion.c built with plain clang -g (no .debug_aranges): the same
# finding as with gcc, every program frame with its file and line.
(.deadlocks | length) == 1
and .deadlocks[0].kind == "lock-order-inversion"
and ([.deadlocks[0].cycle[].acquiring_stack[0].function] | sort) == ["take_a_then_b", "take_b_then_a"]
and ([.deadlocks[0].cycle[] | .acquiring_stack[0], .holding_stack[0], .holding.init_stack[0]?
      | select(. != null) | .file | test("abba_inversion.c$")] | all)
and ([.deadlocks[0].cycle[] | .acquiring_stack[0].line, .holding_stack[0].line] | all(. > 0))
and .misuse == []
