# T1 writes block[3] of main's 32-byte block from valloc, T2 reads it: a race located in the heap block, made by main.
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "data-race" and .location == "heap" and .offset == 12
  and .block.address == $out.block and .block.size == 32 and .block.thread == 0
  and (.block.allocation_stack[0].function == "main") and (.block.freed | not)
  and (.accesses[0] | access(2; "read"; 4; "second_access"))
  and (.accesses[1] | access(1; "write"; 4; "first_access")))
