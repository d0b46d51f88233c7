# A local of main, written by T1 and read by T2 through a pointer (main waits in join): a race located on the main thread's stack (T0), by its recorded bounds; neither access is main's, so no frame or variable is named (none is guessed).
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
# access(thread; op; size; function): a plain access of the program in that function
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
# the one race of the run, with nothing else found
def only_race: (.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race";
only_race and (.races[0] | .location == "stack" and .stack_of_thread == 0 and .symbol == null and .function == null and .size == 4
  and .address == $out.local
  and (.thread_stack.low | hex) <= (.address | hex) and (.address | hex) < (.thread_stack.high | hex)
  and (.accesses[0] | access(2; "read"; 4; "second_access"))
  and (.accesses[1] | access(1; "write"; 4; "first_access")))
