"""crm_showroom upgrades in place (on a copy of the demo database) and uninstalls cleanly
(on a copy of a database installed without demo data, as in production: the demo's
deliveries, stock and invoices keep some of its demo records in use, which Odoo then
reports while uninstalling)."""

import pytest
from odoo_runner import MODULE, manifest

UNINSTALL_SCRIPT = f"""
module = env["ir.module.module"].search([("name", "=", "{MODULE}")])
assert module.state == "installed", module.state
module.button_immediate_uninstall()
"""


def owned(odoo, db):
    """The models and fields only crm_showroom defines (by their ir.model.data)."""
    def only_ours(model, columns):
        table = model.replace(".", "_")
        return odoo.query(
            db,
            f"""
            SELECT {columns} FROM {table} x
             WHERE EXISTS (SELECT 1 FROM ir_model_data d
                            WHERE d.model = %(m)s AND d.res_id = x.id AND d.module = %(mod)s)
               AND NOT EXISTS (SELECT 1 FROM ir_model_data d
                                WHERE d.model = %(m)s AND d.res_id = x.id AND d.module <> %(mod)s)
            """,
            {"m": model, "mod": MODULE},
        )

    models = {model for (model,) in only_ours("ir.model", "x.model")}
    fields = only_ours("ir.model.fields", "x.model, x.name, x.store, x.ttype")
    return models, fields


def columns(odoo, db, table):
    rows = odoo.query(db, "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,))
    return {name for (name,) in rows}


def tables(odoo, db):
    rows = odoo.query(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
    return {name for (name,) in rows}


@pytest.mark.slow
def test_upgrade(odoo, demo_template):
    db = odoo.copy_db(demo_template, "upgrade")
    odoo.run("-d", db, "-u", MODULE, "--stop-after-init", "--max-cron-threads=0", "--no-http",
             name="upgrade").assert_clean()
    assert odoo.module_state(db) == "installed"
    version = manifest()["version"]
    (latest,), = odoo.query(db, "SELECT latest_version FROM ir_module_module WHERE name = %s", (MODULE,))
    assert latest == version


@pytest.mark.slow
def test_uninstall(odoo, nodemo_template):
    db = odoo.copy_db(nodemo_template, "uninstall")
    models, fields = owned(odoo, db)
    odoo.run("-d", db, "--no-http", "--max-cron-threads=0", command="shell", stdin=UNINSTALL_SCRIPT,
             name="uninstall").assert_clean()

    assert odoo.module_state(db) == "uninstalled"
    left = odoo.query(db, "SELECT model, name FROM ir_model_data WHERE module = %s", (MODULE,))
    assert left == [], f"ir.model.data rows of {MODULE} left after uninstalling: {left[:20]}"
    # Its own models: no ir.model row, no table (showroom.grade is the first of them).
    assert not odoo.query(db, "SELECT 1 FROM ir_model WHERE model = 'showroom.grade'")
    assert "showroom_grade" not in tables(odoo, db)
    left_models = odoo.query(db, "SELECT model FROM ir_model WHERE model = ANY(%s)", (sorted(models),))
    assert left_models == [], f"ir.model rows left: {left_models}"
    left_tables = {model.replace(".", "_") for model in models} & tables(odoo, db)
    assert not left_tables, f"tables left: {sorted(left_tables)}"
    # Its fields on other models: no ir.model.fields row, no column.
    left_fields = odoo.query(
        db,
        "SELECT model, name FROM ir_model_fields WHERE (model, name) IN %s",
        (tuple((model, name) for model, name, _store, _type in fields) or (("", ""),),),
    )
    assert left_fields == [], f"ir.model.fields rows left: {left_fields}"
    for model, name, store, ttype in fields:
        if store and model not in models and ttype not in ("one2many", "many2many"):
            assert name not in columns(odoo, db, model.replace(".", "_")), f"column {model}.{name} left"
