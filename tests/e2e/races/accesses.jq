# The program's memory accesses were recorded (the run was instrumented).
.accesses.kept > 0
