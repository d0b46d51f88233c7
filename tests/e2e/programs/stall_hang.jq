# The watchdog's hang report (hang.json) of a run stalled for the stall timeout (1 s): one stall, and the program's duration is the time it had run when the stall was seen (at least the 1 s its threads were blocked), not the time of its last record.
([.deadlocks[] | select(.kind == "stall")] | length) == 1
and .program.duration_ns >= 1000000000
