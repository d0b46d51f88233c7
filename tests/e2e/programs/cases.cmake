# SPDX-License-Identifier: MIT
# End-to-end cases of the analyzers (issue 3): one program per finding kind,
# the real hang and stall (ended by the watchdog), the no-false-alarm
# patterns, and the contention ranking with holder blame. Each runs under
# `ctrace run`; `ctrace report --format=json` is checked with the .jq file.
set(P programs)
ctrace_e2e(abba_inversion SOURCE ${P}/abba_inversion.c REPORT_JQ ${P}/abba_inversion.jq)
ctrace_e2e(abc_cycle SOURCE ${P}/abc_cycle.c REPORT_JQ ${P}/abc_cycle.jq)
ctrace_e2e(no_false_alarms SOURCE ${P}/no_false_alarms.c REPORT_JQ ${P}/no_false_alarms.jq)
ctrace_e2e(one_thread_inversion SOURCE ${P}/one_thread_inversion.c
  REPORT_JQ ${P}/one_thread_inversion.jq)
ctrace_e2e(ordered_by_create SOURCE ${P}/ordered_by_create.c REPORT_JQ ${P}/ordered_by_create.jq)
# Really hung: the watchdog ends them (SIGKILL: 137) well within the timeout.
ctrace_e2e(real_deadlock SOURCE ${P}/real_deadlock.c EXPECT 137 REPORT_JQ ${P}/real_deadlock.jq
  TIMEOUT 30)
# ... even while another thread keeps the program busy (up to 60 s).
ctrace_e2e(real_deadlock_busy PROGRAM $<TARGET_FILE:e2e_real_deadlock> ARGS busy EXPECT 137
  REPORT_JQ ${P}/real_deadlock.jq TIMEOUT 90)
ctrace_e2e(self_deadlock SOURCE ${P}/self_deadlock.c EXPECT 137 REPORT_JQ ${P}/self_deadlock.jq
  TIMEOUT 30)
# A deadlock through a join (caught at once, not as a stall), and a timed
# lock that backs off (correct: neither a deadlock nor an inversion).
ctrace_e2e(wait_cycles_join SOURCE ${P}/wait_cycles.c ARGS join-under-lock EXPECT 137
  RUN_OPTS --stall-timeout=600 REPORT_JQ ${P}/wait_cycles_join.jq TIMEOUT 30)
ctrace_e2e(wait_cycles_timed PROGRAM $<TARGET_FILE:e2e_wait_cycles_join> ARGS timed-backoff
  REPORT_JQ ${P}/wait_cycles_timed.jq)
# A thread ends holding a normal mutex that another unlocks later: misuse,
# not a hang (the waiter gets it).
ctrace_e2e(wait_cycles_handoff PROGRAM $<TARGET_FILE:e2e_wait_cycles_join> ARGS handoff
  REPORT_JQ ${P}/wait_cycles_handoff.jq)
ctrace_e2e(wait_cycles_once PROGRAM $<TARGET_FILE:e2e_wait_cycles_join> ARGS once-under-lock
  EXPECT 137 RUN_OPTS --stall-timeout=600 REPORT_JQ ${P}/wait_cycles_once.jq TIMEOUT 30)
ctrace_e2e(wait_cycles_once_self PROGRAM $<TARGET_FILE:e2e_wait_cycles_join> ARGS once-recursive
  EXPECT 137 RUN_OPTS --stall-timeout=600 REPORT_JQ ${P}/wait_cycles_once_self.jq TIMEOUT 30)
# Waits another process ends (2 s later), a thread that computes in its
# once routine for 2 s, a wait a timer's thread ends (2 s later), timed
# waits of 2 s, a semaphore a signal handler posts (2 s later) after the
# thread that took it ended: not a stall, nor a deadlock, even past the
# timeout.
foreach(mode pshared-cond pshared-inherited mq once-long timer-thread timed-poll sem-handler)
  ctrace_e2e(wait_cycles_${mode} PROGRAM $<TARGET_FILE:e2e_wait_cycles_join> ARGS ${mode}
    RUN_OPTS --stall-timeout=1 REPORT_JQ ${P}/wait_cycles_other_process.jq)
endforeach()
ctrace_e2e(stall_cond SOURCE ${P}/stall_cond.c EXPECT 137 RUN_OPTS --stall-timeout=1
  REPORT_JQ ${P}/stall_cond.jq TIMEOUT 30
  ENV HANG_JQ=${CMAKE_CURRENT_SOURCE_DIR}/${P}/stall_hang.jq)
ctrace_e2e(stall_cond_destroy PROGRAM $<TARGET_FILE:e2e_stall_cond> ARGS destroy EXPECT 137
  RUN_OPTS --stall-timeout=1 REPORT_JQ ${P}/stall_cond_destroy.jq TIMEOUT 30)
