# main returned 3 holding state_lock: the process exit was recorded (its
# status), and a lock held when the process ends is no misuse (it ends
# with the process)
.program.exit_status == 3
and ([.misuse[] | select(.kind == "exit-holding-lock")] | length) == 0
