# A fiber on each thread writes 'counter' (relaxed handoff: no order): races on it, each access's stack the fiber's own (fiber_main, from its context's start), none of the frames of the thread that switched to the fiber (main, thread_main).
.misuse == [] and .deadlocks == [] and (.races | length) >= 1
and all(.races[]; .kind == "data-race" and .symbol == "counter"
  and all(.accesses[]; any(.stack[]; .function == "fiber_main")
    and all(.stack[]; .function != "main" and .function != "thread_main")))
and $out.counter == $out.expect
