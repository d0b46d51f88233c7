# Roles on the GIL's locks, in the parent (process 0) and the fork child.
def role($p; $name; $kind): any(.roles[]; .process == $p and .name == $name and .kind == $kind);
.problems == 0
and role(0; "GIL"; "mutex") and role(0; "GIL cond"; "cond")
and role(1; "GIL"; "mutex")
and all(.roles[]; .name | startswith("GIL"))
