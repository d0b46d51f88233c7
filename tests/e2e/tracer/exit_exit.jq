.by_kind.mutex_lock == 100 and .by_kind.proc_exit == 1 and .program.exit_status == 5
