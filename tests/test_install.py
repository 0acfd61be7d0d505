"""crm_showroom installs into a fresh database, without and with demo data."""

import pytest
from odoo_runner import MODULE

DEMO_USERS = {  # the logins scripts/run prints: login -> the showroom group it must have (None: none)
    "manager": "group_showroom_manager",
    "consultant1": "group_showroom_consultant",
    "consultant2": "group_showroom_consultant",
    "consultant3": "group_showroom_consultant",
    "telemarketing": "group_showroom_telemarketing",
    "finance": "group_showroom_finance",
}


@pytest.mark.slow
def test_install_without_demo_data(odoo, nodemo_template):
    db = nodemo_template  # installed (exit status 0, no ERROR line) by the fixture
    assert odoo.module_state(db) == "installed"
    assert odoo.query(db, "SELECT name FROM ir_module_module WHERE state = 'installed' AND demo") == []
    logins = odoo.query(db, "SELECT login FROM res_users WHERE login = ANY(%s)", (list(DEMO_USERS),))
    assert logins == [], "demo users exist in a database installed without demo data"


@pytest.mark.slow
def test_install_with_demo_data(odoo, demo_template):
    # The install itself was checked (exit status 0, no ERROR line) where
    # demo_template was made: by scripts/test's Odoo-suite step or by the fixture.
    assert odoo.module_state(demo_template) == "installed"
    assert odoo.query(demo_template, "SELECT demo FROM ir_module_module WHERE name = %s", (MODULE,)) == [(True,)]


@pytest.mark.slow
def test_demo_users_have_their_showroom_groups(odoo, demo_template):
    rows = odoo.query(
        demo_template,
        """
        SELECT u.login, array_remove(array_agg(d.name), NULL)
          FROM res_users u
          LEFT JOIN res_groups_users_rel r ON r.uid = u.id
          LEFT JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid AND d.module = %s
         WHERE u.login = ANY(%s) AND u.active
         GROUP BY u.login
        """,
        (MODULE, list(DEMO_USERS)),
    )
    groups = dict(rows)
    missing = sorted(set(DEMO_USERS) - set(groups))
    assert not missing, f"demo users printed by scripts/run are missing from the demo data: {missing}"
    for login, group in DEMO_USERS.items():
        if group is None:
            roles = {"group_showroom_consultant", "group_showroom_manager", "group_showroom_finance"}
            assert not roles & set(groups[login]), f"{login} must have no showroom role (has {groups[login]})"
        else:
            assert group in groups[login], f"{login} is not in {MODULE}.{group} (has {groups[login]})"
    for login in ("consultant1", "consultant2", "consultant3"):
        assert "group_showroom_manager" not in groups[login], f"{login} must not be a showroom manager"
