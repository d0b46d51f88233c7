# SPDX-License-Identifier: MIT
# The key Python cases again, with each CPython of CTRACE_TEST_PYTHONS (a
# ;-list of full paths): an inversion (and its create/join order), a live
# deadlock with its frames, lock names, Python stacks and lines, thread
# names, the GIL's roles and contention, multiprocessing pools (fork and
# spawn) and correct programs. Named e2e_python3XX_<case> after the
# interpreter's version. By default: the pyenv 3.12 and 3.13 interpreters
# (and Debian's python3.12 / python3.13) that exist on this machine, none
# on a machine with only /usr/bin/python3; never `python3` from PATH (a
# version manager's shim). Included after cases.cmake, findings.cmake and
# stacks.cmake (ctrace_e2e, pystack_e2e).
set(ctrace_found_pythons "")
set(ctrace_pyenv_root "$ENV{PYENV_ROOT}")
if(NOT ctrace_pyenv_root)
  set(ctrace_pyenv_root "$ENV{HOME}/.pyenv")
endif()
foreach(minor 12 13)
  file(GLOB ctrace_candidates LIST_DIRECTORIES false
    "${ctrace_pyenv_root}/versions/3.${minor}.*/bin/python3.${minor}")
  list(SORT ctrace_candidates COMPARE NATURAL ORDER DESCENDING)
  list(APPEND ctrace_candidates /usr/bin/python3.${minor} /usr/local/bin/python3.${minor})
  foreach(candidate IN LISTS ctrace_candidates)
    if(EXISTS ${candidate} AND NOT IS_DIRECTORY ${candidate})
      list(APPEND ctrace_found_pythons ${candidate})
      break()
    endif()
  endforeach()
endforeach()
set(CTRACE_TEST_PYTHONS "${ctrace_found_pythons}" CACHE STRING
  "Full paths of CPython 3.11-3.13 interpreters the key Python e2e cases also run with")

