from odoo import fields, models


class ShowroomFollowupInstruction(models.TransientModel):
    """A showroom manager's instruction (领导批示) on a done follow-up (R8.3)."""

    _name = "showroom.followup.instruction"
    _description = "Showroom Follow-up Instruction"

    activity_id = fields.Many2one("mail.activity", required=True, ondelete="cascade")
    res_name = fields.Char(related="activity_id.res_name", string="Customer")
    summary = fields.Char(related="activity_id.summary")
    feedback = fields.Text(related="activity_id.showroom_feedback", string="What the customer said")
    instruction = fields.Text(required=True)

    def action_save(self):
        self.ensure_one()
        self.activity_id._showroom_write_instruction(self.instruction)
        return {"type": "ir.actions.act_window_close"}
