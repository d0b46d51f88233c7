# Locks freed with their blocks (no destroy call), or moved away by realloc, and new ones at the same addresses, in the other order: no inversion, and the addresses were really reused.
.deadlocks == [] and .misuse == [] and $out.cxx_reused == 1 and $out.c_reused == 1 and $out.realloc_reused == 1
