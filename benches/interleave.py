#!/usr/bin/env python3
"""Times whole commands interleaved: one run of each command, in a new shuffled order, N times,
so that a machine whose speed drifts over seconds (a shared VM) slows every command alike;
hyperfine runs all of one command's runs before the next's, so drift shows up as a difference
between commands.

Usage: interleave.py N WARMUP CMD [CMD ...]   (each CMD one shell-quoted string; run without a
shell, input from and output to /dev/null). Prints each command's mean and median wall time and
its ratio to the first command's, and the median of the per-iteration ratios.
"""
import os
import random
import shlex
import statistics
import sys
import time


def run(argv, devnull):
    t0 = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status = os.waitpid(pid, 0)
    t1 = time.perf_counter_ns()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"interleave.py: {argv[0]} failed ({status})")
    return (t1 - t0) / 1e6


def main():
    n, warmup = int(sys.argv[1]), int(sys.argv[2])
    cmds = [shlex.split(c) for c in sys.argv[3:]]
    devnull = os.open(os.devnull, os.O_WRONLY)
    for _ in range(warmup):
        for c in cmds:
            run(c, devnull)
    times = [[] for _ in cmds]
    order = list(range(len(cmds)))
    rng = random.Random(1)
    for _ in range(n):
        # A new order every time, so that no command always runs right after the same one.
        rng.shuffle(order)
        for j in order:
            times[j].append(run(cmds[j], devnull))
    base_mean = statistics.mean(times[0])
    print(f"interleaved, {n} runs of each command (shuffled order each time), wall ms:")
    for c, t in zip(cmds, times):
        ratios = [a / b for a, b in zip(t, times[0])]
        print(f"  mean {statistics.mean(t):6.3f}  median {statistics.median(t):6.3f}  "
              f"{statistics.mean(t) / base_mean:5.2f}x (median of pairwise ratios "
              f"{statistics.median(ratios):5.2f}x)  {' '.join(c)[:80]}")


if __name__ == "__main__":
    main()
