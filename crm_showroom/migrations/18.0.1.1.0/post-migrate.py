"""18.0.1.1.0: plans opt in to the showroom's plan behaviour (linked activities,
day-of-month windows, rendered notes). The post-purchase plan is noupdate data:
set its new flag once, as a fresh install does."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    plan = env.ref("crm_showroom.activity_plan_post_purchase", raise_if_not_found=False)
    if plan:
        plan.is_showroom_plan = True
