from odoo import fields, models

from ..tools import segments


class ShowroomMileageMilestone(models.Model):
    """A reason to call a base customer (R6.1), worked by the telemarketing team.

    A mileage milestone (50,000, 100,000 and 150,000 km shipped) puts every
    vehicle whose recorded or estimated mileage crosses its ``km`` into its queue,
    once; an insurance renewal milestone puts every vehicle whose insurance is to
    be renewed within ``days_before`` days into it, once per renewal date. Each
    entry is called every ``call_interval_months`` month(s) for ``call_months``
    months by one of the ``user_ids`` (round-robin; empty: every telemarketing
    user of the vehicle's company), until an outcome closes it.
    """

    _name = "showroom.mileage.milestone"
    _description = "Base Customer Call Milestone"
    _order = "kind, km, id"

    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [("mileage", "Mileage"), ("renewal", "Insurance renewal")],
        required=True,
        default="mileage",
    )
    km = fields.Integer(string="Mileage (km)", help="Vehicles reaching this mileage enter the queue.")
    days_before = fields.Integer(
        string="Days before renewal",
        default=45,
        help="Vehicles whose insurance is to be renewed within this many days enter the queue.",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Telemarketing team",
        domain="[('share', '=', False)]",
        help="Who calls, in turn. Empty: every telemarketing user of the vehicle's company.",
    )
    call_interval_months = fields.Integer(string="Call every (months)", default=1, required=True)
    call_months = fields.Integer(string="For (months)", default=3, required=True)
    unreachable_limit = fields.Integer(
        string="Unreachable calls to close",
        default=3,
        required=True,
        help="An entry whose customer cannot be reached this many calls in a row is closed.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: segments.default_company(self), help="Empty: all companies."
    )

    _sql_constraints = [
        ("call_interval_positive", "CHECK(call_interval_months > 0)", "Calls are at least a month apart."),
        ("call_months_positive", "CHECK(call_months > 0)", "A milestone is called for at least a month."),
        ("unreachable_limit_positive", "CHECK(unreachable_limit > 0)", "An entry closes after one call at least."),
        ("km_positive", "CHECK(kind != 'mileage' OR km > 0)", "A mileage milestone needs a mileage above 0."),
        ("days_before_positive", "CHECK(kind != 'renewal' OR days_before >= 0)", "The days before cannot be negative."),
    ]

    def _members(self, company):
        """The users who call this milestone's entries of ``company``."""
        self.ensure_one()
        if self.user_ids:
            return self.user_ids.filtered(lambda user: user.active and company in user.company_ids)
        group = self.env.ref("crm_showroom.group_showroom_telemarketing")
        # sudo: only which users are in the group is read, for the cron's assignment
        return group.sudo().users.filtered(lambda user: user.active and company in user.company_ids)
