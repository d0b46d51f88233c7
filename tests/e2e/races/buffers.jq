# A buffer a system call reads or writes for the program, as libtsan takes it: T1 read()s or pread()s 20 bytes of /dev/zero into buf (the kernel writes bytes 0-19), or write()s them to /dev/null (the kernel reads them), or does the same with fread() and fwrite() (stdio); T2 then copies out bytes 16-23 (read_buffer, pread_buffer) or sets them (write_buffer), after a relaxed flag: a race on bytes 16-19, T1's side a range at its call.
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
($out.mode == "write_buffer" or $out.mode == "fwrite_buffer") as $w
| (.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "data-race" and .location == "global" and .symbol == "buf[16]" and .size == 4
  and (.address | hex) == ($out.buf | hex) + 16
  and (.accesses[0] | access(2; if $w then "write" else "read" end; 8; "second_access"))
  and (.accesses[1] | access(1; if $w then "read" else "write" end; 20; "first_access") and .range == true
    and .address == $out.buf))
