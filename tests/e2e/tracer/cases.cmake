# SPDX-License-Identifier: MIT
# End-to-end cases of the tracer (issue 2): counts, every family, fork and
# exec, crashes and kills, many threads, static initializers, C++, mq.
set(T tracer)
ctrace_e2e(counts SOURCE ${T}/counts.c ARGS 100000 INFO_JQ ${T}/counts.jq)
ctrace_e2e(counts_no_stacks SOURCE ${T}/counts.c ARGS 100000 RUN_OPTS --stack-depth=0
  INFO_JQ ${T}/counts.jq)
ctrace_e2e(families SOURCE ${T}/families.c INFO_JQ ${T}/families.jq)
# No thread: free private mutexes are locked directly, as glibc does.
ctrace_e2e(single_thread SOURCE ${T}/single_thread.c ARGS 100000 INFO_JQ ${T}/single_thread.jq
  REPORT_JQ ${T}/single_thread_report.jq)
ctrace_e2e(crash_segv SOURCE ${T}/crash.c EXPECT 139 INFO_JQ ${T}/crash.jq
  ENV "EXPECT_STDERR=the program was ended by signal 11 \\(Segmentation fault\\)")
ctrace_e2e(killed SOURCE ${T}/killed.c EXPECT 137 INFO_JQ ${T}/killed.jq)
# vfork children that close every descriptor, then exec: the parent's
# stacks stay whole (libunwind never runs in a vfork child).
add_library(e2e_vfork_unwind_frames STATIC ${T}/vfork_unwind_frames.c)
target_compile_options(e2e_vfork_unwind_frames PRIVATE -O1 -g -fno-omit-frame-pointer
  -fno-asynchronous-unwind-tables -fno-unwind-tables)
ctrace_e2e(vfork_unwind SOURCE ${T}/vfork_unwind.c LIBS e2e_vfork_unwind_frames
  COMPILE_OPTIONS -fno-omit-frame-pointer REPORT_JQ ${T}/vfork_unwind.jq)
# Calls made on a stack the program switched to by hand (a fiber
# scheduler's, in assembly without unwind information): not unwound.
ctrace_e2e(foreign_stack SOURCE ${T}/foreign_stack.c COMPILE_OPTIONS -fno-omit-frame-pointer
  REPORT_JQ ${T}/foreign_stack.jq)
ctrace_e2e(usage SOURCE ${T}/usage.c INFO_JQ ${T}/usage.jq)
ctrace_e2e(many_threads SOURCE ${T}/many_threads.c INFO_JQ ${T}/many_threads.jq TIMEOUT 120)
ctrace_e2e(stack_sites SOURCE ${T}/stack_sites.c REPORT_JQ ${T}/stack_sites.jq)
ctrace_e2e(stack_root SOURCE ${T}/stack_root.c REPORT_JQ ${T}/stack_root.jq)
ctrace_e2e(static_init SOURCE ${T}/static_init.c INFO_JQ ${T}/static_init.jq)
ctrace_e2e(cxx_sync SOURCE ${T}/cxx_sync.cpp INFO_JQ ${T}/cxx_sync.jq)
ctrace_e2e(mq_pipeline SOURCE ${T}/mq_pipeline.c INFO_JQ ${T}/mq_pipeline.jq
  COMPILE_OPTIONS -D_FORTIFY_SOURCE=2 -O2)
ctrace_e2e(fork_exec SOURCE ${T}/fork_exec.c INFO_JQ ${T}/fork_exec.jq)
ctrace_e2e(exit_underscore SOURCE ${T}/exits.c ARGS _exit EXPECT 3 INFO_JQ ${T}/exit_underscore.jq)
ctrace_e2e(exit_abort PROGRAM $<TARGET_FILE:e2e_exit_underscore> ARGS abort EXPECT 134
  INFO_JQ ${T}/exit_abort.jq)
ctrace_e2e(exit_exit PROGRAM $<TARGET_FILE:e2e_exit_underscore> ARGS exit EXPECT 5
  INFO_JQ ${T}/exit_exit.jq)
ctrace_e2e(signal_post SOURCE ${T}/signal_post.c INFO_JQ ${T}/signal_post.jq TIMEOUT 120)
ctrace_e2e(spawn SOURCE ${T}/spawn.c INFO_JQ ${T}/spawn.jq)

add_library(e2e_dlopen_lib SHARED ${T}/dlopen_lib.c)
target_compile_options(e2e_dlopen_lib PRIVATE -g)
ctrace_e2e(dlopen SOURCE ${T}/dlopen_main.c LIBS dl ARGS $<TARGET_FILE:e2e_dlopen_lib>
  INFO_JQ ${T}/dlopen.jq)
# ... by a path relative to the working directory (as a library found
# through LD_LIBRARY_PATH=. is named too)
ctrace_e2e(dlopen_relative PROGRAM $<TARGET_FILE:e2e_dlopen> ARGS ./$<TARGET_FILE_NAME:e2e_dlopen_lib>
  REPORT_JQ ${T}/dlopen_relative.jq)
