# A heap mutex locked after its destroy (glibc fails the lock with EINVAL): one use-after-destroy, at main's lock.
$out.error == 22 and (.misuse | length) == 1 and .misuse[0].kind == "use-after-destroy"
  and .misuse[0].stack[0].function == "main"
