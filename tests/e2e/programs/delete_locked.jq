# An object deleted with its three locks held by main: one destroy-locked each, at the delete in the other thread, naming main as the holder.
([.misuse[] | select(.kind == "destroy-locked")] | length) == 3
and all(.misuse[]; .kind == "destroy-locked" and .thread == 1 and .other_thread == 0
        and (.message | startswith("delete of the object holding")))
and .deadlocks == [] and $out.deleted == 1
