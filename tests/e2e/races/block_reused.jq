# T1 writes block[3] of a 32-byte block, frees it, gets the same block back from malloc and writes block[3] again (merged by the shim with the first write), then hands it to T2 with a relaxed store; T2 reads block[3]: a race, whose earlier side is the allocation, taken as a write of the block (as TSan takes it).
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
$out.reused_same and (.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "data-race" and .size == 4 and (.address | hex) == ($out.reused | hex) + 12
  and .location == "heap" and .offset == 12 and .block.address == $out.reused and .block.size == 32
  and .block.thread == 1 and (.block.allocation_stack[0].function | startswith("first_access"))
  and (.accesses[0] | .thread == 2 and .op == "read" and .size == 4 and (.stack[0].function | startswith("second_access")))
  and (.accesses[1] | .thread == 1 and .op == "write" and .size == 32 and .alloc == true
    and .address == $out.reused and (.stack[0].function | startswith("first_access"))))
