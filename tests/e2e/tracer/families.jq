.by_kind as $k |
$k.mutex_init == 1 and $k.mutex_lock == 2 and $k.mutex_trylock == 1 and $k.mutex_timedlock == 1
and $k.mutex_clocklock == 1 and $k.mutex_unlock == 5 and $k.mutex_destroy == 1
and $k.mtx_init == 2 and $k.mtx_lock == 2 and $k.mtx_trylock == 1 and $k.mtx_timedlock == 1
and $k.mtx_unlock == 4 and $k.mtx_destroy == 2
and $k.rwlock_init == 1 and $k.rwlock_rdlock == 1 and $k.rwlock_tryrdlock == 1
and $k.rwlock_timedrdlock == 1 and $k.rwlock_clockrdlock == 1 and $k.rwlock_wrlock == 1
and $k.rwlock_trywrlock == 1 and $k.rwlock_timedwrlock == 1 and $k.rwlock_clockwrlock == 1
and $k.rwlock_unlock == 8 and $k.rwlock_destroy == 1
and $k.spin_init == 1 and $k.spin_lock == 1 and $k.spin_trylock == 1 and $k.spin_unlock == 2
and $k.spin_destroy == 1
and $k.cond_init == 1 and $k.cond_signal == 1 and $k.cond_broadcast == 1
and $k.cond_timedwait == 1 and $k.cond_clockwait == 1 and $k.cond_destroy == 1
and $k.cnd_init == 1 and $k.cnd_signal == 1 and $k.cnd_broadcast == 1 and $k.cnd_timedwait == 1
and $k.cnd_destroy == 1
and $k.sem_init == 1 and $k.sem_wait == 2 and $k.sem_trywait == 1 and $k.sem_timedwait == 1
and $k.sem_clockwait == 1 and $k.sem_post == 3 and $k.sem_destroy == 1 and $k.sem_open == 1
and $k.sem_close == 1 and $k.sem_unlink == 1
and $k.barrier_init == 1 and $k.barrier_wait == 1 and $k.barrier_destroy == 1
and $k.mq_open == 1 and $k.mq_send == 1 and $k.mq_timedsend == 1 and $k.mq_receive == 1
and $k.mq_timedreceive == 1 and $k.mq_notify == 1 and $k.mq_close == 1 and $k.mq_unlink == 1
and $k.create == 6 and $k.join == 2 and $k.tryjoin_np >= 1 and $k.timedjoin_np == 1
and $k.clockjoin_np == 1 and $k.cancel == 1 and $k.detach == 1 and $k.setname_np == 1
and $k.once >= 2 and $k.thrd_create == 2 and $k.thrd_join == 1 and $k.thrd_detach == 1
and $k.call_once == 1 and $out.inits == 2
and ([.thread_list[].name] | index("idler")) != null
