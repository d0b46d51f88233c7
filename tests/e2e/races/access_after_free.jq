# T1 frees main's 32-byte block, T2 then reads block[3] (no synchronization): a race of the read with the free, located in the freed block (its allocation by main, its free by T1).
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
# access(thread; op; size; function): a plain access of the program in that function
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
# the one race of the run, with nothing else found
def only_race: (.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race";
only_race and (.races[0] | .size == 4 and (.address | hex) == ($out.block | hex) + 12
  and .location == "heap" and .offset == 12 and .block.address == $out.block and .block.size == 32
  and .block.thread == 0 and .block.allocation_stack[0].function == "main"
  and .block.freed == true and .block.free_thread == 1
  and (.block.free_stack[0].function | startswith("first_access"))
  and (.accesses[0] | access(2; "read"; 4; "second_access") and (.free | not))
  and (.accesses[1] | access(1; "write"; 32; "first_access") and .free == true and .address == $out.block))
