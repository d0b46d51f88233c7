# SPDX-License-Identifier: MIT
# tests/unit/viewer/export_cli.cmake: `ctrace run` of a small program, then
# `ctrace export` (perfetto, chrome) and `ctrace timeline` on its trace,
# checked with protoc, check_chrome.py and jq (export_cli.sh).
find_program(CTRACE_PROTOC protoc)
find_program(CTRACE_JQ jq)
if(NOT CTRACE_PROTOC OR NOT CTRACE_JQ)
  message(WARNING "protoc or jq missing (apt-get install protobuf-compiler jq): "
    "the viewer export tests will fail")
endif()
add_executable(viewer_cli_prog ${CMAKE_CURRENT_LIST_DIR}/cli_prog.c)
target_compile_options(viewer_cli_prog PRIVATE -g -O0)
target_link_libraries(viewer_cli_prog PRIVATE Threads::Threads rt)
add_test(NAME viewer.export_cli
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/export_cli.sh $<TARGET_FILE:ctrace>
    $<TARGET_FILE:viewer_cli_prog> ${CMAKE_CURRENT_BINARY_DIR}/export_cli
    ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(viewer.export_cli PROPERTIES TIMEOUT 120)
