# Destroying a condition variable whose waiters were all woken is legal.
.misuse == [] and .deadlocks == [] and $out.rounds > 0
