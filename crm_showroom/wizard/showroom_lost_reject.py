from odoo import fields, models


class ShowroomLostReject(models.TransientModel):
    """The showroom manager rejects a consultant's lost request with an instruction
    (G3, R8.3); see ``crm.lead._showroom_reject_lost``."""

    _name = "showroom.lost.reject"
    _description = "Reject a Lost Request"

    lead_ids = fields.Many2many("crm.lead", string="Opportunities", required=True)
    instruction = fields.Text(required=True, help="What the consultant does next to win the customer back.")

    def action_reject(self):
        self.ensure_one()
        self.lead_ids._showroom_reject_lost(self.instruction)
        return {"type": "ir.actions.act_window_close"}