set(Y python)
set(ctrace_py_dir ${CMAKE_CURRENT_SOURCE_DIR}/python)
set(ctrace_py_tags "")
foreach(py IN LISTS CTRACE_TEST_PYTHONS)
  if(NOT IS_ABSOLUTE "${py}" OR NOT EXISTS "${py}")
    message(STATUS "e2e python: ${py} is no full path to an interpreter, not tested")
    continue()
  endif()
  execute_process(COMMAND ${py} -c
    "import sys; print('%d%d' % sys.version_info[:2] if sys.implementation.name == 'cpython' else '')"
    OUTPUT_VARIABLE tag OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET TIMEOUT 30)
  if(NOT rc EQUAL 0 OR NOT tag MATCHES "^31[123]$")
    message(STATUS "e2e python: ${py} is not CPython 3.11-3.13, not tested")
    continue()
  endif()
  set(tag python${tag})
  if(tag IN_LIST ctrace_py_tags)
    message(STATUS "e2e python: ${py}: ${tag} is tested already, not again")
    continue()
  endif()
  list(APPEND ctrace_py_tags ${tag})
  message(STATUS "e2e python: ${tag} cases with ${py}")

  # Lock order: an inversion without a hang; the joined thread orders it.
  ctrace_e2e(${tag}_abba_event PROGRAM ${py} ARGS ${ctrace_py_dir}/abba_inversion.py event
    COMPARE_NATIVE REPORT_JQ ${Y}/abba_inversion.jq)
  ctrace_e2e(${tag}_abba_joined_order PROGRAM ${py}
    ARGS ${ctrace_py_dir}/abba_inversion.py joined REPORT_JQ ${Y}/abba_joined_order.jq)
  ctrace_e2e(${tag}_abba_names PROGRAM ${py} ARGS ${ctrace_py_dir}/abba_inversion.py event
    REPORT_JQ ${Y}/abba_names.jq)
  ctrace_e2e(${tag}_abba_frames PROGRAM ${py} ARGS ${ctrace_py_dir}/abba_inversion.py event
    REPORT_JQ ${Y}/abba_frames.jq)
  # Tries and timed acquires of the second lock: no inversion (each
  # version's bytecode read); a blocking one is.
  foreach(mode try_kw try_local try_zero timeout_kw timeout_local mp_try)
    ctrace_e2e(${tag}_try_acquire_${mode} PROGRAM ${py}
      ARGS ${ctrace_py_dir}/try_acquire.py ${mode} COMPARE_NATIVE REPORT_JQ ${Y}/no_finding.jq)
  endforeach()
  ctrace_e2e(${tag}_try_acquire_blocking_true PROGRAM ${py}
    ARGS ${ctrace_py_dir}/try_acquire.py blocking_true REPORT_JQ ${Y}/abba_inversion.jq)
  # Under a line tracer 3.12+ instrument their bytecode: the try is not
  # read, and the report says so.
  ctrace_e2e(${tag}_try_acquire_settrace PROGRAM ${py}
    ARGS ${ctrace_py_dir}/try_acquire.py settrace_try REPORT_JQ ${Y}/settrace_note.jq)
  # Real deadlocks, caught while they hang (one across two processes).
  ctrace_e2e(${tag}_real_deadlock_lock PROGRAM ${py} ARGS ${ctrace_py_dir}/real_deadlock.py lock
    EXPECT 137 RUN_OPTS --stall-timeout=60 REPORT_JQ ${Y}/real_deadlock.jq TIMEOUT 30)
  ctrace_e2e(${tag}_real_deadlock_frames PROGRAM ${py}
    ARGS ${ctrace_py_dir}/real_deadlock.py three
    EXPECT 137 RUN_OPTS --stall-timeout=60 REPORT_JQ ${Y}/deadlock_frames.jq TIMEOUT 30)
  ctrace_e2e(${tag}_mp_deadlock PROGRAM ${py} ARGS ${ctrace_py_dir}/mp_deadlock.py deadlock
    EXPECT 137 RUN_OPTS --stall-timeout=60 REPORT_JQ ${Y}/real_deadlock.jq TIMEOUT 30
    ENV CHECK_ENDED=1)
  # Contention on Python locks and on the GIL.
  ctrace_e2e(${tag}_contention PROGRAM ${py} ARGS ${ctrace_py_dir}/contention.py
    REPORT_JQ ${Y}/contention.jq)
  # Correct programs: no finding, the same output and status.
  foreach(mode lock rlock condition event semaphore barrier queue executor fork_held
      daemon_exit mp_lock mp_pool_fork mp_pool_spawn)
    ctrace_e2e(${tag}_correct_${mode} PROGRAM ${py} ARGS ${ctrace_py_dir}/correct.py ${mode}
      COMPARE_NATIVE REPORT_JQ ${Y}/no_finding.jq INFO_JQ ${Y}/traced.jq TIMEOUT 60
      ENV CHECK_ENDED=1)
  endforeach()
  # What the shim records: frames and lines, names, the GIL's roles.
  pystack_e2e(${tag}_pystack_frames SCRIPT pystack_frames.py DUMP_JQ pystack_frames.jq
    INFO_JQ pystack_info_full.jq ENV PY=${py})
  pystack_e2e(${tag}_pystack_unknown SCRIPT pystack_frames.py DUMP_JQ pystack_unknown.jq
    INFO_JQ pystack_info_unknown.jq ENV PY=${py} CTRACE_PYTHON_LAYOUT=unknown)
  pystack_e2e(${tag}_pystack_gil SCRIPT pystack_gil.py DUMP_JQ pystack_gil.jq
    REPORT_JQ pystack_gil_report.jq ENV PY=${py})
  pystack_e2e(${tag}_pynames_threads SCRIPT pynames_threads.py DUMP_JQ pynames_threads.jq
    REPORT_JQ pynames_threads_report.jq ENV PY=${py})
  pystack_e2e(${tag}_pynames_pool SCRIPT pynames_pool.py DUMP_JQ pynames_pool.jq ENV PY=${py})
  pystack_e2e(${tag}_pystack_exit SCRIPT pystack_exit.py DUMP_JQ pystack_exit.jq ENV PY=${py})
endforeach()
