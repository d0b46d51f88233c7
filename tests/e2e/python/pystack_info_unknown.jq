(.python.version | startswith($out.version)) and .python.frames == false
and (.python.note | test("^CPython " + ($out.version | rtrimstr(".") | gsub("\\."; "\\.")) + ": Python frames not recorded \\(CTRACE_PYTHON_LAYOUT=unknown\\), C frames only$"))
