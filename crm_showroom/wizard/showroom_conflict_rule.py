from odoo import fields, models

from ..models.showroom_conflict import RULINGS


class ShowroomConflictRule(models.TransientModel):
    """The showroom manager rules on an ownership conflict, giving the reason
    (R7.1, R7.3; see ``showroom.conflict._showroom_rule``)."""

    _name = "showroom.conflict.rule"
    _description = "Rule on an ownership conflict"

    conflict_id = fields.Many2one("showroom.conflict", required=True, ondelete="cascade")
    ruling = fields.Selection([item for item in RULINGS if item[0] != "auto"], required=True)
    reason = fields.Text(required=True)

    def action_rule(self):
        self.ensure_one()
        self.conflict_id._showroom_rule(self.ruling, self.reason)
        return {"type": "ir.actions.act_window_close"}
