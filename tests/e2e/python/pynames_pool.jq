# Each worker process's first thread carries its process's name.
.problems == 0
and ([.threads[] | select(.name != null and (.name | test("^ForkPoolWorker-[0-9]+$")))] | length >= 2)
and ([.threads[] | select(.name != null and (.name | test("^SpawnPoolWorker-[0-9]+$")))] | length >= 2)
and (.threads[0].name == "MainThread")
