# mp_deadlock.py deadlock with a 2 s stall timeout: the hung processes are
# found (stalled, or deadlocked once named semaphores are locks) and every
# process of the program was ended, so the trace is not still running.
([.deadlocks[] | select(.kind == "stall" or .kind == "deadlock")] | length) >= 1
and (.trace.running | not)
