# The 3 later passes of wide_interval merged into the first one's accesses (the table grew instead of starting over every 1024 keys): under a third kept.
.accesses.kept * 3 < .accesses.seen
