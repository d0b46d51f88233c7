# T1 writes block[3] of main's 32-byte heap block, T2 frees it: a race of the free (a write of the whole block) with the write, located in the block, freed by T2.
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
# access(thread; op; size; function): a plain access of the program in that function
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
# the one race of the run, with nothing else found
def only_race: (.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race";
only_race and (.races[0] | .location == "heap" and .symbol == null and .size == 4 and .offset == 12
  and .block.address == $out.block and .block.size == 32 and .block.thread == 0
  and (.block.allocation_stack[0].function == "main")
  and .block.freed == true and .block.free_thread == 2
  and (.block.free_stack[0].function | startswith("second_access"))
  and (.address | hex) == ($out.block | hex) + 12
  and (.accesses[0] | access(2; "write"; 32; "second_access") and .free == true and .address == $out.block)
  and (.accesses[1] | access(1; "write"; 4; "first_access") and (.free | not)))
