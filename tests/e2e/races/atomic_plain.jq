# An int stored atomically (relaxed) by T1 and read plainly by T2: a race, the earlier access atomic, the later plain.
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
# the one race of the run, with nothing else found
def only_race: (.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race";
only_race and (.races[0] | .location == "global" and .symbol == "mixed" and .size == 4
  and (.accesses[0] | .thread == 2 and .op == "read" and .atomic == false and .size == 4
    and (.stack[0].function | startswith("second_access")))
  and (.accesses[1] | .thread == 1 and .op == "write" and .atomic == true and .size == 4
    and (.stack[0].function | startswith("first_access"))))
