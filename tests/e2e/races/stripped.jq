# A stripped program (-s): no names, so each access's own frame is its object
# and the offset of the pc in it (module_offset), not a libc frame.
(.races | length) >= 1
and all(.races[]; .kind == "data-race"
  and all(.accesses[]; .stack[0].function == null
    and (.stack[0].module | endswith("/race"))
    and (.stack[0].module_offset | test("^0x[0-9a-f]+$"))))
