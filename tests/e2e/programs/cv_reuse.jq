# New condition variables where destroyed ones were (a stack slot, a heap block), used correctly: no finding, and the addresses were really reused.
.misuse == [] and .races == [] and .deadlocks == [] and $out.same_stack == 1 and $out.same_heap == 1
