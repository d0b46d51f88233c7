# memcpy ranges, byte-exact: T1 copies 20 bytes into buf (0-19), T2 copies out bytes 24-31 (no race) then 16-23: a race on bytes 16-19 only.
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
# access(thread; op; size; function): a plain access of the program in that function
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
# the one race of the run, with nothing else found
def only_race: (.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race";
only_race and (.races[0] | .location == "global" and .symbol == "buf[16]" and .size == 4
  and (.address | hex) == ($out.buf | hex) + 16
  and (.accesses[0] | access(2; "read"; 8; "second_access")) and .accesses[0].address == .address
  and (.accesses[1] | access(1; "write"; 20; "first_access") and .range == true
    and .address == $out.buf))
