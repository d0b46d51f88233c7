# Frames of the Python run by a program that dlopen'ed libpython.
.problems == 0
and any(.calls[]; .op == "sem_trywait" and any(.stack[]; .py == "embedded_lock" and .file == "<string>" and .line == 4))
and any(.threads[]; .name == "embedded-1")
and .processes[0].runtime == 1 and .processes[0].support == 0
