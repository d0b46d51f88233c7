[.threads[].name] | index("MainThread") != null and index("worker-1") != null
and index("ThreadPoolExecutor-0_0") != null
