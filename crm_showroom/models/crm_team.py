from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    is_showroom = fields.Boolean(
        string="Showroom rules",
        help="Apply the showroom rule book to this team's opportunities: grades, the entry "
        "standard and the always-open follow-up. Other teams behave as stock Odoo.",
    )
    showroom_first_followup_days = fields.Integer(
        string="First follow-up within (days)",
        default=2,
        help="A new showroom opportunity gets its first follow-up due within this many days "
        "(the 48-hour follow-up is mandatory).",
    )

    _sql_constraints = [
        (
            "showroom_first_followup_days_positive",
            "CHECK(showroom_first_followup_days >= 0)",
            "The number of days for the first follow-up cannot be negative.",
        ),
    ]
