# SPDX-License-Identifier: MIT
# Real Debian programs (pigz, xz, zstd, sort, git grep, python3 threading and
# multiprocessing, commands started through env, nice and sh -c exec), each
# run natively and under `ctrace run` by real/run_real.sh: same exit status,
# output and files, no finding, no dropped event. One test per case_NAME()
# in real/cases.sh, which is the only list of cases; a case whose program is
# not installed is skipped (77).
set(R ${CMAKE_CURRENT_SOURCE_DIR}/real)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${R}/cases.sh)
file(STRINGS ${R}/cases.sh real_cases REGEX "^case_[^ (]+\\(\\)")
foreach(line IN LISTS real_cases)
  string(REGEX REPLACE "^case_([^ (]+)\\(\\).*" "\\1" name "${line}")
  add_test(NAME e2e_debian_${name}
    COMMAND bash ${R}/run_real.sh $<TARGET_FILE:ctrace> ${name})
  # The longest case sleeps 12 s; the others take a few seconds.
  set_tests_properties(e2e_debian_${name} PROPERTIES TIMEOUT 90 SKIP_RETURN_CODE 77
    LABELS debian)
endforeach()
