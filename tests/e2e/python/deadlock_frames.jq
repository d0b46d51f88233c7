# real_deadlock.py, mp_deadlock.py deadlock, Python stacks: every stack of
# the deadlock has Python frames, in .py files, and the functions of the
# threads ($out.functions) each appear in one edge's blocked request and in
# one edge's held-lock acquisition. To enable once Python frames are in
# stacks.
def pyframes: map(select(.language == "python"));
def thread_function:
  pyframes | map(.function) | map(select(. as $f | $out.functions | index($f))) | .[0];
[.deadlocks[] | select(.kind == "deadlock")][0].cycle as $c
| ($c | all(.acquiring_stack | pyframes | length > 0 and all(.file | test("\\.py$"))))
and ($c | all(.holding_stack | pyframes | length > 0))
and ([$c[].acquiring_stack | thread_function] | sort) == $out.functions
and ([$c[].holding_stack | thread_function] | sort) == $out.functions
