# SPDX-License-Identifier: MIT
# Python end-to-end cases with findings (issue 11): they pass once the
# analyzers take CPython's locks (semaphores: sem_init(s, 0, 1), acquire =
# sem_trywait then sem_wait, release = sem_post) for locks. Not included
# by tests/e2e/CMakeLists.txt yet; include it after cases.cmake (it uses
# ${PY}, ${Y} and the e2e_py_binsem_ok program):
#   include(python/findings.cmake)
# The *_frames and *_names checks need Python frames in stacks and names
# for Python locks: enable them with those.

# Lock-order inversions that do not hang.
foreach(mode joined event)
  ctrace_e2e(py_abba_${mode} PROGRAM ${PY}
    ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/abba_inversion.py ${mode}
    COMPARE_NATIVE REPORT_JQ ${Y}/abba_inversion.jq)
endforeach()
ctrace_e2e(py_abba_joined_order PROGRAM ${PY}
  ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/abba_inversion.py joined
  REPORT_JQ ${Y}/abba_joined_order.jq)
ctrace_e2e(py_abba_frames PROGRAM ${PY}
  ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/abba_inversion.py event REPORT_JQ ${Y}/abba_frames.jq)
ctrace_e2e(py_abba_names PROGRAM ${PY}
  ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/abba_inversion.py event REPORT_JQ ${Y}/abba_names.jq)
ctrace_e2e(py_mp_inversion PROGRAM ${PY}
  ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/mp_deadlock.py ordered
  COMPARE_NATIVE REPORT_JQ ${Y}/mp_inversion.jq)
# A thread that holds one lock and only tries the other (blocking=False, a
# timeout), the way out of an inversion: none reported, though CPython's
# first try of every acquire is the same call; the blocking forms of the
# same call are the inversion.
foreach(mode try_kw try_pos try_local try_zero timeout_kw timeout_local rlock_try mp_try
    mp_timeout settrace_try)
  ctrace_e2e(py_try_acquire_${mode} PROGRAM ${PY}
    ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/try_acquire.py ${mode}
    COMPARE_NATIVE REPORT_JQ ${Y}/no_finding.jq)
endforeach()
foreach(mode blocking_true blocking_minus_one)
  ctrace_e2e(py_try_acquire_${mode} PROGRAM ${PY}
    ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/try_acquire.py ${mode}
    REPORT_JQ ${Y}/abba_inversion.jq)
endforeach()
# Contention on Python locks, every acquisition counted.
ctrace_e2e(py_contention PROGRAM ${PY} ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/contention.py
  REPORT_JQ ${Y}/contention.jq)
ctrace_e2e(py_contention_frames PROGRAM ${PY} ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/contention.py
  REPORT_JQ ${Y}/contention_frames.jq)
ctrace_e2e(py_binsem_abba PROGRAM $<TARGET_FILE:e2e_py_binsem_ok> ARGS abba
  REPORT_JQ ${Y}/binsem_abba.jq)

ctrace_e2e(py_main_inversion PROGRAM ${PY} ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/main_inversion.py
  REPORT_JQ ${Y}/main_inversion.jq)
# Every thread waiting for a signal's handler (a daemon): not a deadlock,
# nor a stall once the stall timeout (1 s) has passed; it ends by itself.
ctrace_e2e(py_signal_wait PROGRAM ${PY} ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/signal_wait.py
  RUN_OPTS --stall-timeout=1 REPORT_JQ ${Y}/no_finding.jq TIMEOUT 60)

# Real deadlocks: found by the watchdog while they hang, and ended (SIGKILL:
# 137) well within the timeout; a stall (60 s) cannot be what ends them.
foreach(mode lock rlock three)
  ctrace_e2e(py_real_deadlock_${mode} PROGRAM ${PY}
    ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/real_deadlock.py ${mode}
    EXPECT 137 RUN_OPTS --stall-timeout=60 REPORT_JQ ${Y}/real_deadlock.jq TIMEOUT 30)
endforeach()
# The main thread holds a lock while it joins a thread that waits for it.
ctrace_e2e(py_join_deadlock PROGRAM ${PY} ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/join_deadlock.py
  EXPECT 137 RUN_OPTS --stall-timeout=60 REPORT_JQ ${Y}/join_deadlock.jq TIMEOUT 30)
ctrace_e2e(py_self_deadlock PROGRAM ${PY}
  ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/real_deadlock.py self
  EXPECT 137 RUN_OPTS --stall-timeout=60 REPORT_JQ ${Y}/self_deadlock.jq TIMEOUT 30)
ctrace_e2e(py_self_deadlock_frames PROGRAM ${PY}
  ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/real_deadlock.py self
  EXPECT 137 RUN_OPTS --stall-timeout=60 REPORT_JQ ${Y}/deadlock_frames.jq TIMEOUT 30)
ctrace_e2e(py_real_deadlock_frames PROGRAM ${PY}
  ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/real_deadlock.py three
  EXPECT 137 RUN_OPTS --stall-timeout=60 REPORT_JQ ${Y}/deadlock_frames.jq TIMEOUT 30)
# Across processes: two multiprocessing.Locks (named semaphores). The
# hardest: a wait-for cycle through two processes.
# The watchdog must end every process of the program (CHECK_ENDED), not only
# the first: so far the hung children outlive `ctrace run`, as
# py_mp_stall_ended shows without the Python locks (a stall, 2 s).
ctrace_e2e(py_mp_deadlock PROGRAM ${PY}
  ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/mp_deadlock.py deadlock
  EXPECT 137 RUN_OPTS --stall-timeout=60 REPORT_JQ ${Y}/real_deadlock.jq TIMEOUT 30
  ENV CHECK_ENDED=1)
ctrace_e2e(py_mp_deadlock_frames PROGRAM ${PY}
  ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/mp_deadlock.py deadlock
  EXPECT 137 RUN_OPTS --stall-timeout=60 REPORT_JQ ${Y}/deadlock_frames.jq TIMEOUT 30
  ENV CHECK_ENDED=1)
ctrace_e2e(py_mp_stall_ended PROGRAM ${PY}
  ARGS ${CMAKE_CURRENT_SOURCE_DIR}/${Y}/mp_deadlock.py deadlock
  EXPECT 137 RUN_OPTS --stall-timeout=2 REPORT_JQ ${Y}/stall_ended.jq TIMEOUT 30
  ENV CHECK_ENDED=1)
