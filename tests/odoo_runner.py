"""odoo-bin in subprocesses and the PostgreSQL databases of a test session.

The command line is that of scripts/common.sh's odoo_cmd, built from what its
setup_all exports (scripts/test runs it; run alone, this runs it itself).
"""

import ast
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import odoo_log  # noqa: E402  (scripts/odoo_log.py)

__all__ = ["MODULE", "Odoo", "OdooRun", "manifest", "odoo_log"]

MODULE = "crm_showroom"
ODOO_TIMEOUT = 1800  # seconds for one odoo-bin run
ENV_KEYS = ("ODOO_PATH", "CRM_SHOWROOM_VENV", "CRM_SHOWROOM_ADDONS_PATH", "CRM_SHOWROOM_DATA_DIR")


def _load_environment():
    """Take the set-up of scripts/common.sh when scripts/test did not export it."""
    if all(os.environ.get(key) for key in ENV_KEYS):
        return
    script = 'source scripts/common.sh && setup_all >&2 && env -0'
    done = subprocess.run(["bash", "-c", script], cwd=REPO, stdout=subprocess.PIPE, check=False)
    if done.returncode:
        pytest.exit("scripts/common.sh could not set up Odoo and PostgreSQL (see above)", returncode=1)
    for item in done.stdout.split(b"\0"):
        key, _sep, value = item.decode().partition("=")
        if key in ENV_KEYS or key.startswith("PG"):
            os.environ[key] = value


@dataclass
class OdooRun:
    """One finished odoo-bin run: its exit status and its log."""

    args: list
    returncode: int
    log_path: Path

    @property
    def report(self):
        return odoo_log.scan(self.log_path.read_text(encoding="utf-8", errors="replace"))

    def assert_clean(self):
        """Exit status 0 and no ERROR/CRITICAL line in the log."""
        report = self.report
        problems = report.problems()
        if self.returncode:
            problems.insert(0, f"odoo-bin exited with status {self.returncode}")
        if problems:
            tail = "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
            pytest.fail(
                f"odoo-bin {' '.join(self.args)}: {'; '.join(problems)} (log: {self.log_path})\n"
                f"{report.excerpt() or tail}",
                pytrace=False,
            )


class Odoo:
    """odoo-bin and the databases of this test session."""

    def __init__(self):
        _load_environment()
        self.odoo_path = Path(os.environ["ODOO_PATH"])
        self.python = str(Path(os.environ["CRM_SHOWROOM_VENV"]) / "bin" / "python")
        self.addons_path = os.environ["CRM_SHOWROOM_ADDONS_PATH"]
        self.data_dir = Path(os.environ["CRM_SHOWROOM_DATA_DIR"])
        default_log_dir = REPO / ".local" / "logs" / f"pytest-{time.strftime('%Y%m%d_%H%M%S')}"
        self.log_dir = Path(os.environ.get("CRM_SHOWROOM_LOG_DIR") or default_log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.db_prefix = os.environ.get("CRM_SHOWROOM_TEST_DB_PREFIX") or f"crm_showroom_pytest_{os.getpid()}"
        self.created = []

    # ---- odoo-bin ------------------------------------------------------------
    def cmd(self, *args, command=None):
        """The odoo-bin command line of scripts/common.sh's odoo_cmd, then args."""
        env = os.environ
        db_args = [f"--db_host={env.get('PGHOST', '')}", f"--db_user={env.get('PGUSER') or env.get('USER', '')}"]
        if env.get("PGPORT"):
            db_args.append(f"--db_port={env['PGPORT']}")
        if env.get("PGPASSWORD"):
            db_args.append(f"--db_password={env['PGPASSWORD']}")
        return [
            self.python,
            str(self.odoo_path / "odoo-bin"),
            f"--addons-path={self.addons_path}",
            *([command] if command else []),
            f"--data-dir={self.data_dir}",
            *db_args,
            *args,
        ]

    def log_path(self, name):
        return self.log_dir / f"{name}.log"

    def run(self, *args, name, command=None, stdin=None):
        """Run odoo-bin to the end with its output in the log `name`."""
        cmd = self.cmd(*args, command=command)
        log_path = self.log_path(name)
        with open(log_path, "w", encoding="utf-8") as log:
            done = subprocess.run(
                cmd, input=stdin, text=True, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, timeout=ODOO_TIMEOUT
            )
        return OdooRun(list(args), done.returncode, log_path)

    def start(self, *args, name):
        """Start odoo-bin in the background (a server) with its output in the log `name`."""
        log_path = self.log_path(name)
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.Popen(self.cmd(*args), stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
        return process, log_path

    # ---- databases -------------------------------------------------------------
    def new_db_name(self, label):
        """A database name of this session; the database is dropped at its end."""
        name = f"{self.db_prefix}_{label}"
        self.drop_db(name)
        self.created.append(name)
        return name

    def connect(self, dbname="postgres"):
        connection = psycopg2.connect(dbname=dbname)  # PGHOST, PGUSER… from the environment
        connection.autocommit = True
        return connection

    def query(self, dbname, query, params=None):
        connection = self.connect(dbname)
        try:
            with connection.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall() if cr.description else []
        finally:
            connection.close()  # a template database must have no open connection

    def copy_db(self, template, label):
        """A copy of database `template` and of its filestore."""
        name = self.new_db_name(label)
        self.query(
            "postgres", sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        )
        filestore = self.data_dir / "filestore" / template
        if filestore.is_dir():
            shutil.copytree(filestore, self.data_dir / "filestore" / name)
        return name

    def drop_db(self, name):
        self.query("postgres", sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        shutil.rmtree(self.data_dir / "filestore" / name, ignore_errors=True)

    def module_state(self, dbname, module=MODULE):
        """The module's state in the database, or None (no such module or database)."""
        try:
            rows = self.query(dbname, "SELECT state FROM ir_module_module WHERE name = %s", (module,))
        except psycopg2.Error:
            return None
        return rows[0][0] if rows else None

    def cleanup(self):
        for name in self.created:
            self.drop_db(name)


def manifest():
    return ast.literal_eval((REPO / MODULE / "__manifest__.py").read_text())
