# SARIF: the message names the local variable, its function and the thread whose stack holds it.
(.runs[0].results | length) == 1 and (.runs[0].results[0].message.text | test("location: variable 'local' of own_local on the stack of thread T1 "))
