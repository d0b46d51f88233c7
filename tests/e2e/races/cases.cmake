# SPDX-License-Identifier: MIT
# Races (issue 10), end to end: small deterministic programs built at test
# time with `ctrace cc` / `ctrace c++` (gcc and clang, -O1 -g; a missing
# clang skips its cases with 77), run under `ctrace run`, `ctrace report
# --format=json` checked with jq. norace.c/norace.cpp: one race-free
# pattern per synchronization kind, no race allowed. race.c/race.cpp: one
# race per mode, made deterministic by a relaxed-atomic handoff (which
# orders nothing), checked to the threads, read/write, sizes, the variable
# or heap block (some also in SARIF and text: NAME.sarif.jq, NAME.txt).
# Cases failing on a known ctrace bug are in pending.cmake (not included)
# until the bug is fixed.
set(RACES_DIR ${CMAKE_CURRENT_SOURCE_DIR}/races)
# ctrace_race_case(NAME gcc|clang SOURCE MODE JQ [VAR=VALUE...]): with
# NAME.sarif.jq and NAME.txt beside JQ, the SARIF report and the text
# report are checked too; VAR=VALUE: more environment for run_race.sh
# (RACE_CFLAGS).
function(ctrace_race_case name family src mode jq)
  set(more ${ARGN})
  if(EXISTS ${RACES_DIR}/${name}.sarif.jq)
    list(APPEND more SARIF_JQ=${RACES_DIR}/${name}.sarif.jq)
  endif()
  if(EXISTS ${RACES_DIR}/${name}.txt)
    list(APPEND more TEXT_GREP=${RACES_DIR}/${name}.txt)
  endif()
  set(timeout 300)
  add_test(NAME e2e_races_${name}_${family}
    COMMAND env CASE=races_${name}_${family} CASE_TIMEOUT=${timeout} EXPECT=0 REPORT_JQ=${RACES_DIR}/${jq}
      INFO_JQ=${RACES_DIR}/accesses.jq ${more}
      bash ${RACES_DIR}/run_race.sh $<TARGET_FILE:ctrace> ${family} ${RACES_DIR}/${src} ${mode})
  set_tests_properties(e2e_races_${name}_${family} PROPERTIES TIMEOUT ${timeout}
    SKIP_RETURN_CODE 77 LABELS "cc;races")
endfunction()

