# Two threads of one OpenMP region write shared_word with only a relaxed flag between them: exactly one data race, on that global, write against write, by two threads.
.misuse == [] and .deadlocks == [] and (.races | length) == 1
and (.races[0] | .kind == "data-race" and .location == "global" and .symbol == "shared_word"
  and (.accesses | length) == 2 and all(.accesses[]; .op == "write" and .atomic == false)
  and .accesses[0].thread != .accesses[1].thread)
