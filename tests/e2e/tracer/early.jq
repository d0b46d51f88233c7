$out.early == 2 and .by_kind.create == 1 and .by_kind.mutex_lock == 2
