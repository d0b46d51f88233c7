# 12 distinct stacks (one per call site in caller), each seen 3 times, all
# with the same frames above the call site and the right functions
[.misuse[] | select(.kind == "unlock-not-locked")] as $m
| ($m | length) == 12
and ($m | all(.count == 3))
and ($m | all([.stack[0:4][].function] == ["unlock_it", "caller", "thread_main", "start_thread"]))
and ([$m[].stack[1].pc] | unique | length) == 12
and ([$m[] | .stack[2:] | map(.pc)] | unique | length) == 1
