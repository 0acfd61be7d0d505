"""18.0.1.6.0: the churn warning's negative call outcomes (G6) are a company
setting (``res.company.showroom_churn_negative_outcome_ids``) instead of a
constant: every company gets the rule book's three (not interested, unreachable,
renewed elsewhere), the ones the rule judged by until now."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"]._showroom_churn_init_negative_outcomes()
