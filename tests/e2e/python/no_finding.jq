# A correct program: no deadlock, lock-order inversion, stall, misuse or
# race, and its own exit status (run_case.sh compared stdout and status with
# a native run's).
.deadlocks == [] and .misuse == [] and .races == [] and .program.exit_status == 0
