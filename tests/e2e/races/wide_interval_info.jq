# The later passes of each of wide_interval's two long intervals merged into its first pass's accesses (the table grew instead of starting over every 1024 keys): 2 of 6 passes kept.
.accesses.kept * 2 < .accesses.seen
