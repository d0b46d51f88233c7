# abba_inversion.py, Python stacks: the innermost Python frame of every
# stack of the inversion is the function that took the lock (worker_ab,
# worker_ba, in abba_inversion.py), and each lock's creation stack shows
# the module line that made it. To enable once Python frames are in stacks.
def pyframe: map(select(.language == "python")) | .[0];
[.deadlocks[] | select(.kind == "lock-order-inversion")][0].cycle as $c
| ([$c[].acquiring_stack | pyframe | .function] | sort) == ["worker_ab", "worker_ba"]
and ([$c[].holding_stack | pyframe | .function] | sort) == ["worker_ab", "worker_ba"]
and ($c | all(.acquiring_stack | pyframe | (.file | test("abba_inversion\\.py$")) and .line > 0))
and ($c | all(.holding.init_stack | pyframe | .function == "<module>"
              and (.file | test("abba_inversion\\.py$"))))
