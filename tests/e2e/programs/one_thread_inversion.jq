(.deadlocks | length) == 1
and .deadlocks[0].kind == "lock-order-inversion"
and .deadlocks[0].concurrent == false
and .deadlocks[0].ordered_by == "one-thread"
and (.deadlocks[0].note | test("in one thread"))
and ([.deadlocks[0].cycle[].thread] | unique) == [1]
and ([.deadlocks[0].cycle[].holding.symbol] | sort) == ["stats", "table"]
and ([.deadlocks[0].cycle[].acquiring_stack[0].function] | sort) == ["count_hit", "grow_table"]
