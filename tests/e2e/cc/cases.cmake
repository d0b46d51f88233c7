# SPDX-License-Identifier: MIT
# `ctrace cc`: the __tsan_* runtime against what gcc and clang emit, atomics
# performed right (natively and under `ctrace run`), build systems using
# ctrace-cc, compiler invocation modes, ctrace.h. Each script names its
# arguments; a missing clang skips its cases (77).
set(CC_DIR ${CMAKE_CURRENT_SOURCE_DIR}/cc)
function(ctrace_cc_case name)
  add_test(NAME e2e_cc_${name} COMMAND bash ${ARGN})
  set_tests_properties(e2e_cc_${name} PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77
    LABELS cc)
endfunction()
foreach(family gcc clang)
  ctrace_cc_case(symbols_${family} ${CC_DIR}/check_symbols.sh ${family}
    ${CMAKE_BINARY_DIR} ${PROJECT_SOURCE_DIR})
  ctrace_cc_case(atomics_${family} ${CC_DIR}/run_program.sh $<TARGET_FILE:ctrace> ${family}
    ${CC_DIR}/atomics.c -O2 -mcx16 -Wno-atomic-alignment)
  ctrace_cc_case(atomics_O0_${family} ${CC_DIR}/run_program.sh $<TARGET_FILE:ctrace> ${family}
    ${CC_DIR}/atomics.c -O0 -mcx16 -Wno-atomic-alignment)
  ctrace_cc_case(atomics_cxx_${family} ${CC_DIR}/run_program.sh $<TARGET_FILE:ctrace> ${family}
    ${CC_DIR}/atomics_cxx.cpp -O2)
  ctrace_cc_case(make_${family} ${CC_DIR}/build_project.sh $<TARGET_FILE:ctrace> make ${family})
  ctrace_cc_case(cmake_${family} ${CC_DIR}/build_project.sh $<TARGET_FILE:ctrace> cmake ${family})
  ctrace_cc_case(modes_${family} ${CC_DIR}/modes.sh $<TARGET_FILE:ctrace> ${family})
endforeach()
ctrace_cc_case(annotations ${CC_DIR}/annotations.sh $<TARGET_FILE:ctrace> ${PROJECT_SOURCE_DIR})
ctrace_cc_case(install ${CC_DIR}/install.sh ${CMAKE_BINARY_DIR} ${PROJECT_SOURCE_DIR})
