#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# check_chrome.py FILE - validates a Chrome JSON trace written by ctrace:
# parses as JSON, "traceEvents" is the first key, every event has ph and
# (except M) a numeric ts >= 0 with pid; B/E nest per (pid, tid) and all
# close; async b/e pair up by (cat, id); every flow f has an earlier s with
# the same (id, cat, name). Prints one line per problem, exits 1 if any.
import json
import sys


def main(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    doc = json.loads(text, object_pairs_hook=lambda pairs: pairs)
    problems = []
    if not doc or doc[0][0] != "traceEvents":
        problems.append("traceEvents is not the first key")
    top = dict(doc)
    events = [dict(e) for e in top.get("traceEvents", [])]
    stacks, asyncs, flows = {}, {}, {}
    for i, e in enumerate(events):
        ph = e.get("ph")
        if ph is None or "pid" not in e:
            problems.append(f"event {i}: no ph or pid")
            continue
        if ph != "M":
            ts = e.get("ts")
            if not isinstance(ts, (int, float)) or ts < 0:
                problems.append(f"event {i}: bad ts {ts!r}")
    # Readers sort by ts (stable): check the order they will see.
    order = sorted(range(len(events)), key=lambda i: (events[i].get("ts", -1), i))
    for i in order:
        e = events[i]
        ph, key = e.get("ph"), (e.get("pid"), e.get("tid"))
        if ph == "B":
            stacks.setdefault(key, []).append(i)
        elif ph == "E":
            if not stacks.get(key):
                problems.append(f"event {i}: E without B on {key}")
            else:
                stacks[key].pop()
        elif ph in ("b", "e"):
            akey = (e.get("cat"), e.get("id"))
            if ph == "b":
                asyncs[akey] = asyncs.get(akey, 0) + 1
            elif asyncs.get(akey, 0) == 0:
                problems.append(f"event {i}: e without b for {akey}")
            else:
                asyncs[akey] -= 1
        elif ph in ("s", "f"):
            fkey = (e.get("id"), e.get("cat"), e.get("name"))
            if ph == "s":
                flows[fkey] = flows.get(fkey, 0) + 1
            elif flows.get(fkey, 0) == 0:
                problems.append(f"event {i}: f without s for {fkey}")
            else:
                flows[fkey] -= 1
                if e.get("bp") != "e":
                    problems.append(f"event {i}: f without bp e")
    for key, st in stacks.items():
        if st:
            problems.append(f"{len(st)} B never closed on {key}")
    for key, n in asyncs.items():
        if n:
            problems.append(f"async {key} never ended")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
