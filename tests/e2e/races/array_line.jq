# T1 writes four elements of garr in one line (four stores), T2 reads them in one line: one race, on garr, T2's read against T1's write (the other elements are the same variable between the same two lines).
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and .races[0].kind == "data-race" and .races[0].location == "global"
and (.races[0].symbol | startswith("garr["))
and .races[0].accesses[0].op == "read" and .races[0].accesses[1].op == "write"
