# an order the trace cannot see (a plain flag spun on) is no race on the
# pool's mutex and condition variable
.races == [] and .misuse == [] and .deadlocks == [] and .program.exit_status == 0
