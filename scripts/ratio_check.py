#!/usr/bin/python3
"""Fails (exit 1) only when a kernel's ratio to the triad fell by more than 2x against the
baseline: ratios measured in one process are stable on shared machines, absolute times are not.
Usage: ratio_check.py BASELINE.json NEW.json"""
import json
import sys


def ratios(path):
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data.get("benchmarks", []):
        if "ratio_to_triad" in b and b.get("aggregate_name", "median") == "median":
            out[b.get("run_name", b["name"])] = float(b["ratio_to_triad"])
    return out


def main():
    base, new = ratios(sys.argv[1]), ratios(sys.argv[2])
    worst = []
    compared = 0
    for name, r0 in sorted(base.items()):
        if name not in new or r0 <= 0:
            print(f"{name:60s} baseline {r0:6.3f}  not measured now (skipped)")
            continue
        compared += 1
        r1 = new[name]
        flag = "REGRESSION" if r1 < r0 / 2 else "ok"
        print(f"{name:60s} baseline {r0:6.3f}  now {r1:6.3f}  {flag}")
        if flag != "ok":
            worst.append(name)
    if compared == 0:
        print("ratio check: no benchmark of the baseline was measured")
        return 1
    if worst:
        print(f"{len(worst)} ratio(s) to the triad fell by more than 2x: {', '.join(worst)}")
        return 1
    print(f"ratio check: {compared} ratios, no regression beyond 2x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
