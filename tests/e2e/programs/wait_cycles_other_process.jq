# the only thread waited longer than the stall timeout for another process:
# no stall, the program ended normally
(.deadlocks | length) == 0
and .program.exit_status == 0
and (.misuse | length) == 0
