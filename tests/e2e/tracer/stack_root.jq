# Every probe is reported, under its caller (the key destructors' probes
# too: they run after the thread's start routine, and the shim's own key
# destructor waits for them). Every stack is whole: the program's frames
# in order, none of the shim's, down to the thread's first frame (_start
# for the main thread); the atexit handler's no longer passes through main.
[.misuse[] | select(.kind == "unlock-not-locked")] as $m
| ($m | map(.stack[0].function) | unique) == ["probe"]
and ($m | all(.stack | all((.module // "") | test("(^|/)libctrace-shim[^/]*$") | not)))
and ($m | group_by(.stack[1].function)
     | map({key: .[0].stack[1].function, value: (map(.count) | add)}) | from_entries)
    == {"main": 3, "direct_start": 3, "c11_start": 1, "cleanup_handler": 2,
        "key_destructor": 2, "at_exit_handler": 1}
and ($m | map(select(.stack[1].function == "main")) | all(.stack | length == 5))
and ($m | map(select(.stack[1].function == "main" or .stack[1].function == "at_exit_handler"))
     | all(.stack[-1].function == "_start"))
and ($m | map(select(.stack[1].function == "at_exit_handler")) | all(.stack
     | map(.function) | index("main") == null))
and ($m | map(select(.stack[1].function == "cleanup_handler")) | map(.stack[2].function)
     | sort) == ["cancelled_start", "exiting_start"]
and ($m | map(select(.stack[1].function == "direct_start" or .stack[1].function == "c11_start"))
     | all(.stack | length == 4))
and .trace.dropped == 0
