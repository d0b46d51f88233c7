$out.intact == 1 and .by_kind.mutex_lock == 300000 and .dropped == 0
