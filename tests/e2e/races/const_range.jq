# memcpy and memset of sizes the compiler sees (gcc expands those inline
# after its instrumentation, unless told not to): T1 copies 20 bytes into
# buf (0-19), T2 sets bytes 16-27: a race on bytes 16-19.
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
(.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race"
and (.races[0] | .location == "global" and .symbol == "buf[16]" and .size == 4
  and (.address | hex) == ($out.buf | hex) + 16
  and (.accesses[0] | access(2; "write"; 12; "second_access"))
  and (.accesses[1] | access(1; "write"; 20; "first_access")))
