# Objects made by init calls, destroyed and freed; new ones at the same address made without a call (zeroed memory, static initializers), used correctly: no finding, and the block was really reused.
.misuse == [] and .races == [] and .deadlocks == [] and $out.same == 1
