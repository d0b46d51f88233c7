.misuse == [] and .deadlocks == [] and $out.child == 0
