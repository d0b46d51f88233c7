# 200 000 short-lived mutexes from two init sites: two classes of 100 000,
# not 200 000 lockstats; the 8 bucket locks (one init site, too few for a
# class) and hot_lock each as themselves; bounded, sorted by wait.
([.contention[] | select(.class)] as $classes
 | ($classes | length) == 2
 and ($classes | map(.instances) == [100000, 100000])
 and ($classes | map(.acquisitions) == [100000, 100000])
 and ($classes | map(.lock.kind == "mutex" and .lock.type == "normal") | all)
 and ($classes | map(.lock.init_stack[0].function) | sort) == ["heap_mutex", "stack_mutex"])
and (.contention | length) <= 20
and (has("contention_omitted") | not)
and ([.contention[] | select((.lock.symbol // "") | startswith("buckets["))]
     | length == 8 and (map(has("class") | not) | all) and (map(.acquisitions) | add) == 50)
and ([.contention[] | select(.lock.symbol == "hot_lock")]
     | length == 1 and .[0].acquisitions == 50)
and ([.contention[].wait_ns] == ([.contention[].wait_ns] | sort | reverse))
and $out.iterations == 200000
and .deadlocks == [] and .misuse == []
