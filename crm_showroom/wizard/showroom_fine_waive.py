from odoo import fields, models


class ShowroomFineWaive(models.TransientModel):
    """A showroom manager waives draft fines, giving the reason (R8)."""

    _name = "showroom.fine.waive"
    _description = "Waive fines"

    fine_ids = fields.Many2many("showroom.fine", string="Fines", required=True)
    reason = fields.Text(required=True)

    def action_waive(self):
        self.ensure_one()
        self.fine_ids._showroom_waive(self.reason)
        return {"type": "ir.actions.act_window_close"}
