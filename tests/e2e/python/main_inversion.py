# SPDX-License-Identifier: MIT
# main_inversion.py - the main thread alone takes two locks in both orders
# (after threading was imported, which takes the main thread's
# _tstate_lock for its whole life: that is not a lock of the program, and
# it must not hide the inversion as a gate would).
import threading

m1 = threading.Lock()
m2 = threading.Lock()
with m1:
    with m2:
        pass
with m2:
    with m1:
        pass
print("done")
