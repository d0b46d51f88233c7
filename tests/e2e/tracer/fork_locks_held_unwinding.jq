# Every child ran on (each forked while threads unwound); every process's trace is there; no finding.
$out.forks == 150 and $out.children_ok == 150 and .processes == 151 and .dropped == 0
