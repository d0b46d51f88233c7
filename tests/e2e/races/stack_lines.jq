# Both stacks of a race carry the file and line of the program's source (the size4 race).
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
# access(thread; op; size; function): a plain access of the program in that function
def access($t; $op; $size; $fn): .thread == $t and .op == $op and .size == $size and .atomic == false
  and (.stack[0].function | startswith($fn));
# the one race of the run, with nothing else found
def only_race: (.races | length) == 1 and .misuse == [] and .deadlocks == [] and .races[0].kind == "data-race";
only_race and (.races[0] | all(.accesses[]; .stack[0].file != null and (.stack[0].file | endswith("races/race.c"))
  and .stack[0].line > 0 and .stack[1].file != null and (.stack[1].function | IN("first", "second"))))
