"""A showroom group's busy hour, over Odoo's JSON-RPC (Locust scenario).

Driven by ``benchmarks/load/run``; the environment names the nodes and the users:

* ``LOAD_HOSTS``: the nodes' base URLs, comma-separated; users are spread over them
  in turn;
* ``LOAD_PACE``: the users' waits between actions divided by it (1 by default);
* ``LOAD_DB``: the database; ``LOAD_REFS``: the ids written by ``seed.py``;
* ``LOAD_CONSULTANTS``, ``LOAD_TELEMARKETING``, ``LOAD_MANAGERS``, ``LOAD_FINANCE``:
  how many users of each role (logins ``loadc01``…, password = login);
* ``LOAD_OUT``: where the clients' account goes at the end (JSON): every write a
  client says it made (model, id), every error (time, action, kind, exception) and
  every login's duration (s), and when the busy hour's measure began.

Locust's statistics are reset once every user has logged in (or given up): the
figures are the busy hour's, not the morning's logins, which hash every password at
once and share the cores with the first actions; ``summary.py`` reports the logins
apart, from the account. The account's errors cover the whole run.

An error is a *user error* when Odoo answered with one of its business exceptions
(``UserError``, ``ValidationError``, ``AccessError``…): the user was told clearly;
a *session* error when Odoo said the session expired (the user logs in again, as
the web client sends them to the login page); any other exception or HTTP status
(0: no answer) is a *server error*. All are Locust failures. A user whose login
fails tries again (5 times at most, 5 s apart), and stops if it never succeeds.
"""

import itertools
import json
import os
import random
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task
from locust.exception import StopUser

HOSTS = os.environ.get("LOAD_HOSTS", "http://127.0.0.1:8169").split(",")
DB = os.environ.get("LOAD_DB", "crm_showroom_load")
with open(os.environ.get("LOAD_REFS", ".local/load/refs.json"), encoding="utf-8") as _refs_file:
    REFS = json.load(_refs_file)
USER_ERRORS = {
    f"odoo.exceptions.{name}"
    for name in ("UserError", "ValidationError", "AccessError", "MissingError", "RedirectWarning", "AccessDenied")
}
SESSION_EXPIRED = "odoo.http.SessionExpiredException"
FEEDBACKS = ["想等春节促销再定", "颜色没有现货, 下周再来看车", "和家人商量, 周末试驾", "比较了另一家的报价"]

# LOAD_PACE: how much busier the hour is; every user's wait between two actions is
# divided by it (1: 1–3 s for a consultant)
PACE = float(os.environ.get("LOAD_PACE", "1"))


def paced(low, high):
    """A user's wait between actions: ``low`` to ``high`` seconds at pace 1."""
    return between(low / PACE, high / PACE)


_host_turn = itertools.count()
_logins = {prefix: itertools.count(1) for prefix in ("loadc", "loadt", "loadm", "loadf")}
_rpc_ids = itertools.count(1)
ACCOUNT = {"writes": [], "errors": [], "logins": [], "measured_from": None}
ROLES = ("CONSULTANTS", "TELEMARKETING", "MANAGERS", "FINANCE")
USERS = sum(int(os.environ.get(f"LOAD_{role}", "0")) for role in ROLES)
_started = itertools.count(1)


@events.test_stop.add_listener
def _write_account(**_kwargs):
    """The clients' account, for check_invariants.py."""
    with open(os.environ.get("LOAD_OUT", ".local/load/clients.json"), "w", encoding="utf-8") as out:
        json.dump(ACCOUNT, out)


