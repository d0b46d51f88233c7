# C++: a block new'd by the first thread, handed over with release and acquire, read by the second thread, then deleted by the first after a relaxed flag: the delete, a write of the whole block at its call site in the program, races with the read; the block names its new's and its delete's sites.
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "data-race" and .size == 8 and .location == "heap" and .offset == 8
  and .block.address == $out.made and .block.size == 16 and .block.thread == 1
  and (.block.allocation_stack[0].function | startswith("first_access"))
  and .block.freed == true and .block.free_thread == 1
  and (.block.free_stack[0].function | startswith("last_access"))
  and (.accesses[0] | .thread == 1 and .op == "write" and .free == true and .size == 16
    and (.stack[0].function | startswith("last_access")))
  and (.accesses[1] | .thread == 2 and .op == "read" and .size == 8 and (.free | not)
    and (.stack[0].function | startswith("second_access"))))
