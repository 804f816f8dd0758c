#!/usr/bin/env python3
"""Times commands in turn (A, B, C, A, B, C, ...) and prints each one's
median and 10th percentile.

For comparing two builds of isosh, or isosh with bwrap, on a machine whose
speed drifts between one hyperfine run and the next: taking turns, the
commands see the same drift. scripts/bench.sh (hyperfine) stays the
reference; this is for telling whether one change helped.

Usage: scripts/alternate.py [--runs N] 'COMMAND' 'COMMAND' ...
"""

import argparse
import shlex
import statistics
import subprocess
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("commands", nargs="+")
    args = parser.parse_args()
    argvs = [shlex.split(c) for c in args.commands]
    times = [[] for _ in argvs]
    for _ in range(args.runs):
        for argv, taken in zip(argvs, times):
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            taken.append(time.perf_counter() - start)
    for command, taken in zip(args.commands, times):
        taken.sort()
        p10 = taken[len(taken) // 10]
        print(f"{statistics.median(taken) * 1000:8.3f} ms median  {p10 * 1000:8.3f} ms p10  {command}")


if __name__ == "__main__":
    main()
