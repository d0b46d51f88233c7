# The writer's write, made before it blocked for good, races with main's read before the process ended: one race, both accesses in the trace.
def access($t; $op): .thread == $t and .op == $op and .size == 4 and .atomic == false;
(.races | length) == 1 and .misuse == [] and .deadlocks == [] and $out.value == 42
and (.races[0] | .kind == "data-race" and .location == "global" and .symbol == "written_before_block"
  and (.accesses[0] | access(0; "read")) and (.accesses[1] | access(1; "write"))
  and (.accesses[1].stack[0].function | startswith("writer")))
