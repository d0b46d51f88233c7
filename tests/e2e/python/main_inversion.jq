# main_inversion.py: one lock-order inversion, of the main thread alone,
# between the locks named m1 and m2.
(.deadlocks | length) == 1 and .deadlocks[0].kind == "lock-order-inversion"
and ([.deadlocks[0].cycle[].holding.name | select(. != null) | split(" ")[0]] | sort) == ["m1", "m2"]
and (.deadlocks[0].cycle | all(.thread == 0))
and .misuse == []
