.misuse == [] and .deadlocks == []
