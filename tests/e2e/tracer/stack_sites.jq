# 12 distinct stacks (one per call site in caller), each seen 3 times, all
# 16 frames deep (the default) with the same frames above the call site
[.misuse[] | select(.kind == "unlock-not-locked")] as $m
| ($m | length) == 12
and ($m | all(.count == 3))
and ($m | all(.stack | length == 16))
and ($m | all([.stack[0:3][].function] == ["unlock_it", "caller", "deep"]))
and ([$m[].stack[1].pc] | unique | length) == 12
and ([$m[] | .stack[2:] | map(.pc)] | unique | length) == 1
