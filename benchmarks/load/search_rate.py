#!/usr/bin/env python3
"""The highest request rate a showroom group's busy hour holds, on one node and on two.

    benchmarks/load/search_rate.py [--nodes 1,2] [--paces 1,1.5,2,3,4] [--time 90]
                                   [--users 80,10,5,2]

For each node count, runs ``benchmarks/load/run`` without faults at each pace in turn
(the same users, each waiting ``pace`` times less between actions, so the hour gets
busier) and stops at the first pace the server does not hold. A pace is *held* when
the run's invariants hold, no client got any error (user, session or server) over the
whole run, and every p95 goal of issue 15 is met over the busy hour (consultant
actions under 1 s, the managers' reports under 2 s; ``summary.py``).

Prints a Markdown table (one line per run: requests a second, errors, p95 of all,
the slowest consultant action and manager report at p95, held or why not), the
highest rate held per node count, and whether two nodes held at least one node's
rate; writes it to ``.local/load/search/search-NODES-PACES.md`` (and ``.json``). Each run
takes about 2½ minutes at 97 users; every run is bounded (``benchmarks/load/run``).
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from summary import MANAGER_REPORTS

LOAD_DIR = Path(__file__).resolve().parent
REPO_DIR = LOAD_DIR.parent.parent
OUT_DIR = REPO_DIR / ".local" / "load" / "search"


def run(nodes, pace, seconds, users):
    """One run of ``benchmarks/load/run``: its row of the table (a dict)."""
    command = [str(LOAD_DIR / "run"), "--nodes", str(nodes), "--faults", "", "--pace", pace,
               "--time", str(seconds), "--users", users]
    print(f"search: {nodes} node(s), pace {pace}: {' '.join(command)}", flush=True)
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    log = OUT_DIR / f"run-{nodes}n-pace{pace}.log"
    log.write_text(process.stdout + process.stderr, encoding="utf-8")
    found = re.search(r"Report: (\S+)/report\.html", process.stdout + process.stderr)
    row = {"nodes": nodes, "pace": pace, "log": str(log), "exit": process.returncode}
    summary_path = found and Path(found.group(1)) / "summary.json"
    if not summary_path or not summary_path.exists():
        return dict(row, held=False, why=f"the run did not finish (exit {process.returncode}; {log})")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    actions = summary["actions"]
    consultant = max((name for name in actions if name.startswith("consultant: ")),
                     key=lambda name: actions[name]["p95_ms"], default=None)
    manager = max((name for name in actions if name in MANAGER_REPORTS),
                  key=lambda name: actions[name]["p95_ms"], default=None)
    locust_log = (summary_path.parent / "locust.log").read_text(encoding="utf-8")
    why = []
    if process.returncode:
        why.append(f"invariants or summary failed (exit {process.returncode})")
    if summary["errors"]:
        why.append("errors: " + ", ".join(f"{count} {kind}" for kind, count in sorted(summary["errors"].items())))
    if not summary["goals_met"]:
        missed = [name for name, figure in actions.items() if figure["goal_met"] is False]
        why.append("p95 goal missed: " + ", ".join(sorted(missed)))
    return dict(
        row,
        rps=summary["total"]["rps"],
        requests=summary["total"]["requests"],
        errors=sum(summary["errors"].values()),
        p95_ms=summary["total"]["p95_ms"],
        consultant=consultant and (consultant, actions[consultant]["p95_ms"]),
        manager=manager and (manager, actions[manager]["p95_ms"]),
        locust_cpu_warning="CPU usage above" in locust_log,
        held=not why,
        why="; ".join(why),
        report=str(summary_path.parent / "report.html"),
    )


def table(rows):
    """The Markdown table of the runs."""
    lines = [
        "| nodes | pace | req/s | requests | errors | p95 all | slowest consultant action (p95) "
        "| slowest manager report (p95) | held |",
        "|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        if "rps" not in row:
            lines.append(f"| {row['nodes']} | {row['pace']} | | | | | | | no: {row['why']} |")
            continue
        consultant = row["consultant"] and f"{row['consultant'][0]}: {row['consultant'][1]:.0f} ms"
        manager = row["manager"] and f"{row['manager'][0]}: {row['manager'][1]:.0f} ms"
        held = "yes" if row["held"] else f"no: {row['why']}"
        if row["locust_cpu_warning"]:
            held += " (Locust's own CPU above 90%)"
        lines.append(
            f"| {row['nodes']} | {row['pace']} | {row['rps']:.1f} | {row['requests']} | {row['errors']} "
            f"| {row['p95_ms']:.0f} ms | {consultant or '-'} | {manager or '-'} | {held} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", default="1,2", help="node counts, comma-separated (default 1,2)")
    parser.add_argument("--paces", default="1,1.5,2,3,4", help="paces in rising order (default 1,1.5,2,3,4)")
    parser.add_argument("--time", type=int, default=90, help="seconds of each run (default 90)")
    parser.add_argument("--users", default="80,10,5,2", help="consultants,telemarketing,managers,finance")
    args = parser.parse_args()
    rows, best = [], {}
    for nodes in [int(n) for n in args.nodes.split(",")]:
        for pace in args.paces.split(","):
            row = run(nodes, pace, args.time, args.users)
            rows.append(row)
            print(table([row]).splitlines()[-1], flush=True)
            if not row["held"]:
                break  # a busier pace would not hold either
            best[nodes] = row
    lines = [f"### Highest rate held, {args.users} users, {args.time} s a run\n", table(rows), ""]
    for nodes in sorted({row["nodes"] for row in rows}):
        held = best.get(nodes)
        lines.append(
            f"- {nodes} node(s): " + (f"**{held['rps']:.1f} requests a second** held (pace {held['pace']})"
                                      if held else "no pace held")
        )
    if 1 in best and 2 in best:
        verdict = "at least" if best[2]["rps"] >= best[1]["rps"] else "**less than**"
        lines.append(f"- two nodes held {verdict} one node's rate ({best[2]['rps']:.1f} vs {best[1]['rps']:.1f})")
    text = "\n".join(lines)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    name = f"search-{args.nodes.replace(',', '_')}n-pace{args.paces.replace(',', '_')}"
    (OUT_DIR / f"{name}.md").write_text(text + "\n", encoding="utf-8")
    (OUT_DIR / f"{name}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
