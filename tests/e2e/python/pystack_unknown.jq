# CTRACE_PYTHON_LAYOUT=unknown: one RUNTIME record saying so, C frames only,
# no Python name, no GIL role.
.problems == 0 and .calls == [] and .pycodes == 0 and .roles == []
and .processes[0].runtime == 1 and .processes[0].support == 1
and (.processes[0].note | test("Python frames not recorded"))
and all(.threads[]; .name != "MainThread" and .name != "worker-1")
