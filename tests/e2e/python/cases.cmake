# SPDX-License-Identifier: MIT
# Python end-to-end cases (issue 11): CPython's own synchronization under
# `ctrace run`, where a threading.Lock is a semaphore. Correct programs
# (correct.py, one mode each): no finding, the same stdout and exit status
# as a native run, no dropped event, no process left behind. The finding
# cases, which need the analyzers to know Python's locks, are in
# findings.cmake (not included yet). Debian's interpreter by full path:
# `python3` may be a pyenv shim.
set(PY /usr/bin/python3)
if(NOT EXISTS ${PY})
  message(STATUS "e2e python: ${PY} not found, its cases are not registered")
  return()
endif()
set(Y python)
foreach(mode barrier cond_nested condition daemon_exit event executor fork_held handoff
    lock lock_self_timeout logging long_waits many_locks mp_lock mp_lock_spawn mp_pool_fork
    mp_pool_spawn ordered queue rlock semaphore simplequeue subprocess_threads)
  ctrace_e2e(py_${mode} PROGRAM ${PY} ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/correct.py ${mode}
    COMPARE_NATIVE REPORT_JQ ${Y}/no_finding.jq INFO_JQ ${Y}/traced.jq TIMEOUT 60
    ENV CHECK_ENDED=1)
endforeach()
# With jemalloc preloaded, whose key destructor takes its locks after each
# thread's end: none of them counted as a dropped event.
find_library(PY_JEMALLOC NAMES libjemalloc.so.2)
if(PY_JEMALLOC)
  ctrace_e2e(py_allocator_threads PROGRAM env
    ARGS LD_PRELOAD=${PY_JEMALLOC} ${PY} ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/allocator_threads.py
    COMPARE_NATIVE REPORT_JQ ${Y}/no_finding.jq INFO_JQ ${Y}/traced.jq TIMEOUT 60)
endif()
# A correct C program: a binary semaphore as a mutex, a counting one as a
# resource pool.
ctrace_e2e(py_binsem_ok SOURCE ${Y}/binsem_lock.c ARGS ok REPORT_JQ ${Y}/binsem_ok.jq)
