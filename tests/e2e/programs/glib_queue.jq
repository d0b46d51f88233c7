# A GMutex/GCond one-slot queue: the waits and wakes recorded, no finding.
.deadlocks == [] and .misuse == [] and .races == []
and ([.contention[] | select(.lock.symbol == "lock" and .lock.kind == "mutex")] | length) == 1
and $out.counter == $out.expect and $out.produced == 1000
