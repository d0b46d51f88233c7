# abba_inversion.py: one lock-order inversion, of the two threading.Locks
# (kind "sem"), taken by two threads; nothing else (no inversion through
# CPython's own locks, no misuse). $out.mode "joined": the first thread was
# joined before the second started (abba_joined_order.jq checks that the
# report says so); "event": the threads overlapped (concurrent).
[.deadlocks[] | select(.kind == "lock-order-inversion")] as $i
| ($i | length) == 1
and ($i[0].cycle | length) == 2
and ($i[0].cycle | all(.holding.kind == "sem" and .acquiring.kind == "sem"))
and ([$i[0].cycle[].thread] | unique | length) == 2
and ([$i[0].cycle[].holding.id] | unique | length) == 2
and ([$i[0].cycle[].holding.id] | sort) == ([$i[0].cycle[].acquiring.id] | sort)
and (if $out.mode == "event" then $i[0].concurrent == true else true end)
and ([.deadlocks[] | select(.kind != "lock-order-inversion")] == [])
and .misuse == [] and .races == []
and $out.taken == ["ab", "ba"]
