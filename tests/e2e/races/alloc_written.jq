# T1's allocation call writes the block (calloc's zeroing; realloc's copy into the block it moved to, 1 MiB) and T1 hands it to T2 with a relaxed store; T2 reads block[3]: a race with the allocation call's write, a range at T1's call site.
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
($out.mode == "calloc_zeroed" or $out.made_moved) and (.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "data-race" and .size == 4 and (.address | hex) == ($out.made | hex) + 12
  and .location == "heap" and .offset == 12 and .block.address == $out.made and .block.thread == 1
  and (.block.allocation_stack[0].function | startswith("first_access"))
  and (.accesses[0] | .thread == 2 and .op == "read" and .size == 4 and (.stack[0].function | startswith("second_access")))
  and (.accesses[1] | .thread == 1 and .op == "write" and .range == true and .size >= 32
    and .address == $out.made and (.stack[0].function | startswith("first_access"))))
