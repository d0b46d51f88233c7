# SPDX-License-Identifier: MIT
# tests/unit/viewer/hang_cli.cmake: the viewers on real traces (hang_cli.sh):
# a real deadlock that `ctrace run` ends (tests/e2e/programs/real_deadlock.c,
# built again here), shown by `ctrace timeline`, the Chrome, Perfetto and
# CTF exports until the end of the run with its findings where the waits
# began; and `ctrace timeline` on a trace without any lock (no_locks.c),
# which the ASan/UBSan build runs too.
add_executable(viewer_deadlock_prog ${CMAKE_SOURCE_DIR}/tests/e2e/programs/real_deadlock.c)
target_compile_options(viewer_deadlock_prog PRIVATE -g -O0)
target_link_libraries(viewer_deadlock_prog PRIVATE Threads::Threads)
add_executable(viewer_no_locks_prog ${CMAKE_CURRENT_LIST_DIR}/no_locks.c)
target_compile_options(viewer_no_locks_prog PRIVATE -g -O0)
target_link_libraries(viewer_no_locks_prog PRIVATE Threads::Threads)
add_test(NAME viewer.hang_cli
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/hang_cli.sh $<TARGET_FILE:ctrace>
    $<TARGET_FILE:viewer_deadlock_prog> $<TARGET_FILE:viewer_no_locks_prog>
    ${CMAKE_CURRENT_BINARY_DIR}/hang_cli ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(viewer.hang_cli PROPERTIES TIMEOUT 120)