# A condition variable destroyed right after its broadcast, while the woken
# waiters take their mutex back (legal): nothing reported, in any run.
# The program gets the descriptor numbers it gets natively (the trace's
# file is not the lowest free one).
ctrace_e2e(fd_numbers SOURCE ${P}/fd_numbers.c COMPARE_NATIVE)
# Objects destroyed after a hand-off the trace cannot see (a flag spun on,
# as nginx's thread pool does): no race on them.
ctrace_e2e(spin_handoff SOURCE ${P}/spin_handoff.c REPORT_JQ ${P}/spin_handoff.jq)
ctrace_e2e(cond_destroy_woken SOURCE ${P}/cond_destroy_woken.c REPORT_JQ ${P}/cond_destroy_woken.jq)
ctrace_e2e(contention_blame SOURCE ${P}/contention_blame.c REPORT_JQ ${P}/contention_blame.jq)
ctrace_e2e(misuse_none SOURCE ${P}/misuse.c ARGS recursive-ok REPORT_JQ ${P}/misuse.jq)
foreach(kind unlock-not-locked unlock-not-owner relock-non-recursive destroy-locked
    destroy-with-waiters use-after-destroy cond-wait-not-held cond-mixed-mutex
    exit-holding-lock join-invalid sem-overflow bad-argument reinit-in-use cond-signal-not-held
    thread-leak trylock-self-held unknown-threads-ok robust-owner-died-ok pthread-exit-last-ok
    process-exit-holding-ok freed-locked-reused-ok cond-mixed-seq-ok cancelled-waiters-ok)
  ctrace_e2e(misuse_${kind} PROGRAM $<TARGET_FILE:e2e_misuse_none> ARGS ${kind}
    REPORT_JQ ${P}/misuse.jq)
endforeach()
# Millions of short-lived mutexes in the issue; 200 000 here: grouped into
# classes by init stack, a bounded report (the time is not checked).
ctrace_e2e(many_mutexes SOURCE ${P}/many_mutexes.c ARGS 200000 2 REPORT_JQ ${P}/many_mutexes.jq
  TIMEOUT 120)
# New std::condition_variables (static initializer, destroyed) where old
# ones were: not a use after destroy.
ctrace_e2e(cv_reuse SOURCE ${P}/cv_reuse.cpp REPORT_JQ ${P}/cv_reuse.jq)
# Locks made without init and freed without destroy, with their blocks:
# a FREED record (shim/heap_objects.h) ends them.
ctrace_e2e(heap_lock_reuse SOURCE ${P}/heap_lock_reuse.cpp REPORT_JQ ${P}/heap_lock_reuse.jq)
# C++ objects deleted with their locks held (undefined behaviour), or not.
ctrace_e2e(delete_locked SOURCE ${P}/delete_locked.cpp ARGS locked REPORT_JQ ${P}/delete_locked.jq)
ctrace_e2e(delete_unlocked PROGRAM $<TARGET_FILE:e2e_delete_locked> ARGS unlocked
  REPORT_JQ ${P}/delete_locked_unlocked.jq)
foreach(how zeroed initializer)   # C objects made again without a call
  ctrace_e2e(sync_reuse_${how} SOURCE ${P}/sync_reuse.c ARGS ${how} REPORT_JQ ${P}/sync_reuse.jq)
endforeach()
ctrace_e2e(sync_reuse_destroyed SOURCE ${P}/sync_reuse.c ARGS destroyed
  REPORT_JQ ${P}/sync_reuse_destroyed.jq)
foreach(how pipe socketpair eventfd epoll vfork fcntl connect)
  ctrace_e2e(fd_handoff_${how} SOURCE ${P}/fd_handoff.c ARGS ${how} REPORT_JQ ${P}/fd_handoff.jq)
endforeach()
# A signal handler's write to a wake-up pipe while its thread is inside the
# shim: the release is recorded at the thread's next call, never dropped.
ctrace_e2e(signal_pipe SOURCE ${P}/signal_pipe.c INFO_JQ ${P}/signal_pipe.jq
  REPORT_JQ ${P}/fd_handoff.jq)
# OpenMP locks are mutexes to the analyses (shim/intercept_omp_lock.c), in
# a program built without ctrace cc (GCC's libgomp; clang's libomp in
# races/cases.cmake): an inversion, a real deadlock among them (caught while
# it hangs) and correct nest-lock and test-lock use.
ctrace_e2e(omp_locks_inversion SOURCE ${P}/omp_locks.c ARGS inversion COMPILE_OPTIONS -fopenmp
  LIBS -fopenmp REPORT_JQ ${P}/omp_locks.jq)
ctrace_e2e(omp_locks_hang PROGRAM $<TARGET_FILE:e2e_omp_locks_inversion> ARGS hang EXPECT 137
  REPORT_JQ ${P}/omp_locks.jq TIMEOUT 60)
ctrace_e2e(omp_locks_nest PROGRAM $<TARGET_FILE:e2e_omp_locks_inversion> ARGS nest
  REPORT_JQ ${P}/omp_locks.jq)
