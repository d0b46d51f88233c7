# $out.kind: the misuse the program made (a kind ending in "-ok": none at
# all); $out.lock, $out.cond: the symbols the finding names its mutex (or
# lock) and condition variable by, in the objects and in the message;
# $out.severity: "note" for a finding that is only a note.
if ($out.kind | endswith("-ok")) then .misuse == [] and .deadlocks == []
else
  ([.misuse[] | select(.kind == $out.kind)] as $m
   | ($m | length) >= 1
   and ($m[0].stack | length) > 0
   and ($m[0].stack | map(.function) | any(. == "do_misuse" or (. // "" | startswith("do_"))))
   and ($m[0].message | length) > 0
   and ($m[0].thread | type) == "number"
   and ($m[0].severity == ($out.severity // "warning"))
   and (if $out.kind == "join-invalid" or $out.kind == "bad-argument" or $out.kind == "thread-leak"
        then true else ($m[0].lock | type) == "object" end)
   and (if $out.lock then $m[0].lock.symbol == $out.lock
          and ($m[0].message | contains("'" + $out.lock + "'")) else true end)
   and (if $out.cond then $m[0].cond.symbol == $out.cond and $m[0].cond.kind == "cond"
          and ($m[0].message | contains("cond '" + $out.cond + "'")) else true end)
   and (if $out.kind == "relock-non-recursive" then ($m | length) == 1 and $m[0].count == 3
        and $m[0].errno == "EDEADLK" and ($m[0].message | test("EDEADLK")) and ($m[0].message | test("waits") | not)
        elif $out.kind == "use-after-destroy" then ([.misuse[].kind] | unique) == ["use-after-destroy"]
        elif $out.kind == "thread-leak" then ($m | length) == 1 and ($m[0].other_thread | type) == "number"
        else true end))
end
