.by_kind.proc_exit == 1