foreach(family gcc clang)
  foreach(mode mutex rwlock cond sem barrier create_join once release_acquire seq_cst fence
      spinlock heap_handoff detached_stack mmap_reuse block_reuse alloc_slack
      mutex_reused signal_thread signal_process ignored_alloc annotated_rwlock
      handler_plain handler_siginfo handler_signal handler_resethand pipe_buffers stdio_lock
      mq_pingpong getaddrinfo)
    ctrace_race_case(norace_${mode} ${family} norace.c ${mode} norace.jq)
  endforeach()
  ctrace_race_case(norace_detached_dtls ${family} norace.c detached_dtls norace.jq
    RACE_LIB_SRC=${RACES_DIR}/dtls_lib.c)
  # Threads loading and unloading a library at once: the loader's own
  # memory is ordered by its lock (not seen), not a race.
  ctrace_race_case(norace_dlopen_threads ${family} dlopen_threads.c run norace.jq
    RACE_LIB_SRC=${RACES_DIR}/dlopen_lib.c RACE_LIBS=-ldl)
  # A lock annotated through TSan's __tsan_mutex_* interface (abseil's
  # Mutex): a reader-writer lock, its own work between pre and post ignored.
  ctrace_race_case(norace_tsan_mutex ${family} tsan_mutex.cpp guarded norace.jq)
  ctrace_race_case(norace_tsan_mutex_reentrant ${family} tsan_mutex.cpp reentrant norace.jq)
  ctrace_race_case(tsan_mutex_readers ${family} tsan_mutex.cpp readers tsan_mutex_readers.jq)
  ctrace_race_case(tsan_mutex_reader_writes ${family} tsan_mutex.cpp reader_writes
    tsan_mutex_reader_writes.jq)
  ctrace_race_case(tsan_mutex_inversion ${family} tsan_mutex.cpp inversion tsan_mutex_inversion.jq)
  ctrace_race_case(tsan_mutex_self_deadlock ${family} tsan_mutex.cpp self_deadlock
    tsan_mutex_self_deadlock.jq EXPECT=137)
  # Coroutines that switch through TSan's fiber interface: a fiber's own
  # order across threads, and its own stack.
  ctrace_race_case(norace_fibers ${family} fibers.c migrate norace.jq)
  ctrace_race_case(fibers ${family} fibers.c race fibers.jq)
  ctrace_race_case(fibers_reuse ${family} fibers.c reuse fibers.jq)
  # Locks without destroy, freed with their block: the free is their end.
  ctrace_race_case(freed_lock ${family} freed_lock.c race freed_lock.jq)
  ctrace_race_case(norace_freed_lock ${family} freed_lock.c joined norace.jq)
  # A thread-local variable of one thread written by another: named.
  foreach(owner worker main)
    ctrace_race_case(tls_${owner} ${family} tls.c ${owner} tls.jq TEXT_GREP=${RACES_DIR}/tls.txt)
  endforeach()
  # A condition destroyed while its signaller may still be inside the
  # signal (sent after the unlock), or ordered by the mutex (sent holding it).
  ctrace_race_case(cond_destroy ${family} cond_destroy.c after_unlock cond_destroy.jq)
  ctrace_race_case(norace_cond_destroy ${family} cond_destroy.c under_lock norace.jq)
  # A spin whose repeated loads are merged (not recorded) until a store of
  # the same value comes between: the loads after it still acquire. poll:
  # work between the loads (merged by what the thread acquired already).
  foreach(mode spin_same_value poll_same_value cas_spin)
    ctrace_race_case(norace_${mode} ${family} norace.c ${mode} norace.jq
      INFO_JQ=${RACES_DIR}/loads_merged.jq)
  endforeach()
  ctrace_race_case(norace_merged_count ${family} norace.c merged_count norace.jq
    INFO_JQ=${RACES_DIR}/merged_count.jq)
  ctrace_race_case(norace_wide_readers ${family} norace.c wide_readers norace.jq
    INFO_JQ=${RACES_DIR}/wide_readers.jq)
  foreach(mode cxx_mutex cxx_cond cxx_atomic cxx_shared_ptr cxx_call_once cxx_shared_mutex
      cxx_future cxx_async cxx_fence_rmw cxx_chain cxx_static_local)
    ctrace_race_case(norace_${mode} ${family} norace.cpp ${mode} norace.jq)
  endforeach()
  foreach(mode cxx20_latch cxx20_barrier cxx20_semaphore cxx20_atomic_wait cxx20_jthread)
    ctrace_race_case(norace_${mode} ${family} norace.cpp ${mode} norace.jq RACE_CFLAGS=-std=c++20)
  endforeach()
  foreach(mode counter size1 size2 size4 size8 size16 two_mutexes relaxed_flag
      free_after_access access_after_free valloc_block far_apart stack_local stack_array main_stack
      block_reused)
    ctrace_race_case(${mode} ${family} race.c ${mode} ${mode}.jq)
  endforeach()
  ctrace_race_case(recursion ${family} race.c recursion recursion.jq)
  # One race per variable and pair of lines: an array's elements written in
  # one line, the blocks of one allocation site.
  ctrace_race_case(array_line ${family} race.c array_line array_line.jq)
  ctrace_race_case(heap_site ${family} race.c heap_site heap_site.jq)
  ctrace_race_case(cxx_shared_ptr ${family} race.cpp cxx_shared_ptr cxx_shared_ptr.jq)
  foreach(mode cxx_new cxx_new_array cxx_new_aligned cxx_new_after_throw)
    ctrace_race_case(${mode} ${family} race.cpp ${mode} cxx_new.jq)
  endforeach()
  ctrace_race_case(cxx_delete ${family} race.cpp cxx_delete cxx_delete.jq)
  ctrace_race_case(merged_load ${family} race.c merged_load merged_load.jq)
  ctrace_race_case(annotated_readers ${family} race.c annotated_readers size4.jq)
  foreach(mode read_buffer pread_buffer write_buffer fread_buffer fwrite_buffer)
    ctrace_race_case(${mode} ${family} race.c ${mode} buffers.jq)
  endforeach()
  foreach(mode calloc_zeroed realloc_moved calloc_far malloc_unwritten mmap_unwritten)
    ctrace_race_case(${mode} ${family} race.c ${mode} alloc_written.jq)
  endforeach()
  ctrace_race_case(wide_interval ${family} race.c wide_interval wide_interval.jq
    INFO_JQ=${RACES_DIR}/wide_interval_info.jq)
  foreach(how pipe socketpair eventfd epoll vfork fcntl connect)   # the program of e2e_fd_handoff_*
    ctrace_race_case(norace_${how} ${family} ../programs/fd_handoff.c ${how} norace.jq)
  endforeach()
  ctrace_race_case(norace_fcntl64 ${family} ../programs/fd_handoff.c fcntl norace.jq
    RACE_CFLAGS=-D_FILE_OFFSET_BITS=64)
  # A pipe closed by syscall(SYS_close) between the sanitizer syscall hooks
  # (libuv): the hooks link, and the close releases as close() does.
  ctrace_race_case(norace_syscall_close ${family} syscall_close.c pipe norace.jq)
endforeach()
# Variables named by their field or element, and source lines in the stacks
# (clang: DWARF 5 DW_OP_addrx locations; ctrace cc adds -gdwarf-aranges).
foreach(family gcc clang)
  foreach(mode struct16 unaligned overlap fields range const_range array_field atomic_plain)
    ctrace_race_case(${mode} ${family} race.c ${mode} ${mode}.jq)
  endforeach()
  ctrace_race_case(unaligned_api ${family} race.c unaligned_api unaligned.jq)
  ctrace_race_case(cxx_member ${family} race.cpp cxx_member cxx_member.jq)
  ctrace_race_case(stack_lines ${family} race.c size4 stack_lines.jq)
  ctrace_race_case(stack_constant ${family} stack_constant.c "" stack_constant.jq)
