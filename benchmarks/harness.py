#!/usr/bin/env python3
"""Times commands against each other: median wall time and peak RSS over repeated runs.

Each command runs `--runs` times, interleaved (ours, peer, ours, peer, ...) so drift in machine load
hits both alike, after one untimed warm-up each (page cache warm, as on a host probed repeatedly).
Peak RSS comes from wait4's rusage, the same number GNU time reports as "Maximum resident set size".

usage: harness.py --name NAME --ours CMD --peer CMD [--runs N] [--max-ratio R] [--max-rss-mib M] [--results FILE]
CMD is one shell-quoted string. Exit status 1 when a target is missed.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024.0, code  # ru_maxrss is KiB on Linux


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--max-ratio", type=float)
    ap.add_argument("--max-rss-mib", type=float)
    ap.add_argument("--results", help="append one JSON line with the figures to this file")
    args = ap.parse_args()
    ours, peer = shlex.split(args.ours), shlex.split(args.peer)
    for argv in (ours, peer):
        _, _, code = run_once(argv)
        if code not in (0, 1):
            print(f"{args.name}: warm-up of {argv[0]} exited {code}", file=sys.stderr)
            return 2
    samples = {"ours": [], "peer": [], "ours_rss": [], "peer_rss": []}
    for _ in range(args.runs):
        for key, argv in (("ours", ours), ("peer", peer)):
            t, rss, _ = run_once(argv)
            samples[key].append(t)
            samples[key + "_rss"].append(rss)
    o, p = statistics.median(samples["ours"]), statistics.median(samples["peer"])
    rss = max(samples["ours_rss"])
    ratio = o / p
    verdicts = []
    if args.max_ratio is not None:
        verdicts.append(("time", ratio <= args.max_ratio, f"ratio {ratio:.2f} (target <= {args.max_ratio})"))
    if args.max_rss_mib is not None:
        verdicts.append(("rss", rss <= args.max_rss_mib, f"peak RSS {rss:.1f} MiB (target <= {args.max_rss_mib})"))
    ok = all(v[1] for v in verdicts)
    print(f"{args.name}: ours {o * 1000:.1f} ms, peer {p * 1000:.1f} ms (medians of {args.runs}), "
          f"ratio {ratio:.2f}; peak RSS ours {rss:.1f} MiB, peer {max(samples['peer_rss']):.1f} MiB"
          + ("" if not verdicts else "  -> " + ("MET" if ok else "MISSED: " + "; ".join(v[2] for v in verdicts if not v[1]))))
    if args.results:
        with open(args.results, "a") as f:
            f.write(json.dumps({"name": args.name, "ours_ms": o * 1000, "peer_ms": p * 1000, "ratio": ratio,
                                "ours_rss_mib": rss, "peer_rss_mib": max(samples["peer_rss"]), "runs": args.runs,
                                "met": ok, "ours": args.ours, "peer": args.peer}) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
