# T1 reads and writes 12000 ints twice in one interval (24000 distinct accesses, more than the shim's first table), then makes 100 short intervals, then 4 passes in one interval again; T2 then reads one of the last: still a race, with the element named.
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "data-race" and .location == "global" and .symbol == "wide[11993]" and .size == 4
  and (.accesses[0] | access(2; "read"; 4; "second_access"))
  and (.accesses[1] | access(1; "write"; 4; "wide_pass")))
