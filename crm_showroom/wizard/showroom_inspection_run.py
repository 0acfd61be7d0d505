from datetime import timedelta

from odoo import api, fields, models


class ShowroomInspectionRun(models.TransientModel):
    """A manager inspects a past day on demand (R8.1, R8.2), as the nightly cron
    does for yesterday: for the chosen consultants, else all of them."""

    _name = "showroom.inspection.run"
    _description = "Inspect a day"

    day = fields.Date(required=True, default=lambda self: self._default_day())
    user_ids = fields.Many2many(
        "res.users",
        string="Consultants",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("crm_showroom.group_showroom_consultant").ids),
            ("share", "=", False),
        ],
        help="Empty: every consultant of your companies.",
    )

    @api.model
    def _default_day(self):
        return self.env.company._showroom_today(self.env.user) - timedelta(days=1)

    def action_inspect(self):
        self.ensure_one()
        sheets = self.env["showroom.inspection"].inspect_day(self.day, self.user_ids.ids or None)
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_inspection_action")
        action["domain"] = [("id", "in", sheets.ids)]
        return action
