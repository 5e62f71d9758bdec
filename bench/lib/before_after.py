#!/usr/bin/env python3
"""Before/after table of two bench/compare runs of Gatehouse (same machine, same settings), in Markdown.

    python3 bench/lib/before_after.py BEFORE.jsonl AFTER.jsonl [BEFORE_META.jsonl AFTER_META.jsonl]

Per store and scenario: peak ops/s, server CPU ms per operation (the robust column on a shared machine), peak p99,
and the fixed-rate p99 / p99.9 at half of each run's own peak; then start and memory from the meta files.
"""
import json
import sys


def load(path):
    rows = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            if r.get("server") != "gatehouse":
                continue
            rows[(r.get("store", "postgres"), r["scenario"])] = r
    return rows


def cpu_ms_per_op(r):
    if not r or not r.get("cpu_s") or not r.get("ops"):
        return None
    return r["cpu_s"] * 1000.0 / r["ops"]


def fmt(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def change(b, a, lower_is_better=False):
    if b is None or a is None or b == 0:
        return "–"
    pct = (a - b) / b * 100
    better = pct < 0 if lower_is_better else pct > 0
    return f"{pct:+.0f} %" + (" ✓" if better and abs(pct) >= 5 else "")


def main():
    before, after = load(sys.argv[1]), load(sys.argv[2])
    order = ["client_credentials", "claims", "refresh", "code", "keys", "signin", "mfa", "refresh_before_1m", "refresh_1m"]
    print("| store | scenario | ops/s before → after | change | CPU ms per op before → after | change | peak p99 ms before → after | "
          "half-peak p99 / p99.9 ms before → after |")
    print("|---|---|--:|--:|--:|--:|--:|--:|")
    for store in ("embedded", "postgres"):
        for sc in order:
            b, a = before.get((store, sc)), after.get((store, sc))
            if not b and not a:
                continue
            bo, ao = (b or {}).get("ops_per_s"), (a or {}).get("ops_per_s")
            bc, ac = cpu_ms_per_op(b), cpu_ms_per_op(a)
            fr = lambda r: "–" if not r or r.get("fr_p99_ms") is None else f"{r['fr_p99_ms']:.1f} / {r['fr_p999_ms']:.1f}"
            print(f"| {store} | {sc} | {fmt(bo)} → {fmt(ao)} | {change(bo, ao)} | {fmt(bc, 2)} → {fmt(ac, 2)} | "
                  f"{change(bc, ac, lower_is_better=True)} | {fmt((b or {}).get('p99_ms'), 1)} → {fmt((a or {}).get('p99_ms'), 1)} | "
                  f"{fr(b)} → {fr(a)} |")
    if len(sys.argv) > 4:
        def meta(path):
            m = {}
            with open(path) as f:
                for line in f:
                    if line.strip():
                        r = json.loads(line)
                        if r.get("server") == "gatehouse":
                            m[r.get("store", "postgres")] = r
            return m
        mb, ma = meta(sys.argv[3]), meta(sys.argv[4])
        print()
        print("| store | cold start to ready s before → after | first start s before → after | idle RSS MiB before → after |")
        print("|---|--:|--:|--:|")
        for store in ("embedded", "postgres"):
            b, a = mb.get(store, {}), ma.get(store, {})
            if not b and not a:
                continue
            print(f"| {store} | {fmt(b.get('cold_start_s'), 2)} → {fmt(a.get('cold_start_s'), 2)} | "
                  f"{fmt(b.get('first_start_s'), 2)} → {fmt(a.get('first_start_s'), 2)} | "
                  f"{fmt(b.get('idle_rss_mib'))} → {fmt(a.get('idle_rss_mib'))} |")


if __name__ == "__main__":
    main()
