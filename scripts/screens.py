#!/usr/bin/env python3
"""A look at every showroom screen, as the role that works on it, in English and Chinese.

    scripts/screens [--url http://127.0.0.1:8069] [--db crm_showroom_demo] [--out .local/screens]
                    [--lang en_US,zh_CN] [--only NAME,NAME]

Against a running server with the demo (scripts/run): for each screen and language,
sets the role's language (as admin, restored at the end), logs in as the role over
JSON-RPC, opens the screen in headless Chromium (driven through the DevTools
protocol: the session cookie is set before the page loads), waits for the view to
load, and saves ``<out>/<screen>.<lang>.png``. A screen that does not load, or shows
an error dialog or a danger notification (a traceback toast), is reported with its
text; the exit status is 1 when any did.
"""

import argparse
import base64
import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import websocket

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PASSWORDS = {"admin": "admin"}  # the demo's other logins are their own password
LOAD_TIMEOUT = 120
READY_JS = """(() => {
    if (location.pathname.includes('/report/')) { return document.readyState === 'complete'; }  // /zh_CN/report/…
    const view = document.querySelector('.o_action_manager .o_view_controller, .o_action_manager .o_action');
    return Boolean(view) && !document.querySelector('.o_loading_indicator, .o_blockUI, .o_view_sample_data.o_loading');
})()"""
ERROR_JS = """(() => {
    const nodes = document.querySelectorAll(
        '.o_error_dialog, .o_dialog .o_error_detail, .o_notification.border-danger, .o_notification .text-danger'
    );
    return Array.from(nodes).map((node) => node.innerText.trim().slice(0, 500)).join('\\n---\\n');
})()"""


