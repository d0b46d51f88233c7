# The peak RSS is the waited-for child's (64 MiB touched), the CPU times are counted.
.program.max_rss_kb >= 65536 and .program.max_rss_kb < 1048576
and (.program.user_us | type) == "number" and (.program.sys_us | type) == "number"
and .processes == 2 and .dropped == 0