set_tests_properties(e2e_dlopen_relative PROPERTIES WORKING_DIRECTORY $<TARGET_FILE_DIR:e2e_dlopen_lib>)

add_library(e2e_early_lib SHARED ${T}/early_lib.c)
ctrace_e2e(early_constructor SOURCE ${T}/early_main.c LIBS e2e_early_lib INFO_JQ ${T}/early.jq)

# Programs that never use threads run as before: stdin, stdout, status.
ctrace_e2e(passthrough PROGRAM cat ENV STDIN_FILE=${CMAKE_CURRENT_SOURCE_DIR}/${T}/passthrough.txt
  "EXPECT_STDOUT=hello, ctrace" INFO_JQ ${T}/no_threads.jq)
ctrace_e2e(exit_status PROGRAM sh ARGS -c "exit 42" EXPECT 42)
ctrace_e2e(missing_program PROGRAM /nonexistent/prog EXPECT 127 ENV "EXPECT_STDERR=not found")

# A statically linked program cannot be traced: a clear refusal.
add_executable(e2e_static_prog ${T}/exits.c)
target_link_options(e2e_static_prog PRIVATE -static)
target_link_libraries(e2e_static_prog PRIVATE Threads::Threads)
ctrace_e2e(static_refused PROGRAM $<TARGET_FILE:e2e_static_prog> EXPECT 2
  ENV "EXPECT_STDERR=statically linked")

# Options: the same forms and errors in every subcommand.
add_test(NAME e2e_cli_options COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli_options.sh
  $<TARGET_FILE:ctrace> $<TARGET_FILE:e2e_counts>)

# The progress line of a long read, on a terminal only (script(1)).
add_test(NAME e2e_read_progress COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/read_progress.sh
  $<TARGET_FILE:ctrace> $<TARGET_FILE:e2e_counts>)
set_tests_properties(e2e_read_progress PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)

# An interrupt during the end-of-run summary ends it (the trace is complete).
add_test(NAME e2e_summary_interrupt COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/summary_interrupt.sh
  $<TARGET_FILE:ctrace> $<TARGET_FILE:e2e_counts>)
set_tests_properties(e2e_summary_interrupt PROPERTIES TIMEOUT 240)

# A full disk: the program runs on, drops are counted (needs root for a
# small tmpfs; skipped otherwise).
add_test(NAME e2e_disk_full COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${T}/disk_full.sh
  $<TARGET_FILE:ctrace> $<TARGET_FILE:e2e_counts>)
set_tests_properties(e2e_disk_full PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)

# Cancelled inside a condition wait: the mutex reacquisition is recorded.
ctrace_e2e(cancel_wait SOURCE ${T}/cancel_wait.c REPORT_JQ ${T}/cancel_wait.jq)

# pthread_atfork handlers: the child unlocks what the parent locked.
ctrace_e2e(atfork SOURCE ${T}/atfork.c REPORT_JQ ${T}/atfork.jq)
# Forks while other threads hold locks glibc leaves held in the child
# (libunwind's, the loader's write lock): the children run on.
ctrace_e2e(fork_locks_held_unwinding SOURCE ${T}/fork_locks_held.c ARGS unwinding
  COMPARE_NATIVE INFO_JQ ${T}/fork_locks_held_unwinding.jq)
ctrace_e2e(fork_locks_held_loader PROGRAM $<TARGET_FILE:e2e_fork_locks_held_unwinding> ARGS loader
  COMPARE_NATIVE REPORT_JQ ${T}/fork_locks_held_loader.jq)

# A program that closes every descriptor and reuses the numbers.
ctrace_e2e(close_fds SOURCE ${T}/close_fds.c ARGS ${CMAKE_CURRENT_BINARY_DIR}/close_fds.txt
  INFO_JQ ${T}/close_fds.jq)

# SIGTERM to ctrace run goes to the program; ctrace records its end.
add_test(NAME e2e_forward_term COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${T}/forward_term.sh
  $<TARGET_FILE:ctrace>)
set_tests_properties(e2e_forward_term PROPERTIES TIMEOUT 60)

# Memory accesses, atomics, heap blocks and string functions of `ctrace cc`
# programs, recorded through the shim's tsan_record_* functions called
# directly; the trace checked event by event with the reader.
add_executable(e2e_tsan_record ${T}/tsan_record.c)
target_compile_options(e2e_tsan_record PRIVATE -g -O1 -fno-builtin)  # real calls to malloc, memcpy...
target_link_libraries(e2e_tsan_record PRIVATE Threads::Threads ${CMAKE_DL_LIBS})
add_executable(e2e_tsan_record_check ${T}/tsan_record_check.c)
target_link_libraries(e2e_tsan_record_check PRIVATE ctrace_reader)
ctrace_host_target(e2e_tsan_record_check)
add_test(NAME e2e_tsan_record COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${T}/tsan_record.sh
  $<TARGET_FILE:ctrace> $<TARGET_FILE:e2e_tsan_record> $<TARGET_FILE:e2e_tsan_record_check>)
set_tests_properties(e2e_tsan_record PROPERTIES TIMEOUT 60 SKIP_RETURN_CODE 77)
