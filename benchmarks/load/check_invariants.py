"""The showroom's invariants, checked on the database after a load run.

    check_invariants.py --database DB [--clients clients.json] [--faults faults.jsonl]
                        [--crons-after EPOCH] [--log node.log …]

Connects with libpq's environment (``PGHOST``, ``PGUSER``: the private cluster that
``scripts/common.sh`` names) and checks, printing one line per check:

* every open showroom opportunity has an open follow-up (R4.1);
* no done showroom follow-up lacks its feedback (R4.3; the definition of the
  ``feedback_missing`` fine rule: text and reasons, closed-by-won/lost aside);
* each telemarketing queue entry (vehicle, milestone, renewal date), care SMS
  (customer, care day, date) and fine (rule, record, day) exists at most once, and
  the unique index that guarantees it is there;
* a vehicle's mileage readings never go down (corrections aside) (R6.1);
* every write a client reported (``--clients``, from the locustfile) is stored:
  the opportunity, visit card or reading exists, the follow-up is done with its
  feedback, the instruction is written;
* no server error (HTTP 500 or no answer, an exception other than Odoo's user
  errors) and no expired session outside the fault windows (``--faults``: one JSON object a line, ``name``, ``start``,
  ``end`` in epoch seconds, plus ``GRACE`` seconds); user errors and server errors
  inside a fault window are counted and listed, not failed;
* with ``--crons-after``: the sweep, milestone, care SMS and inspection crons all
  ran to the end after that moment (they resumed after the faults), with their
  progress records; a sweep run after an interrupted one took on only what was
  left (progress, not a restart from zero);
* the serialization failures Odoo retried, counted in the nodes' logs (``--log``):
  reported, never hidden, not a failure.

Exits 1 on any violation.
"""

import argparse
import collections
import json
import re
import sys

import psycopg2

GRACE = 20  # seconds after a fault during which its server errors are its own
# The SQL of each check: rows that violate it (the first column identifies them).
# The rule book's conditions are not written here again: ``rule_sql`` fills the
# placeholders with the SQL the addon builds from its one definition (the follow-up
# mixin's domains, and the ``feedback_missing`` fine rule's blank-text test).
CHECKS = {
    "every open showroom opportunity has an open follow-up": """
        SELECT l.id, l.name
          FROM crm_lead l
         WHERE {open_lead}
           AND NOT EXISTS (
                SELECT 1 FROM mail_activity a
                 WHERE a.res_model = 'crm.lead' AND a.res_id = l.id AND {open_followup})
    """,
    "no done showroom follow-up lacks feedback": """
        SELECT a.id, a.res_model, a.res_id
          FROM mail_activity a
          {governed}
           AND a.active IS NOT TRUE AND a.showroom_closed_reason IS NULL
           AND ({feedback_blank}
                OR NOT EXISTS (SELECT 1 FROM mail_activity_showroom_feedback_reason_rel r WHERE r.activity_id = a.id))
    """,
    "each queue entry at most once (vehicle, milestone, renewal date)": """
        SELECT vehicle_id, milestone_id, renewal_date, count(*)
          FROM showroom_milestone_call
         GROUP BY vehicle_id, milestone_id, renewal_date HAVING count(*) > 1
    """,
    "each care SMS at most once (customer, care day, date)": """
        SELECT partner_id, care_day_id, date, count(*)
          FROM showroom_care_sms GROUP BY partner_id, care_day_id, date HAVING count(*) > 1
    """,
    "each fine at most once (rule, record, day)": """
        SELECT rule_id, res_model, res_id, day, count(*)
          FROM showroom_fine WHERE correction_of_id IS NULL
         GROUP BY rule_id, res_model, res_id, day HAVING count(*) > 1
    """,
    "the unique indexes of queue entries, care SMS and fines exist": """
        SELECT name FROM (VALUES ('showroom_milestone_call_once_idx'),
                                 ('showroom_care_sms_partner_care_day_date_uniq'),
                                 ('showroom_fine_rule_record_day_uniq')) AS wanted (name)
         WHERE name NOT IN (SELECT indexname FROM pg_indexes)
    """,
    "a vehicle's mileage readings never go down (corrections aside)": """
        SELECT id, vehicle_id, km, previous_km
          FROM (SELECT id, vehicle_id, km, is_correction,
                       lag(km) OVER (PARTITION BY vehicle_id ORDER BY date, id) AS previous_km
                  FROM showroom_odometer) readings
         WHERE NOT is_correction AND km < previous_km
    """,
}
# What a reported write must have left, per action: SQL returning the ids stored.
STORED = {
    "consultant: create opportunity": "SELECT id FROM crm_lead WHERE id = ANY(%s)",
    "consultant: visit card": "SELECT id FROM showroom_visit WHERE id = ANY(%s)",
    "telemarketing: mileage reading": "SELECT id FROM showroom_odometer WHERE id = ANY(%s)",
    "consultant: follow-up done": """
        SELECT a.id FROM mail_activity a WHERE a.id = ANY(%s) AND a.active IS NOT TRUE AND NOT {feedback_blank}""",
    "telemarketing: call done": """
        SELECT a.id FROM mail_activity a WHERE a.id = ANY(%s) AND a.active IS NOT TRUE AND NOT {feedback_blank}""",
    "manager: instruction": "SELECT id FROM mail_activity WHERE id = ANY(%s) AND showroom_instruction IS NOT NULL",
}
CRONS = ("ir_cron_followup_sweep", "ir_cron_mileage_milestones", "ir_cron_care_sms", "ir_cron_daily_inspection")
SERIALIZATION = re.compile(r"could not serialize|SerializationFailure|serialization failure", re.IGNORECASE)
RETRY = re.compile(r"odoo\.service\.model: .*(tries left|try again|[Rr]etry)")


