# A worker's once routine calls the same once: it waits for itself, a deadlock found at once (not a stall), with its note.
([.deadlocks[] | select(.kind == "deadlock")] | length) == 1
and ([.deadlocks[] | select(.kind == "deadlock")][0]
     | (.cycle | length == 1 and .[0].thread == 1 and .[0].op == "once" and .[0].waiting_for == 1
                 and any(.[0].acquiring_stack[]; .function == "init_calling_itself"))
       and (.note | test("once again")))
and ([.deadlocks[] | select(.kind == "stall")] | length) == 0
