"""The figures of a load run, from Locust's CSV statistics (``--csv PREFIX``).

    summary.py PREFIX --clients CLIENTS.json [--title TITLE] [--json OUT.json]

Prints a Markdown table: per action, requests, failures, p50 and p95 latency (ms)
and requests per second over the busy hour (Locust's statistics are reset once
every user has logged in, see ``locustfile.py``), then the whole measure's line;
then, from the clients' account, the logins (count, p50, p95) and the errors of the
whole run by kind; then the goals of issue 15 against the p95s:

* every consultant action (``consultant: …``) under 1 s;
* the managers' reports (Team Follow-ups, inspecting yesterday) under 2 s.

``--json`` writes the same figures for ``search_rate.py``. Exits 1 when a client
raised an exception or no request was measured: then the run proves nothing.
"""

import argparse
import csv
import json
import statistics
import sys

CONSULTANT_P95_MS = 1000
MANAGER_REPORT_P95_MS = 2000
MANAGER_REPORTS = ("manager: team follow-ups", "manager: inspect yesterday")


def goal_of(action):
    """The p95 goal (ms) of an action, or None when the issue sets none."""
    if action.startswith("consultant: "):
        return CONSULTANT_P95_MS
    if action in MANAGER_REPORTS:
        return MANAGER_REPORT_P95_MS
    return None


def percentile(values, fraction):
    """The ``fraction`` quantile of ``values`` (nearest rank), None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def figures(prefix, clients):
    """The run's figures: per action and overall (Locust), logins and errors (account)."""
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats_file:
        rows = list(csv.DictReader(stats_file))
    with open(f"{prefix}_exceptions.csv", encoding="utf-8") as exceptions_file:
        exceptions = [f"{row['Count']}×: {row['Message']}" for row in csv.DictReader(exceptions_file)]
    actions = {}
    total = None
    for row in rows:
        if not int(row["Request Count"]):
            continue  # the logins, all before the measure
        figure = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "rps": float(row["Requests/s"]),
        }
        if row["Name"] == "Aggregated":
            total = figure
        else:
            goal = goal_of(row["Name"])
            figure["goal_ms"] = goal
            figure["goal_met"] = None if goal is None else figure["p95_ms"] < goal
            actions[row["Name"]] = figure
    errors = {}
    for error in clients["errors"]:
        errors[error["kind"]] = errors.get(error["kind"], 0) + 1
    logins = clients.get("logins", [])
    return {
        "actions": actions,
        "total": total,
        "exceptions": exceptions,
        "errors": errors,
        "logins": {
            "count": len(logins),
            "p50_ms": round(statistics.median(logins) * 1000) if logins else None,
            "p95_ms": round(percentile(logins, 0.95) * 1000) if logins else None,
        },
        "measured_from": clients.get("measured_from"),
        "goals_met": all(figure["goal_met"] is not False for figure in actions.values()),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefix", help="Locust's --csv prefix (PREFIX_stats.csv is read)")
    parser.add_argument("--clients", required=True, help="the clients' account (locustfile.py's LOAD_OUT)")
    parser.add_argument("--title", default="load run")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    with open(args.clients, encoding="utf-8") as clients_file:
        result = figures(args.prefix, json.load(clients_file))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(result, out, indent=1)
    print(f"### {args.title}\n")
    if not result["measured_from"]:
        print("Not every user logged in: the figures include the logins.\n")
    print("| action | requests | failures | p50 ms | p95 ms | req/s | p95 goal |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, figure in sorted(result["actions"].items()):
        goal = ""
        if figure["goal_ms"] is not None:
            goal = f"< {figure['goal_ms']:.0f} ms: {'met' if figure['goal_met'] else '**not met**'}"
        print(
            f"| {name} | {figure['requests']} | {figure['failures']} | {figure['p50_ms']:.0f} | {figure['p95_ms']:.0f} "
            f"| {figure['rps']:.2f} | {goal} |"
        )
    total = result["total"]
    if total:
        print(
            f"| **all** | {total['requests']} | {total['failures']} | {total['p50_ms']:.0f} | {total['p95_ms']:.0f} "
            f"| {total['rps']:.2f} | {'all met' if result['goals_met'] else '**not met**'} |"
        )
    logins = result["logins"]
    print(f"\nLogins (before the measure): {logins['count']}, p50 {logins['p50_ms']} ms, p95 {logins['p95_ms']} ms.")
    errors = ", ".join(f"{count} {kind}" for kind, count in sorted(result["errors"].items())) or "none"
    print(f"Errors over the whole run (clients' account): {errors}.")
    for exception in result["exceptions"]:
        print(f"\nclient exception ({exception})")
    return 1 if result["exceptions"] or not total or not total["requests"] else 0


if __name__ == "__main__":
    sys.exit(main())
