# Calls made on a stack the program switched to by hand (no unwind information below its first frame): the program ran, and the unlock of the unlocked mutex made there has the call site only as its stack (nothing unwound past the switch).
([.misuse[] | select(.kind == "unlock-not-locked")] | length) == 1
and ([.misuse[] | select(.kind == "unlock-not-locked")][0].stack | length) == 1
and ([.misuse[] | select(.kind == "unlock-not-locked")][0].stack[0].function) == "work"
and .races == [] and .deadlocks == []
