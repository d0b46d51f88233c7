.by_kind.create == 2 and .by_kind.join == 2 and .by_kind.cond_signal == 1000
and .by_kind.mutex_lock >= 2000 and .by_kind.mutex_unlock == .by_kind.mutex_lock
and ((.by_kind.cond_wait // 0) >= 0) and .threads == 3 and $out.sum == 500500
