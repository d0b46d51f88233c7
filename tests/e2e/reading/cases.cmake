# SPDX-License-Identifier: MIT
# End-to-end cases of reading a trace (issue 9): a damaged trace is said to
# be damaged by every command and gives no finding made of lost events; the
# trace of a program still running is a snapshot and says so.
set(R reading)
add_executable(e2e_busy_until ${R}/busy_until.c)
target_link_libraries(e2e_busy_until PRIVATE Threads::Threads)
add_test(NAME e2e_live COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${R}/live.sh
  $<TARGET_FILE:ctrace> $<TARGET_FILE:e2e_busy_until>)
set_tests_properties(e2e_live PROPERTIES TIMEOUT 300)
add_executable(e2e_ordered_pairs ${R}/ordered_pairs.c)
target_link_libraries(e2e_ordered_pairs PRIVATE Threads::Threads)
# The report's sweep zeroes every 16th page of records; under ASan every
# 64th (each report takes a second there: 180 s for the sweep of 16).
if(CTRACE_SANITIZE)
  set(damaged_step 64)
else()
  set(damaged_step 16)
endif()
add_test(NAME e2e_damaged COMMAND env SWEEP_STEP=${damaged_step}
  bash ${CMAKE_CURRENT_SOURCE_DIR}/${R}/damaged.sh $<TARGET_FILE:ctrace> $<TARGET_FILE:e2e_ordered_pairs>)
set_tests_properties(e2e_damaged PROPERTIES TIMEOUT 900)
