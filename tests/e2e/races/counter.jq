# A plain int counter++ in two threads: one race, on 'counter', T2 after T1's write (gcc checks T2's read and its write at two places, both racing with T1's write: the same two lines, one race; clang instruments only the write of a read-modify-write in one block).
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
# access(thread; op; size; function): a plain access of the program in that function
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
# the one race of the run, with nothing else found
def only_race: (.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race";
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and all(.races[]; .kind == "data-race" and .location == "global" and .symbol == "counter" and .size == 4
  and .accesses[0].thread == 2 and (.accesses[0].stack[0].function | startswith("second_access"))
  and (.accesses[1] | access(1; "write"; 4; "first_access")))
