# join_deadlock.py: one deadlock of two edges, found while it hung: the
# main thread waits in Thread.join for the updater's _tstate_lock, named so;
# the updater waits for `state`, which the main thread holds.
[.deadlocks[] | select(.kind == "deadlock")] as $d
| (.threads | map({(.id | tostring): .name}) | add) as $names
| ($d | length) == 1
and ($d[0].cycle | length) == 2
and ($d[0].cycle[] | select($names[.thread | tostring] == "MainThread")
     | .acquiring.name == "_tstate_lock (Thread.join)"
       and $names[.owner | tostring] == "updater"
       and (.holding.name | startswith("state (join_deadlock.py:"))
       and any(.acquiring_stack[]; .function == "Thread.join"))
and ($d[0].cycle[] | select($names[.thread | tostring] == "updater")
     | (.acquiring.name | startswith("state (join_deadlock.py:"))
       and .holding.name == "_tstate_lock (Thread.join)"
       and any(.acquiring_stack[]; .function == "update_state"))
and .misuse == []
