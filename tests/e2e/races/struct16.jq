# A 16-byte struct copied by T1 and read by T2 (two 8-byte accesses each, in one line each): one race, on a field of s16 (the other field is the same variable between the same two lines).
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
# access(thread; op; size; function): a plain access of the program in that function
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
# the one race of the run, with nothing else found
def only_race: (.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race";
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0].symbol == "s16.a" or .races[0].symbol == "s16.b")
and all(.races[]; .kind == "data-race" and .location == "global" and .size == 8
  and (.accesses[0] | access(2; "read"; 8; "second_access"))
  and (.accesses[1] | access(1; "write"; 8; "first_access")))
