#!/usr/bin/env python3
"""What a boundary report's searches would take on K workers, from the trial times in its cache.

A boundary search is a chain: each probe is looked at with 10, 20, 40, 80, ... trials in all (every
look doubles them, BoundarySearchSettings), and the next look, or the next probe, waits for the whole
look. The searches of different blocks and d run side by side. This replays every search found in
the cache as such a chain, with each trial taking the `seconds` its record holds, and schedules them
greedily on K workers (a free worker takes a trial of the look whose chain has the most left to do),
for a job array of K one-core tasks sharing one cache (README, "On a Slurm cluster"); a second column
lets the next look of the same probe start while the current one runs, as array tasks that wait for
others' trials do (`ExperimentRunner.runProbe(_:speculatingUpTo:)`). Ignored: the tasks' start-up
and the assembling job (seconds), instance drawing (milliseconds per trial), and the speculated
trials a deciding look leaves unused (their times are not in the cache; they only occupy workers).
The trial times are those of the machine and load that wrote the records.

Records of one cache key and one d make one chain, whatever block asked for them (the all-ones
check and skip relaxed share theirs: a slightly longer chain than either). The probes' order within
a chain does not change its length; they are replayed in increasing n.

    python3 bench/array_wall.py CACHE [CACHE ...] [--workers 1 2 8 32 128]
"""
import argparse
import collections
import glob
import heapq
import json
import os
import re

RECORD = re.compile(r"n(\d+)_d(\d+)_t(\d+)\.json$")


def chains(cache_dirs):
    """{(key, d): [(n, look), ...]} with each look a list of trial seconds, probes in increasing n."""
    trials = collections.defaultdict(lambda: collections.defaultdict(dict))
    for cache in cache_dirs:
        for path in glob.glob(os.path.join(cache, "*", "n*_d*_t*.json")):
            match = RECORD.search(os.path.basename(path))
            if not match:
                continue
            n, d, t = map(int, match.groups())
            key = os.path.basename(os.path.dirname(path))
            with open(path) as f:
                trials[(key, d)][n][t] = float(json.load(f).get("seconds", 0))
    result = {}
    for chain, probes in trials.items():
        looks = []
        for n in sorted(probes):
            seconds = [probes[n][t] for t in sorted(probes[n])]
            start, size = 0, 10
            while start < len(seconds):
                looks.append((n, seconds[start:size]))
                start, size = size, 2 * size
        result[chain] = looks
    return result


def wall(looks_by_chain, workers, speculate):
    """Seconds until every chain is done on `workers` workers (greedy list scheduling). With
    `speculate`, the next look of the same probe may start while the current one runs, as waiting
    array tasks do (its trials after the current look's)."""
    state = {}
    for c, looks in looks_by_chain.items():
        state[c] = {"at": 0, "unfinished": [len(l) for _, l in looks], "unstarted": [sorted(l, reverse=True) for _, l in looks],
                    "left": sum(sum(l) for _, l in looks)}
    events, now, free = [], 0.0, workers

    def open_looks(c):
        at, looks = state[c]["at"], looks_by_chain[c]
        if at >= len(looks):
            return []
        if speculate and at + 1 < len(looks) and looks[at + 1][0] == looks[at][0]:
            return [at, at + 1]
        return [at]

    while True:
        for c in sorted(state, key=lambda c: -state[c]["left"]):
            for look in open_looks(c):
                queue = state[c]["unstarted"][look]
                while free > 0 and queue:
                    seconds = queue.pop(0)
                    state[c]["left"] -= seconds
                    free -= 1
                    heapq.heappush(events, (now + seconds, c, look))
            if free == 0:
                break
        if not events:
            return now
        now, c, look = heapq.heappop(events)
        free += 1
        state[c]["unfinished"][look] -= 1
        while state[c]["at"] < len(looks_by_chain[c]) and state[c]["unfinished"][state[c]["at"]] == 0:
            state[c]["at"] += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("caches", nargs="+", help="cache directories (each holds one folder per key)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 8, 16, 32, 64, 128, 100000])
    args = parser.parse_args()
    looks = chains(args.caches)
    if not looks:
        raise SystemExit(f"array_wall: no trial records under {', '.join(args.caches)}")
    total = sum(sum(look) for chain in looks.values() for _, look in chain)
    print(f"{len(looks)} searches, {sum(len(c) for c in looks.values())} looks, "
          f"{sum(len(l) for c in looks.values() for _, l in c)} trials, {total / 3600:.2f} CPU-hours of solves")
    print("\n| chain (key, d) | looks | trials | CPU-s | critical path s |\n| --- | --- | --- | --- | --- |")
    critical = {c: sum(max(look) for _, look in chain) for c, chain in looks.items()}
    for c in sorted(critical, key=lambda c: -critical[c])[:8]:
        chain = [look for _, look in looks[c]]
        print(f"| {c[0]}, {c[1]} | {len(chain)} | {sum(map(len, chain))} | {sum(map(sum, chain)):.0f} | {critical[c]:.0f} |")
    print("\n| workers | wall, looks in turn | wall, the next look speculated |\n| --- | --- | --- |")
    for k in args.workers:
        plain, speculated = wall(looks, k, False), wall(looks, k, True)
        print(f"| {k if k < 100000 else 'unlimited'} | {plain / 60:.1f} min | {speculated / 60:.1f} min |")


if __name__ == "__main__":
    main()
