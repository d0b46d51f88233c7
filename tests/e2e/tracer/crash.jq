.by_kind.mutex_lock == 5000 and .by_kind.mutex_unlock == 5000 and .by_kind.signal == 1
and .program.exit_status == 139
