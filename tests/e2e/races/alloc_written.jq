# T1's allocation call writes the block (calloc's zeroing; realloc's copy into the block it moved to, 1 MiB; malloc, and mmap of a 4 KiB mapping: as TSan takes them) and T1 hands it to T2 with a relaxed store; T2 reads made[3] (calloc_far: made[3 << 16] of a 4 MiB block, past the 64 KiB the shim once recorded of a zeroing): a race with the allocation, a write of the whole block at T1's call site.
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
(if $out.mode == "calloc_far" then 786432 else 12 end) as $off
| (if $out.mode == "calloc_far" then 4194304 elif $out.mode == "realloc_moved" then 1048576
 elif $out.mode == "mmap_unwritten" then 4096 else 32 end) as $size
| ($out.mode != "realloc_moved" or $out.made_moved) and (.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "data-race" and .size == 4 and (.address | hex) == ($out.made | hex) + $off
  and .location == "heap" and .offset == $off and .block.address == $out.made and .block.thread == 1
  and .block.size == $size and (.block.allocation_stack[0].function | startswith("first_access"))
  and (.accesses[0] | .thread == 2 and .op == "read" and .size == 4 and (.stack[0].function | startswith("second_access")))
  and (.accesses[1] | .thread == 1 and .op == "write" and .alloc == true and .size == $size
    and .address == $out.made and (.stack[0].function | startswith("first_access"))))
