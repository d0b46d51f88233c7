# 160 threads alive at once each read a shared array twice in one interval: the tables that grow to merge the second pass share a budget (32 MiB), which about 45 reach; the others start over and keep both passes. So well over half of all reads are kept (without the budget: half, and 160 tables of 700 KB).
.accesses.kept * 10 > .accesses.seen * 6
