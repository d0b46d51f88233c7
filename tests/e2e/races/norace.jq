# A race-free program: no race, no other finding, and it computed what it should.
.races == [] and .misuse == [] and .deadlocks == [] and $out.counter == $out.expect
