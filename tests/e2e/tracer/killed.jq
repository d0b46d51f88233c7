.by_kind.mutex_lock == 7001 and .by_kind.mutex_unlock == 7000 and .by_kind.create == 1
and .threads == 2 and .program.exit_status == 137
