# Every post is recorded or counted as dropped: nothing is lost silently.
.by_kind.mutex_lock == 600000 and .by_kind.mutex_unlock == 600000
and (.by_kind.sem_post // 0) <= $out.posts and (.by_kind.sem_post // 0) + .dropped >= $out.posts
and $out.posts > 0
