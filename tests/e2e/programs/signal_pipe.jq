# 300 signal handlers wrote to a pipe, many while the shim was at work: nothing lost.
.dropped == 0 and .threads >= 1
