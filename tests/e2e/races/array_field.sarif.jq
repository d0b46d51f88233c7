# SARIF: the race's message names the element and field.
(.runs[0].results | length) == 1 and (.runs[0].results[0].message.text | test("location: global 'items\\[2\\]\\.count' at 0x[0-9a-f]+\\.$"))
