# SPDX-License-Identifier: MIT
# Python frames, thread names and GIL roles recorded by the shim, with the
# distribution's CPython (/usr/bin/python3: a version manager's python3 on
# PATH may be another interpreter). pystack_case.sh runs each script
# natively and under `ctrace run` (same output and exit status), then
# checks pystack_dump's JSON of the trace (and `ctrace info`/`report`).
set(PY ${CMAKE_CURRENT_SOURCE_DIR}/python)
add_executable(e2e_pystack_dump ${PY}/pystack_dump.c)
target_link_libraries(e2e_pystack_dump PRIVATE ctrace_util)

# pystack_e2e(NAME SCRIPT file | PROGRAM target  [DUMP_JQ f] [INFO_JQ f]
#             [REPORT_JQ f] [ENV ...])
function(pystack_e2e name)
  cmake_parse_arguments(E "" "SCRIPT;PROGRAM;DUMP_JQ;INFO_JQ;REPORT_JQ" "ENV" ${ARGN})
  set(env CTRACE=$<TARGET_FILE:ctrace> DUMP=$<TARGET_FILE:e2e_pystack_dump> CASE=${name})
  if(E_PROGRAM)
    list(APPEND env PROGRAM=$<TARGET_FILE:${E_PROGRAM}>)
  else()
    list(APPEND env SCRIPT=${PY}/${E_SCRIPT})
  endif()
  foreach(jq DUMP_JQ INFO_JQ REPORT_JQ)
    if(E_${jq})
      list(APPEND env ${jq}=${PY}/${E_${jq}})
    endif()
  endforeach()
  add_test(NAME e2e_${name} COMMAND env ${env} ${E_ENV} bash ${PY}/pystack_case.sh)
  set_tests_properties(e2e_${name} PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77 LABELS python)
endfunction()

pystack_e2e(pystack_frames SCRIPT pystack_frames.py DUMP_JQ pystack_frames.jq
  INFO_JQ pystack_info_full.jq)
pystack_e2e(pystack_deep SCRIPT pystack_deep.py DUMP_JQ pystack_deep.jq)
pystack_e2e(pystack_unknown SCRIPT pystack_frames.py DUMP_JQ pystack_unknown.jq
  INFO_JQ pystack_info_unknown.jq ENV CTRACE_PYTHON_LAYOUT=unknown)
pystack_e2e(pystack_gil SCRIPT pystack_gil.py DUMP_JQ pystack_gil.jq)
pystack_e2e(pynames_threads SCRIPT pynames_threads.py DUMP_JQ pynames_threads.jq
  REPORT_JQ pynames_threads_report.jq)
pystack_e2e(pynames_pool SCRIPT pynames_pool.py DUMP_JQ pynames_pool.jq)
pystack_e2e(pystack_daemon SCRIPT pystack_daemon.py DUMP_JQ pystack_daemon.jq)
pystack_e2e(pystack_nostacks SCRIPT pystack_frames.py INFO_JQ pystack_nostacks.jq
  ENV RUN_OPTS=--stack-depth=0)
add_executable(e2e_pystack_embed ${PY}/pystack_embed.c)
target_link_libraries(e2e_pystack_embed PRIVATE ${CMAKE_DL_LIBS})
pystack_e2e(pystack_embed PROGRAM e2e_pystack_embed DUMP_JQ pystack_embed.jq)
pystack_e2e(pystack_exit SCRIPT pystack_exit.py DUMP_JQ pystack_exit.jq)