endforeach()
# A writer blocked for good in a call that records nothing when the process
# ends: its last write, in no record of its own, still races with main's read.
foreach(how sleep usleep nanosleep clock_nanosleep pause poll select sigwait read recv epoll_wait)
  ctrace_race_case(blocked_${how} gcc blocked_at_exit.c ${how} blocked_at_exit.jq)
endforeach()
foreach(how sleep poll read)
  ctrace_race_case(blocked_${how} clang blocked_at_exit.c ${how} blocked_at_exit.jq)
endforeach()
# A writer still running when the process ends, or blocked in a call the
# shim does not know (a raw futex wait): its open batch is published at the
# end, asked by a signal (shim/tsan_exit.c), however the process ends.
foreach(family gcc clang)
  ctrace_race_case(running_spin ${family} blocked_at_exit.c spin blocked_at_exit.jq)
  ctrace_race_case(blocked_futex ${family} blocked_at_exit.c futex blocked_at_exit.jq)
endforeach()
ctrace_race_case(running_spin__exit gcc blocked_at_exit.c "spin;_exit" blocked_at_exit.jq)
ctrace_race_case(running_spin_exec gcc blocked_at_exit.c "spin;exec" blocked_at_exit.jq)
ctrace_race_case(blocked_futex_abort gcc blocked_at_exit.c "futex;abort" blocked_at_exit.jq
  EXPECT=134)
# An allocator of its own (tcmalloc) hands one thread's freed memory to
# another, unordered, and clears it in its calloc: no race (it raced with
# the first thread's free); without it too.
find_library(RACES_TCMALLOC NAMES libtcmalloc_minimal.so.4)
foreach(family gcc clang)
  ctrace_race_case(norace_allocator_reuse ${family} norace.c allocator_reuse norace.jq)
  if(RACES_TCMALLOC)
    ctrace_race_case(norace_allocator_reuse_tcmalloc ${family} norace.c allocator_reuse norace.jq
      PRELOAD=${RACES_TCMALLOC})
  endif()
endforeach()
# Stripped (-s): a finding is placed at the program's object and offset.
foreach(family gcc clang)
  ctrace_race_case(stripped ${family} race.c counter stripped.jq RACE_CFLAGS=-s)
endforeach()
# OpenMP with GCC's libgomp (shim/intercept_gomp.c): every ordering of
# openmp.c without a race, and its one race. Not with clang: clang
# -fopenmp=libgomp links libgomp but compiles no OpenMP (the pragmas are
# ignored; clang's OpenMP is libomp's).
foreach(mode parallel_for reduction critical atomic barrier single copyprivate master ordered
    sections locks tasks task_depend)
  ctrace_race_case(openmp_${mode} gcc openmp.c ${mode} norace.jq RACE_CFLAGS=-fopenmp)
endforeach()
ctrace_race_case(openmp_race gcc openmp.c race openmp_race.jq RACE_CFLAGS=-fopenmp)
# OpenMP with clang's own runtime (libomp), ordered by the shim's OMPT tool:
# every ordering OpenMP gives is race-free, and the one race is found.
foreach(mode parallel_for reduction critical atomic barrier single copyprivate master ordered
    sections locks tasks task_depend)
  ctrace_race_case(openmp_${mode} clang openmp.c ${mode} norace.jq RACE_CFLAGS=-fopenmp)
endforeach()
# libomp's other ways of combining a reduction (4 threads take atomics):
# under its lock, and in the barrier's tree
foreach(how critical tree)
  ctrace_race_case(openmp_reduction_${how} clang openmp.c reduction norace.jq RACE_CFLAGS=-fopenmp
    KMP_FORCE_REDUCTION=${how})
endforeach()
# a league of teams on the host: libomp's own copies and frees of its
# blocks are not the program's accesses (gcc runs host teams on one thread)
ctrace_race_case(openmp_teams clang openmp.c teams norace.jq RACE_CFLAGS=-fopenmp)
ctrace_race_case(openmp_race clang openmp.c race openmp_race.jq RACE_CFLAGS=-fopenmp)
# GLib's GMutex and GCond order what they guard (tests/e2e/programs/glib_sync.c).
if(GLIB_FOUND)
  string(REPLACE ";" " " glib_cflags "${GLIB_CFLAGS}")
  string(REPLACE ";" " " glib_libs "${GLIB_LDFLAGS}")
  foreach(family gcc clang)
    ctrace_race_case(norace_glib_queue ${family} ../programs/glib_sync.c queue norace.jq
      "RACE_CFLAGS=${glib_cflags}" "RACE_LIBS=${glib_libs}")
    ctrace_race_case(glib_race ${family} ../programs/glib_sync.c race glib_race.jq
      "RACE_CFLAGS=${glib_cflags}" "RACE_LIBS=${glib_libs}")
  endforeach()
endif()
