"""HTTP smoke test: the server starts on a demo database, the demo users log in, a
consultant reads only their own or unassigned leads through JSON-RPC, the CRM
pages of the web client load, and every showroom screen opens in Chromium
(scripts/screens)."""

import http.cookiejar
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from odoo_runner import MODULE, REPO, odoo_log

START_TIMEOUT = 180  # seconds for the server to answer /web/health
# password = login
LOGINS = ("admin", "manager", "consultant1", "consultant2", "consultant3", "telemarketing", "finance")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect (to /web/login) is an answer to check, not to follow


class Client:
    """One browser session on the server."""

    def __init__(self, url, db):
        self.url, self.db = url, db
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def get(self, path):
        try:
            with self.opener.open(self.url + path, timeout=120) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def jsonrpc(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}).encode()
        request = urllib.request.Request(self.url + path, body, {"Content-Type": "application/json"})
        with self.opener.open(request, timeout=120) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            data = answer["error"].get("data") or {}
            raise RpcError(f"{path}: {data.get('name')}: {data.get('message') or answer['error']}")
        return answer["result"]

    def authenticate(self, login, password):
        try:
            return self.jsonrpc("/web/session/authenticate", {"db": self.db, "login": login, "password": password})
        except RpcError as error:
            failure = f"{login}/{password} cannot log in ({error})"
        pytest.fail(
            f"{failure}: scripts/run prints this demo login, so {MODULE}'s demo data must create this user "
            "with this password",
            pytrace=False,
        )

    def call_kw(self, model, method, args, kwargs):
        return self.jsonrpc(
            f"/web/dataset/call_kw/{model}/{method}", {"model": model, "method": method, "args": args, "kwargs": kwargs}
        )


class RpcError(Exception):
    pass


@pytest.fixture(scope="module")
def server(odoo, demo_template):
    """odoo-bin serving a copy of the demo database on a free port; stopped at the end,
    when its log must hold no ERROR line."""
    db = odoo.copy_db(demo_template, "http")
    port = free_port()
    process, log_path = odoo.start(
        "-d", db, f"--db-filter=^{db}$", "--http-interface=127.0.0.1", f"--http-port={port}",
        "--workers=0", "--max-cron-threads=0", name="http-server",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"odoo-bin exited with status {process.returncode} at start (log: {log_path})")
            try:
                with urllib.request.urlopen(url + "/web/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer {url}/web/health within {START_TIMEOUT}s (log: {log_path})")
            time.sleep(0.5)
        yield url, db
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    report = odoo_log.scan(log_path.read_text(errors="replace"))
    assert not report.bad_records, f"ERROR lines in the server log {log_path}:\n{report.excerpt()}"


@pytest.mark.slow
@pytest.mark.parametrize("login", LOGINS)
def test_demo_login(server, login):
    url, db = server
    session = Client(url, db).authenticate(login, login)
    assert session["uid"]


@pytest.mark.slow
def test_consultant_reads_own_or_unassigned_leads(server):
    url, db = server
    client = Client(url, db)
    uid = client.authenticate("consultant1", "consultant1")["uid"]
    leads = client.call_kw(
        "crm.lead", "search_read", [], {"fields": ["name", "showroom_grade_id", "user_id", "company_id"]}
    )
    assert leads, "consultant1 sees no lead in the demo database"
    foreign = [lead for lead in leads if lead["user_id"] and lead["user_id"][0] != uid]
    assert not foreign, f"consultant1 reads leads of other salespeople: {foreign[:5]}"
    # the demo users work in the showroom's company only: none of Odoo's furniture leads
    companies = {tuple(lead["company_id"] or ()) for lead in leads}
    assert len(companies) == 1 and () not in companies, f"consultant1 reads leads of several companies: {companies}"


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/odoo/crm", "/odoo/action-crm.crm_lead_action_pipeline"])
def test_crm_page_loads(server, path):
    url, db = server
    client = Client(url, db)
    client.authenticate("consultant1", "consultant1")
    status, body = client.get(path)
    assert status == 200, f"GET {path} answered {status}"
    assert "odoo.__session_info__" in body or "web.assets_web" in body, f"GET {path} is not the web client"


@pytest.mark.slow
def test_every_showroom_screen(server, tmp_path):
    """scripts/screens: the 11 showroom screens open as their roles, in English and
    Chinese, in headless Chromium, with no error dialog nor traceback toast."""
    url, db = server
    screens = REPO / "scripts" / "screens.py"
    done = subprocess.run(
        [sys.executable, str(screens), "--url", url, "--db", db, "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=1200, check=False,
    )
    assert done.returncode == 0, f"scripts/screens failed:\n{done.stdout}\n{done.stderr}"
    assert len(list(tmp_path.glob("*.png"))) == 22, done.stdout
