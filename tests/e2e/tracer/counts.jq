.by_kind.mutex_lock == 200000 and .by_kind.mutex_unlock == 200000 + $out.trylocks
and .by_kind.mutex_trylock == 100000 and .by_kind.create == 2 and .by_kind.join == 2
and .threads == 3 and .processes == 1 and .dropped == 0 and $out.counter == 200000
and .program.exit_status == 0
