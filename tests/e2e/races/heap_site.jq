# Two blocks made by one allocation stack (site_alloc in a loop), each written by T1 in site_write and read by T2 in site_read: one race, on a heap block made in site_alloc.
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and .races[0].kind == "data-race" and .races[0].location == "heap"
and (.races[0].block.allocation_stack[0].function | startswith("site_alloc"))
and (.races[0].accesses[0].stack[0].function | startswith("site_read"))
and (.races[0].accesses[1].stack[0].function | startswith("site_write"))
