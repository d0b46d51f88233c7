# abba_inversion.c compiled by a relative path (gcc keeps it relative in
# its line table): every file is made absolute with the unit's directory.
(.deadlocks | length) == 1
and ([.deadlocks[0].cycle[] | .acquiring_stack[0], .holding_stack[0] | .file]
     | all(startswith("/") and endswith("/abba_inversion.c")))
and ([.deadlocks[0].cycle[] | .acquiring_stack[0].line] | all(. > 0))
