.deadlocks == [] and .misuse == [] and (.contention | length) >= 5
