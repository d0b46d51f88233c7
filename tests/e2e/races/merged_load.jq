# T1's second acquire load of `polled` acquires nothing its first did not (the shim keeps it as an atomic read access, not a record); T2's plain write of `polled` is ordered after T1's first load (through a mutex), not before the second: the one race is the second load (atomic) with the write (plain).
def only_race: (.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race";
only_race and (.races[0] | .location == "global" and .symbol == "polled" and .size == 4
  and (.accesses[0] | .thread == 1 and .op == "read" and .atomic == true and .size == 4
    and (.stack[0].function | startswith("first_load_again")))
  and (.accesses[1] | .thread == 2 and .op == "write" and .atomic == false and .size == 4
    and (.stack[0].function | startswith("second_plain_write"))))
