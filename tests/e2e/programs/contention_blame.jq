([.contention[] | select(.lock.kind == "mutex")] as $locks
 | $locks[0].lock.symbol == "stats_lock"
 and $locks[0].acquisitions == 20
 and $locks[0].contended >= 5
 and ($locks[0].sites | map(select(.stack[0].function == "record_sample")) | length) == 1
 and ($locks[0].sites | map(select(.stack[0].function == "record_sample"))[0]
      | .wait_ns > 0 and .blamed_holder_stack[0].function == "slow_flush"
        and .blamed[0].wait_ns > 0)
 and ($locks | map(select(.lock.symbol == "quiet_lock")) | length) == 1
 and ($locks | map(select(.lock.symbol == "quiet_lock"))[0].contended) == 0)
and ([.contention[].wait_ns] == ([.contention[].wait_ns] | sort | reverse))
and .deadlocks == [] and .misuse == []
