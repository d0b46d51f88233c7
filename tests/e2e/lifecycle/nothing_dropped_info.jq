.dropped == 0 and ([.thread_list[].dropped] | add) == 0