# ctrace_e2e_prog(NAME VAR COMMAND... [DEPENDS...] [WORKING_DIRECTORY DIR]):
# builds the program NAME by a command of its own (another compiler, or
# options CMake's target would not give it), `-o` added; VAR gets its path.
function(ctrace_e2e_prog name var)
  cmake_parse_arguments(B "" "WORKING_DIRECTORY" "COMMAND;DEPENDS" ${ARGN})
  set(path ${CMAKE_CURRENT_BINARY_DIR}/${name})
  if(NOT B_WORKING_DIRECTORY)
    set(B_WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  add_custom_command(OUTPUT ${path} COMMAND ${B_COMMAND} -o ${path}
    WORKING_DIRECTORY ${B_WORKING_DIRECTORY} DEPENDS ${B_DEPENDS} VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${path})
  set(${var} ${path} PARENT_SCOPE)
endfunction()
set(abba_src ${CMAKE_CURRENT_SOURCE_DIR}/${P}/abba_inversion.c)

# Compiled by a relative path (as a Makefile in the source directory does):
# the stacks' files are absolute all the same.
ctrace_e2e_prog(e2e_abba_inversion_relative abba_relative
  COMMAND ${CMAKE_C_COMPILER} -g -O1 -pthread ${P}/abba_inversion.c
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} DEPENDS ${abba_src})
ctrace_e2e(abba_inversion_relative PROGRAM ${abba_relative} REPORT_JQ ${P}/abba_inversion_relative.jq)
# Inlined frames, with the functions in the program (DWARF) or in a .dwo
# beside it (gcc -gsplit-dwarf: the skeleton unit points to it).
ctrace_e2e(inlined_inversion SOURCE ${P}/inlined_inversion.c REPORT_JQ ${P}/inlined_inversion.jq)
set(inlined_src ${CMAKE_CURRENT_SOURCE_DIR}/${P}/inlined_inversion.c)
ctrace_e2e_prog(e2e_inlined_inversion_split inlined_split
  COMMAND ${CMAKE_C_COMPILER} -g -gsplit-dwarf -O1 -pthread ${inlined_src} DEPENDS ${inlined_src})
ctrace_e2e(inlined_inversion_split PROGRAM ${inlined_split} REPORT_JQ ${P}/inlined_inversion.jq)
# The same with clang's libomp, built without ctrace cc (its order is not
# recorded: the team's locks used in a region and destroyed after it are
# not a sync-object race). CMake builds with one C compiler: clang here by
# a command of its own.
find_program(CTRACE_E2E_CLANG clang)
if(CTRACE_E2E_CLANG)
  set(omp_src ${CMAKE_CURRENT_SOURCE_DIR}/${P}/omp_locks.c)
  ctrace_e2e_prog(e2e_omp_locks_clang omp_clang
    COMMAND ${CTRACE_E2E_CLANG} -fopenmp -O1 -g ${omp_src} DEPENDS ${omp_src})
  foreach(mode inversion nest)
    ctrace_e2e(omp_locks_${mode}_clang PROGRAM ${omp_clang} ARGS ${mode} REPORT_JQ ${P}/omp_locks.jq)
  endforeach()
  ctrace_e2e(omp_locks_hang_clang PROGRAM ${omp_clang} ARGS hang EXPECT 137
    REPORT_JQ ${P}/omp_locks.jq TIMEOUT 60)
  # clang emits no .debug_aranges by default: files and lines come from
  # the units' own ranges (analyzers/symbolize_units.c)
  ctrace_e2e_prog(e2e_abba_inversion_clang abba_clang
    COMMAND ${CTRACE_E2E_CLANG} -g -O1 -pthread ${abba_src} DEPENDS ${abba_src})
  ctrace_e2e(abba_inversion_clang PROGRAM ${abba_clang} REPORT_JQ ${P}/abba_inversion_clang.jq)
  # split DWARF: the ranges and lines are in the skeleton units
  ctrace_e2e_prog(e2e_abba_inversion_clang_split abba_split
    COMMAND ${CTRACE_E2E_CLANG} -g -gsplit-dwarf -O1 -pthread ${abba_src} DEPENDS ${abba_src})
  ctrace_e2e(abba_inversion_clang_split PROGRAM ${abba_split} REPORT_JQ ${P}/abba_inversion_clang.jq)
endif()
# GLib's GMutex and GCond (built on GLib's own futexes): lock order, a real
# deadlock, a correct queue. Without GLib's headers, not built.
pkg_check_modules(GLIB IMPORTED_TARGET glib-2.0)
if(GLIB_FOUND)
  ctrace_e2e(glib_inversion SOURCE ${P}/glib_sync.c LIBS PkgConfig::GLIB ARGS inversion
    REPORT_JQ ${P}/glib_inversion.jq)
  ctrace_e2e(glib_deadlock PROGRAM $<TARGET_FILE:e2e_glib_inversion> ARGS deadlock EXPECT 137
    RUN_OPTS --stall-timeout=600 REPORT_JQ ${P}/glib_deadlock.jq TIMEOUT 30)
  ctrace_e2e(glib_queue PROGRAM $<TARGET_FILE:e2e_glib_inversion> ARGS queue COMPARE_NATIVE
    REPORT_JQ ${P}/glib_queue.jq)
endif()
