# Two threads write g8 at each of 20 depths of a recursion, each write with its own stack: one race, its place (the write in descend, on g8) once, not once per depth.
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and .races[0].kind == "data-race" and .races[0].symbol == "g8"
and all(.races[0].accesses[]; .op == "write" and (.stack[0].function | startswith("descend")))
