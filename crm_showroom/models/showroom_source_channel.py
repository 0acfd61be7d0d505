from odoo import fields, models

from ..tools import segments


class ShowroomSourceChannel(models.Model):
    """How a prospect came to the showroom (R2.5-R2.7).

    Some channels require a companion on the opportunity: a customer referral
    records the referring (old) customer, a relationship introduction the
    introducer (group leader or staff member), a second-network introduction the
    sub-dealer that brings the customer at delivery. Segment admins add channels
    of their companies in the UI (G5; a channel of no company serves every company).
    """

    _name = "showroom.source.channel"
    _description = "Showroom Source Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    companion = fields.Selection(
        [
            ("none", "None"),
            ("referrer", "Referring customer"),
            ("introducer", "Introducer"),
            ("subdealer", "Sub-dealer"),
        ],
        string="Must be recorded",
        required=True,
        default="none",
        help="What must be recorded on an opportunity that comes through this channel.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: segments.default_company(self), help="Empty: all companies."
    )
