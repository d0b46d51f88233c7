# pystack_frames.py: the Lock's creation at its line, the lock taken in
# inner() called by outer() (main thread and worker-1: Python frames in
# order, with their lines), a C function (map) between two Python frames
# stays between them, every stack starts with its native call site.
def ours: (.file // "") | endswith("/pystack_frames.py");
def pys: .stack | map(select(.py));
def names: map(.py // "C");
. as $d
| .problems == 0
and ([.calls[] | select(.op == "sem_init") | pys | .[0]
      | select(ours and .py == "<module>" and .line == $out.lock_line)] | length > 0)
and ([.calls[] | select(.op == "sem_trywait" and $d.threads[.thread].name == "MainThread") | pys
      | select(length >= 3 and .[0].py == "inner" and .[0].line == $out.inner_line
               and .[1].py == "outer" and .[1].line == $out.outer_line and .[2].py == "<module>"
               and all(.[0:3][]; ours))] | length > 0)
and ([.calls[] | select(.op == "sem_trywait" and $d.threads[.thread].name == "worker-1") | pys
      | select(.[0].py == "inner" and .[1].py == "outer"
               and (map(.py) | index(["Thread.run", "Thread._bootstrap_inner", "Thread._bootstrap"])) != null)]
     | length > 0)
and ([.calls[] | select(.op == "sem_trywait") | .stack | names
      | (index("via_map.<locals>.<lambda>")) as $l | (index("via_map")) as $v
      | select($l != null and $v != null)
      | $v > $l + 1 and all(.[$l + 1:$v][]; . == "C")] | (length > 0 and all))
and all(.calls[]; .stack[0].pc != null)
and all(.calls[].stack[] | select(.py); .same_process and .line > 0)
