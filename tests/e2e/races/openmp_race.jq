# openmp.c race: two threads of one region write shared_word, ordered by nothing (a relaxed flag): exactly one race, on the global shared_word, both accesses plain writes by two different threads (which thread is which varies), and nothing else found.
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "data-race" and .location == "global" and .symbol == "shared_word"
  and .size == 4 and (.accesses | length) == 2
  and all(.accesses[]; .op == "write" and .atomic == false and .size == 4)
  and .accesses[0].thread != .accesses[1].thread)
and $out.counter == $out.expect
