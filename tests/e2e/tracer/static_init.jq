.objects == 4 and .by_kind.mutex_lock == 4 and .by_kind.rwlock_rdlock == 1
and .by_kind.cond_signal == 1 and (.by_kind.cond_wait // 0) <= 1 and .by_kind.mutex_init == null
