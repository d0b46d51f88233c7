# An int at offset 1 of a packed struct (unaligned), written by T1, read by T2 (unaligned_api: through __sanitizer_unaligned_store32 and __sanitizer_unaligned_load32).
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
# access(thread; op; size; function): a plain access of the program in that function
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
# the one race of the run, with nothing else found
def only_race: (.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race";
only_race and (.races[0] | .location == "global" and .symbol == "packed.value" and .size == 4
  and (.address | hex) == ($out.packed | hex) + 1
  and (.accesses[0] | access(2; "read"; 4; "second_access"))
  and (.accesses[1] | access(1; "write"; 4; "first_access")))
