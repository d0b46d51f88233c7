# main holds state_lock and waits on the once whose routine T1 runs, which
# waits for state_lock: a deadlock through the once, found at once
([.deadlocks[] | select(.kind == "deadlock")] | length) == 1
and ([.deadlocks[] | select(.kind == "deadlock")][0].cycle
     | length == 2
       and (.[] | select(.thread == 0)
            | .op == "once" and .waiting_for == 1 and .owner == null
              and .holding.symbol == "state_lock")
       and (.[] | select(.thread == 1)
            | .op == "mutex_lock" and .owner == 0 and .acquiring.symbol == "state_lock"
              and .holding == null
              and any(.acquiring_stack[]; .function == "init_needing_state")))
