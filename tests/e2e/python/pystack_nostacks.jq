.python.frames == false and (.python.note | test("stack depth 0"))
