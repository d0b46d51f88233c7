[.threads[].name] as $n
| .problems == 0
and ($n | index("MainThread")) == 0
and ($n | index("worker-1")) != null
and ($n | index("ThreadPoolExecutor-0_0")) != null
and ($n | index("renamed-2")) != null
and ($n | index("before-rename")) == null