def rule_sql(database, addons_path):
    """The rule book's SQL, as the addon builds it from its one definition, by
    name: the placeholders of ``CHECKS`` and ``STORED``. Loads the database's Odoo
    registry (read only; libpq's environment names the server)."""
    import odoo  # noqa: PLC0415 - the virtualenv's Odoo, only for this
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    odoo.tools.config.parse_config([f"--addons-path={addons_path}", "--log-level=warn"])
    from odoo.addons.crm_showroom.tools.text import sql_is_blank  # noqa: PLC0415 - on the addons path now

    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        followup = env["showroom.followup.mixin"]
        # the fragments double "%" (they run with parameters): undone where a check has none
        return {
            "open_lead": followup._showroom_where_sql("crm.lead", env["crm.lead"]._showroom_open_domain(), "l"),
            "open_followup": followup._showroom_open_followup_sql("a"),
            "governed": followup._showroom_governed_followup_sql("a"),
            "feedback_blank": sql_is_blank("a.showroom_feedback"),
        }


class Report:
    """The checks' lines, and whether any failed."""

    def __init__(self):
        self.failed = False

    def check(self, name, violations, detail=""):
        """Prints one check: OK, or FAIL with its first violations."""
        self.failed |= bool(violations)
        status = "FAIL" if violations else "ok  "
        print(f"[{status}] {name}{': ' + detail if detail else ''}")
        for violation in list(violations)[:5]:
            print(f"         {violation}")

    @staticmethod
    def note(name, detail):
        """Prints a figure that is reported, not judged."""
        print(f"[info] {name}: {detail}")


def check_clients(cr, report, clients, faults, fragments):
    """The writes the clients reported are stored; no server error outside faults."""
    writes = collections.defaultdict(set)
    for write in clients["writes"]:
        writes[write["action"]].add(write["id"])
    for action, ids in sorted(writes.items()):
        if action not in STORED:
            report.check(f"writes of '{action}' are known to the checker", [action])
            continue
        cr.execute(STORED[action].format(**fragments), [sorted(ids)])
        missing = ids - {row[0] for row in cr.fetchall()}
        report.check(f"every '{action}' a client reported is stored", sorted(missing), f"{len(ids)} reported")

    def in_fault(error):
        """The latest fault whose window holds the error."""
        windows = [f for f in faults if f["start"] <= error["time"] <= f["end"] + GRACE]
        return max(windows, key=lambda f: f["start"])["name"] if windows else None

    counts = collections.Counter()
    outside = []
    for error in clients["errors"]:
        fault = in_fault(error)
        counts[(error["kind"], fault or "no fault")] += 1
        if error["kind"] != "user" and not fault:
            outside.append(f"{error['action']} ({error['login']}): {error['detail']}")
    report.check("no server error nor expired session outside the fault windows", outside, f"{len(outside)} errors")
    for (kind, fault), count in sorted(counts.items()):
        report.note(f"{kind} errors ({fault})", count)
    for error in clients["errors"][:10]:
        if error["kind"] == "user":
            report.note("user error", f"{error['action']} ({error['login']}): {error['detail']}")