class Rpc:
    """A JSON-RPC session of one user."""

    def __init__(self, url, db, login):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.session = self.call("/web/session/authenticate", db=db, login=login, password=PASSWORDS.get(login, login))
        self.session_id = next(cookie.value for cookie in self.jar if cookie.name == "session_id")

    def call(self, path, **params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(self.url + path, body, {"Content-Type": "application/json"})
        with self.opener.open(request, timeout=LOAD_TIMEOUT) as response:
            answer = json.load(response)
        if answer.get("error"):
            raise RuntimeError(f"{path}: {answer['error']['data']['message']}")
        return answer["result"]

    def model(self, model, method, *args, **kwargs):
        return self.call("/web/dataset/call_kw", model=model, method=method, args=list(args), kwargs=kwargs)

    def first(self, model, domain, order="id desc"):
        ids = self.model(model, "search", domain, limit=1, order=order)
        if not ids:
            raise RuntimeError(f"no {model} matching {domain} for {self.session['username']}")
        return ids[0]


def action(xmlid, record=None):
    return f"/odoo/action-{xmlid}" + (f"/{record}" if record else "")


# (screen, role, path from the role's session): the showroom's 11 screens, each as
# the role that works on it.
SCREENS = [
    (
        "opportunity",
        "consultant1",
        lambda rpc: action(
            "crm.crm_lead_action_pipeline",
            rpc.first("crm.lead", [("type", "=", "opportunity"), ("user_id", "=", rpc.session["uid"])]),
        ),
    ),
    ("calling_list", "consultant1", lambda rpc: action("crm_showroom.crm_lead_action_my_followups_today")),
    ("visit_cards", "consultant1", lambda rpc: action("crm_showroom.showroom_visit_action")),
    ("team_followups", "manager", lambda rpc: action("crm_showroom.showroom_followup_dashboard_action")),
    (
        "inspection_sheet",
        "manager",
        lambda rpc: action(
            "crm_showroom.showroom_inspection_action", rpc.first("showroom.inspection", [("fine_ids", "!=", False)])
        ),
    ),
    ("call_queue", "telemarketing", lambda rpc: action("crm_showroom.showroom_milestone_call_action")),
    (
        "vehicle",
        "telemarketing",
        lambda rpc: action(
            "crm_showroom.showroom_vehicle_action",
            rpc.model("showroom.milestone.call", "search_read", [], ["vehicle_id"], limit=1)[0]["vehicle_id"][0],
        ),
    ),
    ("care_days", "telemarketing", lambda rpc: action("crm_showroom.showroom_care_day_action")),
    ("campaigns", "manager", lambda rpc: action("crm_showroom.showroom_campaign_action")),
    ("receivables", "finance", lambda rpc: action("crm_showroom.showroom_receivable_report_action")),
    (
        "statement",
        "finance",
        lambda rpc: "/report/html/crm_showroom.report_showroom_statement/"
        + str(rpc.model("showroom.receivable.report", "search_read", [], ["partner_id"], limit=1)[0]["partner_id"][0]),
    ),
]


class Browser:
    """Headless Chromium driven over the DevTools protocol."""

    def __init__(self, width=1440, height=900):
        binary = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
        if not binary:
            sys.exit(f"screens: no Chromium on PATH ({', '.join(CHROMIUM_NAMES)})")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.profile = tempfile.mkdtemp(prefix="screens-chromium-")
        self.process = subprocess.Popen(
            [
                binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--hide-scrollbars", f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank",
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as response:
                    pages = [target for target in json.load(response) if target["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.close()
                sys.exit("screens: Chromium's DevTools did not answer in 30 s")
            time.sleep(0.3)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=LOAD_TIMEOUT)
        self.next_id = 0
        for method in ("Page.enable", "Network.enable", "Runtime.enable"):
            self.send(method)
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def shoot(self, url, session_id, path):
        """Open ``url`` with the session; save a screenshot; return the error text shown, if any."""
        origin = "{0.scheme}://{0.netloc}/".format(urllib.parse.urlsplit(url))
        self.send("Network.setCookie", name="session_id", value=session_id, url=origin)  # path /, as Odoo's
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + LOAD_TIMEOUT
        ready = False
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if self.evaluate(READY_JS):
                ready = True
                break
        time.sleep(1.5)  # the last renders (chatter, avatars, graphs)
        errors = self.evaluate(ERROR_JS) or ""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        if not ready:
            errors = (errors + "\n" if errors else "") + f"the view did not load in {LOAD_TIMEOUT} s"
        return errors

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    port = os.environ.get("CRM_SHOWROOM_HTTP_PORT", "8069")
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--db", default=os.environ.get("CRM_SHOWROOM_DB", "crm_showroom_demo"))
    parser.add_argument("--out", default=str(REPO / ".local" / "screens"))
    parser.add_argument("--lang", default="en_US,zh_CN")
    parser.add_argument("--only", default="", help="comma-separated screen names")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, args.only.split(",")))
    screens = [screen for screen in SCREENS if not only or screen[0] in only]

    admin = Rpc(url, args.db, "admin")
    logins = sorted({role for _name, role, _path in screens})
    users = admin.model("res.users", "search_read", [("login", "in", logins)], ["login", "lang"])
    langs_before = {user["login"]: (user["id"], user["lang"]) for user in users}
    failures = []
    try:
        for lang in args.lang.split(","):
            for user_id, _lang in langs_before.values():
                admin.model("res.users", "write", [user_id], {"lang": lang})
            sessions = {login: Rpc(url, args.db, login) for login in logins}
            for name, role, path_of in screens:
                target = out / f"{name}.{lang}.png"
                # a browser of its own per shot: one shared by several users reconnects
                # its bus worker at each switch, and the page then says it is outdated
                browser = Browser()
                try:
                    page = url + path_of(sessions[role])
                    errors = browser.shoot(page, sessions[role].session_id, target)
                except (RuntimeError, OSError, websocket.WebSocketException) as error:
                    errors = str(error)
                finally:
                    browser.close()
                status = "FAIL" if errors else "ok"
                print(f"{status:4}  {name:17} {lang:6} {role:14} {target}")
                if errors:
                    print("      " + errors.replace("\n", "\n      "))
                    failures.append((name, lang))
    finally:
        for user_id, lang in langs_before.values():
            admin.model("res.users", "write", [user_id], {"lang": lang})
    print(f"{len(screens) * len(args.lang.split(',')) - len(failures)} screens ok, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
