# The child (forked while a thread sat inside dl_iterate_phdr) ran on: its two threads' misuse is reported, named by its call site.
$out.children_ok == 1 and .deadlocks == [] and (.misuse | length) == 1
and .misuse[0].kind == "unlock-not-locked" and .misuse[0].stack[0].function == "child_misuser"
