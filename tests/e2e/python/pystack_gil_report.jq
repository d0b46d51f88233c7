# pystack_gil.py in the report: the GIL is one mutex per process, "GIL",
# taken over and over by the computing threads; its own mutex and conds
# (symbols such as _PyRuntime._main_interpreter._gil.mutex) are never shown.
def lname: [.name, .symbol] | map(select(type == "string")) | join(" ");
[.contention[] | select(.lock.name == "GIL")] as $gil
| ($gil | length) >= 1 and all($gil[]; .lock.kind == "mutex")
and any($gil[]; .acquisitions > 10)
and all(.contention[]; .lock | lname | test("gil\\.(mutex|cond|switch)") | not)
and .deadlocks == [] and .misuse == []
