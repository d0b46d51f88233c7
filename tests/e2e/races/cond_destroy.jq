# A condition destroyed by its waiter while the worker that signalled it after its unlock may still be inside the signal: one sync-object race, the destroy at main against the worker's signal.
[.races[] | select(.kind == "sync-object-race")] as $r
| ($r | length) == 1
and $r[0].accesses[0].call == "cond_destroy" and $r[0].accesses[0].stack[0].function == "main"
and $r[0].accesses[1].call == "cond_signal" and $r[0].accesses[1].stack[0].function == "worker"
and ([.races[] | select(.kind != "sync-object-race")] | length) == 0
and .deadlocks == [] and ([.misuse[] | select(.severity == "warning")] | length) == 0
