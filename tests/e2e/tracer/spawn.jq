.processes >= 4 and .by_kind.posix_spawn == 1 and $out.system == 4
