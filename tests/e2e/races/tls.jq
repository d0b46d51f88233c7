# One race, on the owner's thread-local element: location tls, the variable named with its index, of the owner's thread; the two writes by owner_writes and other_writes.
(.races | length) == 1
and .races[0].location == "tls" and .races[0].symbol == "tls_counters[2]" and .races[0].size == 4
and ([.races[0].accesses[] | .stack[0].function] | sort) == ["other_writes", "owner_writes"]
and .races[0].tls_of_thread == (.races[0].accesses[] | select(.stack[0].function == "owner_writes") | .thread)