class OdooUser(HttpUser):
    """A showroom user on one node: logs in, then calls Odoo as the web client does."""

    abstract = True
    prefix = ""
    wait_time = paced(1, 3)

    def __init__(self, environment):
        self.host = HOSTS[next(_host_turn) % len(HOSTS)]
        super().__init__(environment)
        # one request per connection, as from the proxy in front of a prefork Odoo
        # (nginx speaks HTTP/1.0 upstream): a prefork worker drops a kept-alive
        # connection idle for 2 s, and a request sent on it then gets no answer
        self.client.headers["Connection"] = "close"
        self.login = f"{self.prefix}{next(_logins[self.prefix]):02d}"
        self.uid = None
        self.odoo_context = {}

    def on_start(self):
        try:
            self.log_in()
        finally:
            if next(_started) == USERS:
                # the last user is in: the busy hour's measure begins
                self.environment.stats.reset_all()
                ACCOUNT["measured_from"] = time.time()

    def log_in(self):
        """Logs in (5 attempts, 5 s apart); stops the user if every one fails."""
        for _attempt in range(5):
            credentials = {"db": DB, "login": self.login, "password": self.login}
            start = time.perf_counter()
            result = self.rpc("login", "/web/session/authenticate", credentials)
            ACCOUNT["logins"].append(time.perf_counter() - start)
            if result:
                self.uid = result["uid"]
                self.odoo_context = dict(result["user_context"], allowed_company_ids=[REFS["company_id"]])
                return
            time.sleep(5)
        raise StopUser()

    # ------------------------------------------------------------
    # JSON-RPC
    # ------------------------------------------------------------

    def rpc(self, action, path, params):
        """POSTs a JSON-RPC call; its result, or None after recording the error."""
        payload = {"jsonrpc": "2.0", "method": "call", "id": next(_rpc_ids), "params": params}
        with self.client.post(path, json=payload, name=action, catch_response=True) as response:
            if response.status_code != 200:
                # 0: no answer; the exception says why (refused, reset, timed out)
                why = f" {response.error!r}"[:200] if response.status_code == 0 else ""
                return self._error(response, action, "server", f"HTTP {response.status_code}{why}")
            try:
                body = response.json()
            except ValueError:
                return self._error(response, action, "server", "not JSON")
            if "error" in body:
                data = body["error"].get("data") or {}
                name = data.get("name") or body["error"].get("message", "")
                kind = "user" if name in USER_ERRORS else "session" if name == SESSION_EXPIRED else "server"
                self._error(response, action, kind, f"{name}: {str(data.get('message', ''))[:200]}")
                if kind == "session" and action != "login":
                    self.log_in()
                return None
            response.success()
            return body.get("result")

    def _error(self, response, action, kind, detail):
        ACCOUNT["errors"].append(
            {"time": time.time(), "action": action, "kind": kind, "login": self.login, "detail": detail}
        )
        response.failure(f"{kind} error: {detail}")

    def call(self, action, model, method, args, **kwargs):
        """``model.method(*args, **kwargs)`` through /web/dataset/call_kw, in the user's context."""
        kwargs["context"] = dict(self.odoo_context, **kwargs.get("context", {}))
        return self.rpc(
            action,
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def wrote(self, action, model, record_id, **extra):
        """Records a write the server confirmed."""
        ACCOUNT["writes"].append({"action": action, "model": model, "id": record_id, "login": self.login, **extra})

    def mark_done(self, action, activity, **values):
        """Marks a follow-up done through the feedback dialog (``showroom.followup.done``)."""
        wizard_id = self.call(
            f"{action} (dialog)",
            "showroom.followup.done",
            "create",
            [
                {
                    "activity_id": activity["id"],
                    "reason_ids": [(6, 0, random.sample(REFS["reason_ids"], 1))],
                    "feedback": random.choice(FEEDBACKS),
                    **values,
                }
            ],
        )
        if wizard_id and self.call(action, "showroom.followup.done", "action_done", [wizard_id]) is not None:
            self.wrote(action, "mail.activity", activity["id"], res_id=activity["res_id"])


class Consultant(OdooUser):
    """A consultant: My Follow-ups Today, opportunities, feedback, new opportunities, visit cards."""

    prefix = "loadc"
    fixed_count = int(os.environ.get("LOAD_CONSULTANTS", "0"))

    @task(4)
    def my_followups_today(self):
        self.call(
            "consultant: my follow-ups today",
            "crm.lead",
            "search_read",
            [[("showroom_my_followup_due", "=", True)]],
            fields=["name", "partner_name", "showroom_grade_id", "activity_date_deadline", "stage_id"],
            limit=80,
        )

    @task(3)
    def open_opportunity(self):
        leads = self.call(
            "consultant: my pipeline",
            "crm.lead",
            "search_read",
            [[("type", "=", "opportunity"), ("user_id", "=", self.uid)]],
            fields=["name"],
            limit=40,
        )
        if leads:
            lead = random.choice(leads)
            self.call(
                "consultant: open opportunity",
                "crm.lead",
                "web_read",
                [[lead["id"]]],
                specification={
                    name: {}
                    for name in ("name", "contact_name", "mobile", "showroom_grade_id", "showroom_channel_id",
                                 "stage_id", "expected_revenue", "activity_date_deadline", "city_id", "street")
                },
            )

    @task(2)
    def mark_followup_done(self):
        activities = self.call(
            "consultant: open follow-ups",
            "mail.activity",
            "search_read",
            [[("res_model", "=", "crm.lead"), ("user_id", "=", self.uid), ("is_showroom_followup", "=", True)]],
            fields=["res_model", "res_id", "date_deadline"],
            order="date_deadline, id",
            limit=5,
        )
        if activities:
            self.mark_done("consultant: follow-up done", activities[0])

    @task(1)
    def create_opportunity(self):
        suffix = random.randrange(10**8)
        values = {
            "name": f"{self.login} 新客户 {suffix}",
            "type": "opportunity",
            "team_id": REFS["team_id"],
            "user_id": self.uid,
            "contact_name": f"客户 {suffix}",
            "mobile": f"138{suffix:08d}",
            "showroom_grade_id": random.choice(REFS["grade_ids"]),
            "showroom_channel_id": REFS["channel_id"],
            "showroom_purchase_type": "first",
            "showroom_customer_kind": "person",
            "country_id": REFS["country_id"],
            "state_id": REFS["state_id"],
            "city_id": REFS["city_id"],
            "street": "中山路 88 号",
        }
        lead_id = self.call("consultant: create opportunity", "crm.lead", "create", [values])
        if lead_id:
            self.wrote("consultant: create opportunity", "crm.lead", lead_id)

    @task(1)
    def log_visit(self):
        suffix = random.randrange(10**8)
        visit_id = self.call(
            "consultant: visit card",
            "showroom.visit",
            "create",
            [{"partner_name": f"来访 {suffix}", "mobile": f"137{suffix:08d}", "party_size": 2, "user_id": self.uid}],
        )
        if visit_id:
            self.wrote("consultant: visit card", "showroom.visit", visit_id)


class Telemarketing(OdooUser):
    """Telemarketing: works the call queue and records mileage readings of their own
    past buyers' cars (``seed.py``)."""

    prefix = "loadt"
    fixed_count = int(os.environ.get("LOAD_TELEMARKETING", "0"))

    @task(3)
    def call_queue(self):
        self.call(
            "telemarketing: call queue",
            "showroom.milestone.call",
            "search_read",
            [[("state", "=", "open")]],
            fields=["vehicle_id", "milestone_id", "partner_id", "partner_mobile", "vehicle_km", "date_open"],
            limit=80,
        )

    @task(1)
    def work_call(self):
        activities = self.call(
            "telemarketing: my calls",
            "mail.activity",
            "search_read",
            [[("res_model", "=", "showroom.milestone.call"), ("user_id", "=", self.uid)]],
            fields=["res_model", "res_id"],
            limit=1,
        )
        if activities:
            self.mark_done("telemarketing: call done", activities[0], call_outcome="serviced")

    @task(2)
    def record_reading(self):
        vehicles = self.call(
            "telemarketing: vehicles",
            "showroom.vehicle",
            "search_read",
            [[("id", "in", REFS["vehicle_ids"][self.login])]],
            fields=["odometer"],
        )
        if vehicles:
            vehicle = random.choice(vehicles)
            km = vehicle["odometer"] + random.randrange(0, 30)
            reading_id = self.call(
                "telemarketing: mileage reading",
                "showroom.odometer",
                "create",
                [{"vehicle_id": vehicle["id"], "km": km, "source": "call"}],
            )
            if reading_id:
                self.wrote("telemarketing: mileage reading", "showroom.odometer", reading_id)


class Manager(OdooUser):
    """A manager: Team Follow-ups, instructions on done follow-ups, inspecting yesterday."""

    prefix = "loadm"
    fixed_count = int(os.environ.get("LOAD_MANAGERS", "0"))
    wait_time = paced(2, 5)

    @task(3)
    def team_followups(self):
        self.call(
            "manager: team follow-ups",
            "showroom.followup.dashboard",
            "read_group",
            [[], ["today_count:sum", "overdue_count:sum", "missing_count:sum"], ["user_id"]],
            lazy=False,
        )

    @task(1)
    def write_instruction(self):
        done = self.call(
            "manager: follow-ups to review",
            "mail.activity",
            "search_read",
            [[("active", "=", False), ("is_showroom_followup", "=", True), ("res_model", "=", "crm.lead"),
              ("showroom_reviewed", "=", False)]],
            fields=["res_id"],
            order="date_done desc, id desc",
            limit=10,
            context={"active_test": False},
        )
        if done:
            activity = random.choice(done)
            wizard_id = self.call(
                "manager: instruction (dialog)",
                "showroom.followup.instruction",
                "create",
                [{"activity_id": activity["id"], "instruction": "下次带上试驾车型的报价单"}],
            )
            if wizard_id and self.call("manager: instruction", "showroom.followup.instruction", "action_save",
                                       [wizard_id]) is not None:
                self.wrote("manager: instruction", "mail.activity", activity["id"])

    @task(1)
    def inspect_yesterday(self):
        yesterday = datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)
        self.call("manager: inspect yesterday", "showroom.inspection", "inspect_day", [yesterday.isoformat()])


class Finance(OdooUser):
    """Finance: the receivables report and a customer statement (PDF)."""

    prefix = "loadf"
    fixed_count = int(os.environ.get("LOAD_FINANCE", "0"))
    wait_time = paced(3, 8)

    @task(3)
    def receivables(self):
        rows = self.call(
            "finance: receivables",
            "showroom.receivable.report",
            "search_read",
            [[]],
            fields=["partner_id", "amount_due", "amount_overdue", "overdue_days"],
            limit=80,
        )
        self.partner_ids = [row["partner_id"][0] for row in rows or () if row["partner_id"]]

    @task(1)
    def statement(self):
        partner_ids = getattr(self, "partner_ids", None)
        if not partner_ids:
            return
        url = f"/report/pdf/crm_showroom.report_showroom_statement/{random.choice(partner_ids)}"
        with self.client.get(url, name="finance: statement PDF", catch_response=True) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                self._error(response, "finance: statement PDF", "server", f"HTTP {response.status_code}, not a PDF")
