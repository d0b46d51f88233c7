# $out.kind: the misuse the program made (or "recursive-ok": none at all).
if $out.kind == "recursive-ok" then .misuse == [] and .deadlocks == []
else
  ([.misuse[] | select(.kind == $out.kind)] as $m
   | ($m | length) >= 1
   and ($m[0].stack | length) > 0
   and ($m[0].stack | map(.function) | any(. == "do_misuse" or (. // "" | startswith("do_"))))
   and ($m[0].message | length) > 0
   and ($m[0].thread | type) == "number"
   and (if $out.kind == "join-invalid" or $out.kind == "bad-argument" then true
        else ($m[0].lock | type) == "object" end)
   and (if $out.kind == "relock-non-recursive" then ($m | length) == 1 and $m[0].count == 3
        elif $out.kind == "use-after-destroy" then ([.misuse[].kind] | unique) == ["use-after-destroy"]
        else true end))
end
