# ctrace info: every event kept, and at least the threads and processes the
# program reports ($out, its last stdout line) were traced, their
# semaphores (Python's locks) among the events.
.dropped == 0
and .threads >= $out.threads
and .processes >= $out.processes
and (.by_kind.sem_init // 0) > 0
and ((.by_kind.sem_trywait // 0) + (.by_kind.sem_wait // 0)) > 0
