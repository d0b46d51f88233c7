# stack_constant.c: the one race, on outer's local, named with its frame
# whatever form its location takes at the store (gcc: the frame base; clang
# -O1: the stack pointer, from another range of its location list).
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "data-race" and .location == "stack" and .stack_of_thread == 1
  and .symbol == "local_val" and .function == "outer"
  and ([.accesses[].stack[0].function] | sort) == ["inner", "outer"])
