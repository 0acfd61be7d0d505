from odoo import _, api, fields, models
from odoo.exceptions import AccessError


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
        # ---- CUSTOMER POOL (G4) ----
        (
            "showroom_pool_values_positive",
            "CHECK(showroom_pool_grace_days >= 0 AND showroom_pool_daily_claim_cap >= 0 "
            "AND showroom_pool_holding_cap >= 0 AND showroom_pool_cooloff_days >= 0)",
            "The customer pool's days and caps cannot be negative.",
        ),
        # ---- OWNERSHIP CONFLICTS (R7) ----
        (
            "showroom_conflict_days_positive",
            "CHECK(showroom_conflict_recent_days >= 0 AND showroom_conflict_deadline_days >= 0)",
            "The numbers of days of the ownership conflict rules cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------
    # CUSTOMER POOL (G4): the rule values, edited by the segment admin
    # ------------------------------------------------------------
    # An open opportunity not followed up within its grade's interval plus the grace
    # period returns to the team's pool (``crm.lead._cron_showroom_pool_release``);
    # consultants claim from it under these caps (``crm.lead.action_showroom_pool_claim``).
    showroom_pool_grace_days = fields.Integer(
        string="Pool grace period (days)",
        default=7,
        help="Days after the grade's follow-up interval before an opportunity not followed up "
        "returns to the team's pool.",
    )
    showroom_pool_daily_claim_cap = fields.Integer(
        string="Claims per consultant per day",
        default=5,
        help="How many opportunities a consultant may claim from the pool in one day (their day).",
    )
    showroom_pool_holding_cap = fields.Integer(
        string="Open opportunities per consultant",
        default=200,
        help="A consultant who holds this many open opportunities of the team claims no more.",
    )
    showroom_pool_cooloff_days = fields.Integer(
        string="Cool-off before reclaiming (days)",
        default=30,
        help="A consultant cannot claim back a customer they lost to the pool for this many days.",
    )

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

    # ------------------------------------------------------------
    # SEGMENTS (G5)
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """G5: only a segment admin makes a team a showroom team."""
        if any(vals.get("is_showroom") for vals in vals_list):
            self._showroom_check_rule_editor()
        return super().create(vals_list)

    def write(self, vals):
        """G5: the showroom rule fields of a team (``is_showroom`` and every
        ``showroom_*`` field) are the segment admin's configuration (and the
        system admin's, who administers the teams in stock Odoo); a sales manager
        edits the rest of the team as in stock Odoo."""
        if any(fname == "is_showroom" or fname.startswith("showroom_") for fname in vals):
            self._showroom_check_rule_editor()
        return super().write(vals)

    def _showroom_check_rule_editor(self):
        user = self.env.user
        editors = ("crm_showroom.group_showroom_admin", "base.group_system")
        if not (self.env.su or any(user.has_group(group) for group in editors)):
            raise AccessError(_("Only a Segment Administrator can change the showroom rules of a sales team."))
