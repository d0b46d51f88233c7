# Both threads set 'flag' before their first lock: one race on it, between the consumer (main) and the producer; the queue's data, ordered by the GMutex, races nowhere.
(.races | length) == 1 and .races[0].symbol == "flag"
and ([.races[0].accesses[].stack[0].function] | sort) == ["consume", "producer"]
and .deadlocks == [] and .misuse == []
