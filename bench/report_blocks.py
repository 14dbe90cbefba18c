#!/usr/bin/env python3
"""Time every block of a report template on its own, for the README's per-block record.

Each ```neurec block is written into a template of its own (the front matter and that block only;
references to other blocks become plain text) and run by `neurec run` under `/usr/bin/time -v`,
all sharing one cache, in the template's order. So a block that reuses an earlier block's solves
(the canonical cell draws) costs here what it costs inside the whole report. Prints a Markdown table:
block, instances and how many were computed rather than found in the cache (neurec's own lines), wall seconds, CPU seconds, peak resident memory, and the estimate neurec printed before it started.

    python3 bench/report_blocks.py reports/paper.md --scale paper --cache /tmp/cache \
        [--until Appendix] [--neurec .build/release/neurec] [--jobs 2]

Run it from an empty cache for a cold record; the cache is what makes a second run free.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time


def split_template(text):
    """(front matter with its fences, [(id, block text, the heading it sits under)])."""
    match = re.match(r"(---\n.*?\n---\n)", text, re.S)
    if not match:
        sys.exit("report_blocks: the template has no YAML front matter")
    front = match.group(1)
    blocks, heading = [], ""
    lines = text[match.end():].split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("# "):
            heading = line[2:].strip()
        if line.strip() == "```neurec":
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            body = "\n".join(lines[i:j + 1])
            ident = re.search(r"^id:\s*(\S+)", body, re.M)
            blocks.append((ident.group(1) if ident else f"block{len(blocks) + 1}", body, heading))
            i = j
        i += 1
    return front, blocks


def run_block(neurec, front, ident, body, args, folder):
    # References to other blocks would not resolve in a template of one block.
    body = re.sub(r"@([A-Za-z0-9_]+)", lambda m: m.group(0) if m.group(1) == ident else m.group(1), body)
    template = os.path.join(folder, f"{ident}.md")
    with open(template, "w") as f:
        f.write(front + "\n" + body + "\n")
    command = ["/usr/bin/time", "-v", neurec, "run", template, "--scale", args.scale, "--cache", args.cache,
               "--out", os.path.join(folder, "out"), "--format", "md", "--yes", "--jobs", str(args.jobs)]
    started = time.monotonic()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - started
    err = done.stderr
    # Exit 3: the report was written, but some trials reached no optimum (counted in its warning).
    if done.returncode not in (0, 3):
        tail = "\n".join(err.strip().split("\n")[-5:])
        sys.exit(f"report_blocks: block {ident} failed (exit {done.returncode}):\n{tail}")
    # A block's σ panels computed together announce their trials once ("σ panels sharing"), and each
    # panel's run then finds them cached: count instances from the runs, computed trials from both.
    counts = re.findall(r"(σ panels sharing[^\n]*?)?([0-9,]+) instances, (?:([0-9,]+) to compute|all cached)", err)
    instances = sum(int(a.replace(",", "")) for shared, a, _ in counts if not shared)
    computed = sum(int(b.replace(",", "")) for _, _, b in counts if b)
    user = float(re.search(r"User time \(seconds\): ([0-9.]+)", err).group(1))
    system = float(re.search(r"System time \(seconds\): ([0-9.]+)", err).group(1))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): ([0-9]+)", err).group(1))
    # The run's own estimate, printed before it starts (the report's line, which covers every block run).
    estimate = re.search(r"at scale \S+: [^\n]*?estimated ([^\n]*?)(?: from an empty cache)?$", err, re.M)
    return instances, computed, wall, user + system, peak, estimate.group(1) if estimate else "—"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("template")
    parser.add_argument("--scale", default="paper")
    parser.add_argument("--cache", required=True, help="cache folder shared by the blocks")
    parser.add_argument("--until", help="stop at the first block under a top-level heading with this title")
    parser.add_argument("--neurec", default=".build/release/neurec")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip", default="", help="comma-separated block ids not to run (listed as skipped)")
    args = parser.parse_args()
    with open(args.template) as f:
        front, blocks = split_template(f.read())
    if args.until:
        cut = next((k for k, b in enumerate(blocks) if b[2] == args.until), len(blocks))
        blocks = blocks[:cut]
    print("| block | instances (computed) | wall | CPU | peak RSS | estimate |")
    print("| --- | --- | --- | --- | --- | --- |")
    total_wall = total_cpu = 0.0
    total_instances = total_computed = peak_all = 0
    with tempfile.TemporaryDirectory() as folder:
        skipped = set(filter(None, args.skip.split(",")))
        for ident, body, _ in blocks:
            if ident in skipped:
                print(f"| {ident} | skipped | | | | |", flush=True)
                continue
            instances, computed, wall, cpu, peak, estimate = run_block(args.neurec, front, ident, body, args, folder)
            total_wall += wall
            total_cpu += cpu
            total_instances += instances
            total_computed += computed
            peak_all = max(peak_all, peak)
            print(f"| {ident} | {instances:,} ({computed:,}) | {wall:.0f} s | {cpu:.0f} s | {peak / 1024:.0f} MB | {estimate} |", flush=True)
    print(f"| all {len(blocks) - len(skipped & {b[0] for b in blocks})} run | {total_instances:,} ({total_computed:,}) | {total_wall:.0f} s ({total_wall / 60:.1f} min) | "
          f"{total_cpu:.0f} s | {peak_all / 1024:.0f} MB | |")


if __name__ == "__main__":
    main()
