# Two threads only read-lock a lock annotated for TSan at the same time: no finding, and none of its acquisitions counts as contended.
.races == [] and .misuse == [] and .deadlocks == []
and ([.contention[] | select(.lock.kind == "rwlock") | .contended] | add // 0) == 0
and ([.contention[] | select(.lock.kind == "rwlock") | .acquisitions] | add // 0) >= 40000
