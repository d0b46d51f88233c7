.problems == 0 and any(.threads[]; .name == "worker-1")