def check_crons(cr, report, after):
    """The crons ran to the end after ``after`` (epoch seconds, when they were made
    due): they resumed after the faults. Their progress records since show whether a
    run after a kill went on from the batches committed or started again."""
    cr.execute(
        """
        SELECT d.name, c.lastcall, extract(epoch FROM c.lastcall AT TIME ZONE 'UTC'),
               (SELECT string_agg(format('%%s done/%%s left', p.done, p.remaining), ', ' ORDER BY p.id)
                  FROM ir_cron_progress p
                 WHERE p.cron_id = c.id AND p.create_date >= to_timestamp(%s) AT TIME ZONE 'UTC')
          FROM ir_model_data d JOIN ir_cron c ON c.id = d.res_id
         WHERE d.module = 'crm_showroom' AND d.model = 'ir.cron' AND d.name = ANY(%s)
         ORDER BY d.name
        """,
        [after, list(CRONS)],
    )
    rows = cr.fetchall()
    stale = [f"{name}: last run {lastcall}" for name, lastcall, epoch, _progress in rows if not epoch or epoch < after]
    report.check("the crons ran to the end after the faults", stale, f"{len(rows)} crons")
    for name, lastcall, _epoch, progress in rows:
        report.note(f"cron {name}", f"last run {lastcall} UTC; its runs since: {progress or 'none'}")
    # a run after an interrupted one takes on only what was left (its done + left is
    # at most the interrupted run's left): progress, not a restart from zero
    cr.execute(
        """
        SELECT p.done, p.remaining FROM ir_cron_progress p JOIN ir_model_data d ON d.res_id = p.cron_id
         WHERE d.module = 'crm_showroom' AND d.model = 'ir.cron' AND d.name = 'ir_cron_followup_sweep'
           AND p.create_date >= to_timestamp(%s) AT TIME ZONE 'UTC'
         ORDER BY p.id
        """,
        [after],
    )
    runs = cr.fetchall()
    restarted = [
        f"a run took on {later_done + later_left} after one that left {left}"
        for (_done, left), (later_done, later_left) in zip(runs, runs[1:], strict=False)
        if left and later_done + later_left > left
    ]
    report.check("the sweep went on from the batches committed", restarted, f"{len(runs)} runs")


def count_retries(report, logs):
    """Serialization failures and Odoo's retries, as the nodes logged them."""
    serialization = retries = 0
    for path in logs:
        with open(path, encoding="utf-8", errors="replace") as log:
            for line in log:
                serialization += bool(SERIALIZATION.search(line))
                retries += bool(RETRY.search(line))
    report.note("serialization failures logged", serialization)
    report.note("retries logged by odoo.service.model", retries)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--addons-path", required=True, help="Odoo's addons path, with crm_showroom")
    parser.add_argument("--clients", help="the clients' account (JSON) written by the locustfile")
    parser.add_argument("--faults", help="the faults done (JSON lines: name, start, end)")
    parser.add_argument("--crons-after", type=float, help="epoch seconds: the crons must have run since")
    parser.add_argument("--log", action="append", default=[], help="an Odoo node's log (repeatable)")
    args = parser.parse_args()

    report = Report()
    fragments = rule_sql(args.database, args.addons_path)
    with psycopg2.connect(dbname=args.database) as conn, conn.cursor() as cr:
        for name, query in CHECKS.items():
            cr.execute(query.format(**fragments), {})
            report.check(name, cr.fetchall())
        if args.clients:
            with open(args.clients, encoding="utf-8") as clients_file:
                clients = json.load(clients_file)
            faults = []
            if args.faults:
                with open(args.faults, encoding="utf-8") as faults_file:
                    faults = [json.loads(line) for line in faults_file if line.strip()]
            check_clients(cr, report, clients, faults, fragments)
        if args.crons_after:
            check_crons(cr, report, args.crons_after)
    count_retries(report, args.log)
    print("invariants: FAIL" if report.failed else "invariants: ok")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
