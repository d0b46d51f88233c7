.problems == 0 and (.calls | length > 0)
