#!/usr/bin/env python3
"""Times commands against each other: median wall time and peak RSS over repeated runs.

Wall times come from hyperfine (`-N`: no shell; Debian package hyperfine), in three rounds that each
run ours then the peer, with warm-ups (page cache warm, as on a host probed repeatedly), so drift in
machine load hits both alike. Not from this script's own fork and wait: Python's process start-up
added a millisecond or two to every run of both commands, which pulls every ratio towards 1.

Peak RSS is measured in three further runs of each under GNU time (`/usr/bin/time -f %M`, Debian
package `time`). Not from this script's own wait4: a child forked from Python starts with Python's
~14 MiB as its high-water mark (Linux keeps the maximum across exec), so every command, even
/bin/true, would read at least that.

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
import tempfile
import time


ROUNDS = 3


def hyperfine_times(ours, peer, runs):
    """Per-run wall times (seconds) of each command over `ROUNDS` hyperfine rounds."""
    times = {"ours": [], "peer": []}
    per_round = max(1, -(-runs // ROUNDS))
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as scratch:
            export = os.path.join(scratch, "times.json")
            subprocess.run(["hyperfine", "-N", "-i", "--style", "none", "--warmup", "2", "--runs", str(per_round),
                            "--export-json", export, "--", shlex.join(ours), shlex.join(peer)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(export) as f:
                results = json.load(f)["results"]
        times["ours"] += results[0]["times"]
        times["peer"] += results[1]["times"]
    return times


def run_once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, _ = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, os.waitstatus_to_exitcode(status)


GNU_TIME = "/usr/bin/time"


def peak_rss_mib(argv, runs=3):
    """The largest "Maximum resident set size" GNU time reports over `runs` runs, in MiB; None without it."""
    if not os.access(GNU_TIME, os.X_OK):
        return None
    peak = 0.0
    for _ in range(runs):
        proc = subprocess.run([GNU_TIME, "-f", "%M", "--"] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        lines = proc.stderr.strip().splitlines()
        peak = max(peak, int(lines[-1]) / 1024.0)  # KiB
    return peak


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
        _, code = run_once(argv)
        if code not in (0, 1):
            print(f"{args.name}: warm-up of {argv[0]} exited {code}", file=sys.stderr)
            return 2
    samples = hyperfine_times(ours, peer, args.runs)
    o, p = statistics.median(samples["ours"]), statistics.median(samples["peer"])
    rss, peer_rss = peak_rss_mib(ours), peak_rss_mib(peer)
    ratio = o / p
    verdicts = []
    if args.max_ratio is not None:
        verdicts.append(("time", ratio <= args.max_ratio, f"ratio {ratio:.2f} (target <= {args.max_ratio})"))
    if args.max_rss_mib is not None:
        if rss is None:
            verdicts.append(("rss", False, f"peak RSS not measured: {GNU_TIME} is missing (Debian package time)"))
        else:
            verdicts.append(("rss", rss <= args.max_rss_mib, f"peak RSS {rss:.1f} MiB (target <= {args.max_rss_mib})"))
    show = lambda v: "?" if v is None else f"{v:.1f}"
    ok = all(v[1] for v in verdicts)
    print(f"{args.name}: ours {o * 1000:.1f} ms, peer {p * 1000:.1f} ms (medians of {len(samples['ours'])}), "
          f"ratio {ratio:.2f}; peak RSS ours {show(rss)} MiB, peer {show(peer_rss)} MiB"
          + ("" if not verdicts else "  -> " + ("MET" if ok else "MISSED: " + "; ".join(v[2] for v in verdicts if not v[1]))))
    if args.results:
        with open(args.results, "a") as f:
            f.write(json.dumps({"name": args.name, "ours_ms": o * 1000, "peer_ms": p * 1000, "ratio": ratio,
                                "ours_rss_mib": rss, "peer_rss_mib": peer_rss, "runs": len(samples["ours"]),
                                "met": ok, "ours": args.ours, "peer": args.peer}) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
