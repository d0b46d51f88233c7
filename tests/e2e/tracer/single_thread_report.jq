# The wait on the mutex the child process held is recorded: that lock, and
# no other, is contended. The errorcheck relock is reported.
([.contention[] | select(.contended > 0)] | length == 1
 and .[0].acquisitions == 1 and .[0].wait_ns >= 100000000)
and ([.misuse[] | select(.kind == "relock-non-recursive")] | length) == 1
