# An element of T1's start routine's own array (first's slots[2]), written by T1 (its initialization in first, then poke_slot through a pointer) and read by T2 while first waits: each race located on T1's stack and named slots[2] in first.
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
(.races | length) >= 1 and .misuse == [] and .deadlocks == []
and all(.races[]; .kind == "data-race" and .location == "stack" and .stack_of_thread == 1
  and .symbol == "slots[2]" and .function == "first" and .size == 4 and .address == $out.local
  and .accesses[0].thread == 2 and .accesses[0].op == "read"
  and (.accesses[0].stack[0].function | startswith("second_access"))
  and .accesses[1].thread == 1 and .accesses[1].op == "write")
and any(.races[]; .accesses[1].stack[0].function | startswith("poke_slot"))
