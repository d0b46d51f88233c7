# contention.py, Python stacks: stats_lock's contended site is
# record_sample(), the holder it blames slow_flush(). To enable once Python
# frames are in stacks.
def pyframe: map(select(.language == "python")) | .[0];
[.contention[] | select(.lock.kind == "sem" and .acquisitions == 20)][0] as $s
| ($s.sites | map(select(.stack | pyframe | .function == "record_sample")) | length) == 1
and ($s.sites | map(select(.stack | pyframe | .function == "record_sample"))[0]
     | .wait_ns > 0 and (.blamed_holder_stack | pyframe | .function) == "slow_flush")
