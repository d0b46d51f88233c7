# Results as without ctrace, exact counts (both processes).
$out.counter == 100000 and $out.rec == [0, 0, 0] and $out.errc == [0, $out.edeadlk]
and $out.timed == 0 and $out.c11 == [$out.c11_success, $out.c11_success]
and $out.after_release == 1
and .processes == 2 and .threads == 2 and .dropped == 0
and .by_kind.mutex_lock == 100006 and .by_kind.mutex_unlock == 100007
and .by_kind.mutex_trylock == 1 and .by_kind.mutex_timedlock == 1
and .by_kind.mtx_lock == 2 and .by_kind.mtx_unlock == 2
