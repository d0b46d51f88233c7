# SPDX-License-Identifier: MIT
# tests/unit/viewer/ctf.cmake: what the CTF export test needs beyond the
# folder's default test target: the babeltrace2 plugin built first, paths to
# it and to the Trace Compass XML, the tools it runs. Include it after the
# test_*.c targets are defined (it creates test_export_ctf if they are not).
find_program(CTRACE_BABELTRACE2 babeltrace2)
find_program(CTRACE_XMLLINT xmllint)
if(NOT CTRACE_BABELTRACE2 OR NOT CTRACE_XMLLINT)
  message(WARNING "babeltrace2 or xmllint missing (apt-get install babeltrace2 libxml2-utils): "
    "the CTF export test will fail")
endif()

# Sanitized builds instrument the plugin: babeltrace2 (not instrumented)
# loads it only with the ASan runtime preloaded.
set(ctf_tool_env "")
if(CTRACE_SANITIZE)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
    OUTPUT_VARIABLE ctf_asan OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(ctf_tool_env "LD_PRELOAD=${ctf_asan} ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 ")
endif()

if(NOT TARGET test_export_ctf)
  add_executable(test_export_ctf ${CMAKE_CURRENT_LIST_DIR}/test_export_ctf.c)
  target_link_libraries(test_export_ctf PRIVATE ctrace_viewer ctrace_fake_trace PkgConfig::CMOCKA)
  ctrace_host_target(test_export_ctf)
  add_test(NAME viewer.export_ctf COMMAND test_export_ctf)
endif()
target_link_libraries(test_export_ctf PRIVATE ctrace_format ctrace_util)
target_compile_definitions(test_export_ctf PRIVATE
  CTF_TEST_PLUGIN_DIR="$<TARGET_FILE_DIR:ctrace-bt-plugin>"
  CTF_TEST_XML="${CMAKE_CURRENT_LIST_DIR}/../../../viewer/tracecompass/ctrace-locks.xml"
  CTF_TEST_TOOL_ENV="${ctf_tool_env}")
add_dependencies(test_export_ctf ctrace-bt-plugin)
