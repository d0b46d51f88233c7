# Locks freed with their blocks (no destroy call) and new ones at the same addresses, in the other order: no inversion, and the addresses were really reused.
.deadlocks == [] and .misuse == [] and $out.cxx_reused == 1 and $out.c_reused == 1
