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

    # ------------------------------------------------------------
    # OWNERSHIP CONFLICTS (R7)
    # ------------------------------------------------------------
    # The ruling rules of ``showroom.conflict``, edited by the segment admin.

    showroom_conflict_recent_days = fields.Integer(
        string="Recent visitor within (days)",
        default=30,
        help="R7.2: when the customer first visited within this many days, the earlier registration wins "
        "an ownership conflict at once; otherwise the showroom manager rules.",
    )
    showroom_conflict_deadline_days = fields.Integer(
        string="Rule conflicts within (days)",
        default=3,
        help="An ownership conflict still open after this many days reminds the team leader every day.",
    )
    showroom_house_user_id = fields.Many2one(
        "res.users",
        string="House account",
        domain="[('share', '=', False)]",
        help="R7.3: the user who holds the deals the showroom manager gives to the company (no commission).",
    )

    _sql_constraints = [
        *_sql_constraints,
        (
            "showroom_conflict_days_positive",
            "CHECK(showroom_conflict_recent_days >= 0 AND showroom_conflict_deadline_days >= 0)",
            "The numbers of days of the ownership conflict rules cannot be negative.",
        ),
    ]
