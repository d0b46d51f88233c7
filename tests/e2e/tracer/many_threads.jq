.threads == 10001 and .by_kind.create == 10000 and .by_kind.join == 10000
and .by_kind.mutex_lock == 10000 and .by_kind.mutex_unlock == 10000
and ([.thread_list[].dropped] | add) == 0
and ([.thread_list[] | select(.id > 0) | .events] | min) >= 4
