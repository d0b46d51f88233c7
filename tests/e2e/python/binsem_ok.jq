# Binary and counting semaphores used correctly: no finding.
.deadlocks == [] and .misuse == [] and .races == []
and $out.counter == 40000 and $out.max_in_use_ok
