# A library dlopen'ed by a path relative to the working directory is
# symbolized as any other: its lock is named from its symbol table.
$out.k == 42
and ([.contention[].lock | select(.symbol == "lib_lock")] | length) == 1
