# C++: a block made by the first thread's new (cxx_new), new[] (cxx_new_array, 6 longs) or aligned new (cxx_new_aligned, a 64-byte aligned struct), its bytes written by no constructor, handed to the second thread with a relaxed store: the second thread's read of its second long races with the allocation, a write of the whole block at the new's call site in the program (not malloc's in the C++ runtime), as TSan takes new (cxx_new_after_throw: after a new that threw std::bad_alloc through the shim).
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
({"cxx_new": 16, "cxx_new_after_throw": 16, "cxx_new_array": 48, "cxx_new_aligned": 64})[$out.mode] as $size
| (.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "data-race" and .size == 8 and .location == "heap" and .offset == 8
  and (.address | hex) == ($out.made | hex) + 8
  and .block.address == $out.made and .block.size == $size and .block.thread == 1
  and (.block.allocation_stack[0].function | startswith("first_access"))
  and ($out.mode != "cxx_new_aligned" or ($out.made | hex) % 64 == 0)
  and (.accesses[0] | .thread == 2 and .op == "read" and .size == 8 and .atomic == false
    and (.stack[0].function | startswith("second_access")))
  and (.accesses[1] | .thread == 1 and .op == "write" and .alloc == true and .size == $size
    and .address == $out.made and (.stack[0].function | startswith("first_access"))))
