(.python.version | startswith("3.11.")) and .python.frames == false
and (.python.note | test("^CPython 3\\.11: Python frames not recorded \\(CTRACE_PYTHON_LAYOUT=unknown\\), C frames only$"))
