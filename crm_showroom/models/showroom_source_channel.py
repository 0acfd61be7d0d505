from odoo import fields, models


class ShowroomSourceChannel(models.Model):
    """How a prospect came to the showroom (R2.5-R2.7).

    Some channels require a companion on the opportunity: a customer referral
    records the referring (old) customer, a relationship introduction the
    introducer (group leader or staff member), a second-network introduction the
    sub-dealer that brings the customer at delivery. Admins add channels in the UI.
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
