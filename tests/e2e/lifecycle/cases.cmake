# SPDX-License-Identifier: MIT
# End-to-end cases of a process's and a thread's life (issue 9): an image
# replaced by exec is over, not blocked; a thread ends after its cleanup
# handlers and key destructors; returning from main is an exit.
set(L lifecycle)
# Exec wrappers: the stall timeout passes while the new image sleeps; the
# old image must not count as a thread blocked in exec.
ctrace_e2e(exec_env PROGRAM env ARGS sleep 2 RUN_OPTS --stall-timeout=1
  REPORT_JQ ${L}/no_finding.jq)
ctrace_e2e(exec_sh PROGRAM sh ARGS -c "exec sleep 2" RUN_OPTS --stall-timeout=1
  REPORT_JQ ${L}/no_finding.jq)
# An exec with an LD_PRELOAD of the program's own: the shim goes first,
# the new image is traced (the inversion is found).
ctrace_e2e(exec_own_preload PROGRAM env ARGS LD_PRELOAD=libm.so.6 $<TARGET_FILE:e2e_abba_inversion>
  REPORT_JQ programs/abba_inversion.jq)
# A program with an allocator of its own that takes pthread locks: the
# locks it takes while the shim itself allocates (libunwind, dlsym:
# jemalloc) or maps (tcmalloc's mmap hook) are the shim's, neither recorded
# nor counted as lost; the shim starting inside the allocator's own
# initialization (tcmalloc's pthread_once, under its lock) never waits for
# it (it hung in its Python lookup's malloc).
foreach(allocator jemalloc.so.2 tcmalloc_minimal.so.4 mimalloc.so.2)
  string(REGEX REPLACE "[._].*" "" short ${allocator})
  find_library(ALLOCATOR_${short} NAMES lib${allocator})
  if(ALLOCATOR_${short})
    ctrace_e2e(own_allocator_${short} PROGRAM env
      ARGS LD_PRELOAD=${ALLOCATOR_${short}} $<TARGET_FILE:e2e_abba_inversion>
      INFO_JQ ${L}/nothing_dropped_info.jq REPORT_JQ programs/abba_inversion.jq)
  else()
    message(WARNING "lib${allocator} not found: e2e_own_allocator_${short} not built "
      "(scripts/deps.sh installs it)")
  endif()
endforeach()
# A preloaded library that interposes on clock_gettime and fstat and takes
# locks there (libfaketime): the shim's own clock reads and file checks go
# to the kernel, so none of its locks is counted as a lost event.
find_program(FAKETIME faketime)
if(FAKETIME)
  ctrace_e2e(preload_faketime PROGRAM ${FAKETIME} ARGS -f "+1d x10" $<TARGET_FILE:e2e_abba_inversion>
    INFO_JQ ${L}/nothing_dropped_info.jq REPORT_JQ programs/abba_inversion.jq)
else()
  message(WARNING "faketime not found: e2e_preload_faketime not built (scripts/deps.sh installs it)")
endif()
ctrace_e2e(cleanup_unlock SOURCE ${L}/cleanup_unlock.c REPORT_JQ ${L}/no_finding.jq
  ENV EXPECT_STDOUT=done)
ctrace_e2e(main_return SOURCE ${L}/main_return.c EXPECT 3 INFO_JQ ${L}/main_return_info.jq
  REPORT_JQ ${L}/main_return.jq)
# A name set by handle belongs to the thread that had the handle then.
ctrace_e2e(reused_handle SOURCE ${L}/reused_handle.c REPORT_JQ ${L}/reused_handle.jq)
# Detached right after create: the handle is the new thread's.
ctrace_e2e(detach_reuse SOURCE ${L}/detach_reuse.c ARGS 2000 REPORT_JQ ${L}/no_finding.jq
  ENV EXPECT_STDOUT=ok)
# A process ended by a signal while it waits is not a stall of the program.
ctrace_e2e(killed_waiter SOURCE ${L}/killed_waiter.c RUN_OPTS --stall-timeout=1
  REPORT_JQ ${L}/no_finding.jq ENV "EXPECT_STDOUT=child killed")
