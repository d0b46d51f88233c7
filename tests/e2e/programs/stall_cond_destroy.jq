# main destroys a condition its worker waits on, for good (glibc's destroy waits for the waiter): a stall of the two, and the destroy is a misuse.
([.deadlocks[] | select(.kind == "stall")] | length) == 1
and ([.deadlocks[] | select(.kind == "stall")][0].cycle as $c
     | ([$c[].op] | sort) == ["cond_destroy", "cond_wait"]
     and ($c | map(select(.op == "cond_destroy"))[0].acquiring.symbol) == "queue_ready")
and ([.misuse[] | select(.kind == "destroy-with-waiters")] | length) == 1
