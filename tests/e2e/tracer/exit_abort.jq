.by_kind.mutex_lock == 100 and .by_kind.abort == 1 and .by_kind.signal == 1 and .program.exit_status == 134
