(.deadlocks | length) == 1
and .deadlocks[0].kind == "lock-order-inversion"
and .deadlocks[0].concurrent == false
and .deadlocks[0].ordered_by == "create/join"
and (.deadlocks[0].note | type) == "string"
