# T1 and T2 each keep the name set for them (when the handle was reused,
# the old code gave both the second name).
$out.reused != null
and ([.threads[] | select(.id == 1)][0].name == "depositor")
and ([.threads[] | select(.id == 2)][0].name == "auditor")
