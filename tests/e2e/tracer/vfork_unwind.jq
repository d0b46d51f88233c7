# One unlock-not-locked a worker, each stack whole: through the frames without unwind tables up to the worker.
([.misuse[] | select(.kind == "unlock-not-locked")] | length) == 4
and all(.misuse[]; [.stack[].function] | index("worker") != null and index("vu_unlock_unlocked") != null)
