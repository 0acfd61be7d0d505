"""benchmarks/load/summary.py, which judges a load run's figures against issue 15's goals (fast)."""

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks" / "load"))
import summary  # noqa: E402  (benchmarks/load/summary.py)

COLUMNS = ["Type", "Name", "Request Count", "Failure Count", "50%", "95%", "Requests/s"]


def write_stats(tmp_path, rows):
    prefix = tmp_path / "locust"
    with open(f"{prefix}_stats.csv", "w", encoding="utf-8", newline="") as stats_file:
        writer = csv.writer(stats_file)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    with open(f"{prefix}_exceptions.csv", "w", encoding="utf-8", newline="") as exceptions_file:
        csv.writer(exceptions_file).writerow(["Count", "Message", "Traceback", "Nodes"])
    return prefix


def test_goals_errors_and_logins(tmp_path):
    prefix = write_stats(
        tmp_path,
        [
            ["POST", "consultant: create opportunity", "40", "0", "150", "1200", "2.5"],
            ["POST", "consultant: my follow-ups today", "90", "0", "20", "300", "6.0"],
            ["POST", "manager: inspect yesterday", "8", "0", "200", "1900", "0.5"],
            ["POST", "manager: instruction", "8", "0", "200", "5000", "0.5"],
            ["POST", "login", "0", "0", "N/A", "N/A", "0"],
            ["", "Aggregated", "146", "0", "40", "900", "9.5"],
        ],
    )
    clients = {
        "writes": [],
        "errors": [{"kind": "user"}, {"kind": "server"}, {"kind": "server"}],
        "logins": [1.0, 2.0, 3.0, 4.0],
        "measured_from": 1796600000.0,
    }
    result = summary.figures(prefix, clients)
    assert "login" not in result["actions"], "the logins, all before the measure, are not an action"
    assert result["actions"]["consultant: create opportunity"]["goal_met"] is False  # 1.2 s > 1 s
    assert result["actions"]["consultant: my follow-ups today"]["goal_met"] is True
    assert result["actions"]["manager: inspect yesterday"]["goal_met"] is True  # 1.9 s < 2 s
    assert result["actions"]["manager: instruction"]["goal_met"] is None, "no goal for a manager's write"
    assert result["goals_met"] is False
    assert result["errors"] == {"user": 1, "server": 2}
    assert result["logins"] == {"count": 4, "p50_ms": 2500, "p95_ms": 4000}
    assert (result["total"]["requests"], result["total"]["rps"]) == (146, 9.5)


def test_all_goals_met(tmp_path):
    prefix = write_stats(
        tmp_path,
        [
            ["POST", "consultant: visit card", "40", "0", "60", "999", "2.5"],
            ["POST", "manager: team follow-ups", "8", "0", "100", "1999", "0.5"],
            ["POST", "finance: statement PDF", "2", "0", "1800", "4000", "0.1"],
            ["", "Aggregated", "50", "0", "70", "1500", "3.1"],
        ],
    )
    result = summary.figures(prefix, {"writes": [], "errors": [], "logins": []})
    assert result["goals_met"] is True, "the statement PDF has no goal"
    assert result["errors"] == {}
    assert result["logins"]["count"] == 0
