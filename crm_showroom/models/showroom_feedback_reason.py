from odoo import fields, models

from ..tools import segments


class ShowroomFeedbackReason(models.Model):
    """What the customer said on a follow-up (R4.3): waiting for a price drop,
    model not in stock, color not available, concerns... At least one reason
    is recorded on every done follow-up as the basis of the next one. A reason
    of no company serves every company (G5)."""

    _name = "showroom.feedback.reason"
    _description = "Showroom Customer Feedback Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: segments.default_company(self), help="Empty: all companies."
    )
