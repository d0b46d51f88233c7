# SARIF: the race's message, its related location and its thread flows say the lock each side held.
(.runs[0].results | length) == 1 and (.runs[0].results[0] |
  .ruleId == "data-race"
  and (.message.text | test("read of size 4 at 0x[0-9a-f]+ by thread T2 [^,]*, holding mutex 'mu_b' \\(0x[0-9a-f]+\\), and previous write of size 4 at 0x[0-9a-f]+ by thread T1 [^,]*, holding mutex 'mu_a'"))
  and (.message.text | test("location: global 'counter'"))
  and (.relatedLocations[0].message.text | test("^previous write of size 4 .* holding mutex 'mu_a'"))
  and ([.codeFlows[0].threadFlows[].locations[0].location.message.text | test("holding mutex 'mu_[ab]'")] == [true, true]))
