.deadlocks == [] and .misuse == [] and .program.exit_status == 0
