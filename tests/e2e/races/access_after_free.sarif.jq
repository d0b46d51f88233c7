# SARIF: a read after an unordered free, located in the freed block, with its allocation and its free as related locations.
(.runs[0].results | length) == 1 and (.runs[0].results[0] |
  (.message.text | test("read of size 4 .* previous write of size 32 .* \\(free\\); location: freed heap block of size 32 at 0x[0-9a-f]+ \\(offset 12\\)"))
  and ([.relatedLocations[].message.text] | any(test("was allocated here$")) and any(test("was freed here$")))
  and ([.relatedLocations[] | select(.message.text | test("was freed here$")) | .physicalLocation.region.startLine > 0] == [true]))
