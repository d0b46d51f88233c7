# a timed lock that gives up and backs off: no deadlock, no inversion, and
# the contention of the wait that timed out is still there
(.deadlocks | length) == 0
and .program.exit_status == 0
and ([.contention[] | select(.lock.symbol == "b")][0].timeouts >= 1)
