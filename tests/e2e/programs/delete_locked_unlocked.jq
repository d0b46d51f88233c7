# The same object deleted after its locks were let go: nothing.
.misuse == [] and .deadlocks == [] and $out.deleted == 1
