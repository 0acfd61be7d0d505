"""The figures of a load run, from Locust's CSV statistics (``--csv PREFIX``).

    summary.py PREFIX [--title TITLE]

Prints a Markdown table: per action, requests, failures, p50 and p95 latency (ms)
and requests per second, then the whole run's line, and the exceptions raised in
the clients themselves (``PREFIX_exceptions.csv``). Exits 1 when a client raised
one or no request was made: then the run proves nothing.
"""

import argparse
import csv
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefix", help="Locust's --csv prefix (PREFIX_stats.csv is read)")
    parser.add_argument("--title", default="load run")
    args = parser.parse_args()
    with open(f"{args.prefix}_stats.csv", encoding="utf-8") as stats_file:
        rows = list(csv.DictReader(stats_file))
    print(f"### {args.title}\n")
    print("| action | requests | failures | p50 ms | p95 ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in sorted(rows, key=lambda row: (row["Name"] == "Aggregated", row["Name"])):
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} "
            f"| {float(row['Requests/s']):.2f} |"
        )
    with open(f"{args.prefix}_exceptions.csv", encoding="utf-8") as exceptions_file:
        exceptions = list(csv.DictReader(exceptions_file))
    for row in exceptions:
        print(f"\nclient exception ({row['Count']}×): {row['Message']}")
    total = sum(int(row["Request Count"]) for row in rows if row["Name"] == "Aggregated")
    return 1 if exceptions or not total else 0


if __name__ == "__main__":
    sys.exit(main())
