# A thread's acquire loads of a location nobody stores, with no access after them: every load but the first merged, and counted although no access of the thread followed.
.accesses.atomic_loads_merged == $out.expect - 1
