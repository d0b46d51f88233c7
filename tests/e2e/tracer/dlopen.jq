.by_kind.dlopen == 1 and .by_kind.mutex_lock == 42 and $out.k == 42
