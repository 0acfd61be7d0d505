"""18.0.1.1.0: plans opt in to the showroom's plan behaviour (linked activities,
day-of-month windows, rendered notes). The post-purchase plan is noupdate data:
set its new flag once, as a fresh install does. The follow-up activity types lose
their "warning" decoration, which made every follow-up an exception (a warning
icon on every showroom card, "Warning" instead of the summary in lists)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    plan = env.ref("crm_showroom.activity_plan_post_purchase", raise_if_not_found=False)
    if plan:
        plan.is_showroom_plan = True
    for xmlid in ("crm_showroom.activity_type_followup", "crm_showroom.activity_type_post_purchase"):
        activity_type = env.ref(xmlid, raise_if_not_found=False)
        if activity_type and activity_type.decoration_type == "warning":
            activity_type.decoration_type = False
