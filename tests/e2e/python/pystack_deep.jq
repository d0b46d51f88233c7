def pys: .stack | map(select(.py));
.problems == 0
and ([.calls[] | select(.op == "sem_trywait") | pys | select(.[0].py == "take" and .[1].py == "down")
      | length] | max == 64)
and ([.calls[] | .stack | length] | max <= 128)
and ([.calls[] | select(.op == "sem_trywait") | pys | select(.[0].py == "take" and .[1].py == "gen")]
     | length > 0)
