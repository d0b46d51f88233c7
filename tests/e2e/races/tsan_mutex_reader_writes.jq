# Two threads write 'counter' under the read side of a lock annotated for TSan (a relaxed flag between them orders nothing): a race, which the read lock does not order; nothing else.
.misuse == [] and .deadlocks == [] and (.races | length) >= 1
and all(.races[]; .kind == "data-race" and .symbol == "counter")
and $out.counter == $out.expect
