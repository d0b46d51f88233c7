# main holds state_lock and joins T1, which waits for state_lock: a deadlock
# through the join, not a stall (found at once, not after --stall-timeout)
([.deadlocks[] | select(.kind == "deadlock")] | length) == 1
and ([.deadlocks[] | select(.kind == "deadlock")][0].cycle
     | length == 2
       and (.[] | select(.thread == 0)
            | .op == "join" and .waiting_for == 1 and .owner == null
              and .acquiring.kind == "thread" and .holding.symbol == "state_lock")
       and (.[] | select(.thread == 1)
            | .op == "mutex_lock" and .owner == 0 and .acquiring.symbol == "state_lock"
              and .holding == null))
and ([.deadlocks[] | select(.kind == "stall")] | length) == 0
