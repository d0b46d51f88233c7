.by_kind.mutex_lock == 100 and .by_kind._exit == 1 and .program.exit_status == 3
