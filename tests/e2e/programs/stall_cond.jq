([.deadlocks[] | select(.kind == "stall")] | length) == 1
and ([.deadlocks[] | select(.kind == "stall")][0].cycle as $c
     | ($c | length) == 2
     and ([$c[].op] | sort) == ["cond_wait", "join"]
     and ($c | map(select(.op == "cond_wait"))[0].acquiring.symbol) == "queue_ready"
     and ($c | map(select(.op == "join"))[0].waiting_for) == 1)
