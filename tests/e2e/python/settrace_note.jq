# try_acquire.py settrace_try on CPython 3.12+: the try of the second lock ran in bytecode a line tracer instrumented, which the shim cannot read: it counts as blocking (the inversion is reported) and a note says that calls were not read, so the user knows why.
([.deadlocks[] | select(.kind == "lock-order-inversion")] | length) == 1
and any(.notes[]; test("CPython 3\\.1[23].*acquire calls in Python code a tracer or debugger instrumented.*were not read"))
and $out.taken == ["ab", "ba"]
