"""Fixtures for the tests that need fresh databases or a running server.

They drive odoo-bin in subprocesses with the project's virtualenv and the arguments
of scripts/common.sh (odoo_cmd): scripts/test exports them (ODOO_PATH,
CRM_SHOWROOM_VENV, CRM_SHOWROOM_ADDONS_PATH, CRM_SHOWROOM_DATA_DIR, PG*). Run
alone (`pytest tests/` from the repository root), the fixtures run common.sh's
set-up themselves.

Databases are shared to keep the wall time down: one database with crm_showroom
installed with demo data (scripts/test's Odoo-suite database when it hands one
over in CRM_SHOWROOM_DEMO_TEMPLATE, else one installed here) is the template of
copies (CREATE DATABASE … TEMPLATE plus its filestore) for the upgrade, uninstall
and HTTP tests. Every database made here is dropped at the end of the session.
"""

import os

import pytest
from odoo_runner import MODULE, Odoo


@pytest.fixture(scope="session")
def odoo():
    odoo = Odoo()
    yield odoo
    odoo.cleanup()


@pytest.fixture(scope="session")
def nodemo_template(odoo):
    """A database with crm_showroom installed without demo data (as in production),
    used as a template; its installation must be clean."""
    name = odoo.new_db_name("nodemo")
    odoo.run(
        "-d", name, "-i", MODULE, "--without-demo=all", "--stop-after-init", "--max-cron-threads=0", "--no-http",
        name="install-nodemo",
    ).assert_clean()
    return name


@pytest.fixture(scope="session")
def demo_template(odoo):
    """A database with crm_showroom installed with demo data, used only as a template."""
    given = os.environ.get("CRM_SHOWROOM_DEMO_TEMPLATE")
    if given and odoo.module_state(given) == "installed":
        return given
    name = odoo.new_db_name("demo")
    odoo.run("-d", name, "-i", MODULE, "--stop-after-init", "--max-cron-threads=0", "--no-http",
             name="install-demo").assert_clean()
    return name
