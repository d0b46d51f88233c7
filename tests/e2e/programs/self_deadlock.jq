([.deadlocks[] | select(.kind == "deadlock")] | length) == 1
and ([.deadlocks[] | select(.kind == "deadlock")][0].cycle | length == 1
     and .[0].acquiring.symbol == "config_lock" and .[0].owner == .[0].thread
     and .[0].acquiring_stack[0].function == "reload_config")
and ([.misuse[] | select(.kind == "relock-non-recursive")] | length) == 1
