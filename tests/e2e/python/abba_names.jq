# abba_inversion.py, lock names: once Python locks are named, the two locks
# of the inversion are named after their variables (lock_a, lock_b), in
# "name" or "symbol", whatever else the name holds (module, file, line).
def lname: [.name, .symbol] | map(select(type == "string")) | join(" ");
[.deadlocks[] | select(.kind == "lock-order-inversion")][0].cycle as $c
| ([$c[].holding | lname] | map(test("\\block_a\\b")) | map(select(.)) | length) == 1
and ([$c[].holding | lname] | map(test("\\block_b\\b")) | map(select(.)) | length) == 1
