.program.exit_status == 3
and ([.misuse[] | select(.kind == "exit-holding-lock")] | length) == 1
and ([.misuse[] | select(.kind == "exit-holding-lock")][0].lock.symbol == "state_lock")
