.processes == 3 and .by_kind.mutex_lock == 65 and .by_kind.mutex_unlock == 65
and .by_kind.fork == 1 and (.by_kind.exec // 0) <= 1 and $out.child == 0
