from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.base.models.res_partner import _tz_get

from ..tools.showroom_day import DEFAULT_TZ, local_date, valid_tz

# The company's fields the churn warning (G6) is judged by.
SHOWROOM_CHURN_RULE_FIELDS = {"showroom_churn_days", "showroom_churn_negative_outcome_ids"}


class ResCompany(models.Model):
    """The showroom's day: every date rule (follow-up deadlines, delivery dates,
    post-purchase windows, ageing, the daily crons) counts days in the time zone
    of the person concerned, else in the company's showroom time zone."""

    _inherit = "res.company"

    showroom_statement_note = fields.Html(
        string="Payment reminder text",
        translate=True,
        help="Printed on the customer statement when the customer has overdue items (dunning "
        "notice), in the customer's language. Empty: the standard text.",
    )
    showroom_tz = fields.Selection(
        _tz_get,
        string="Showroom time zone",
        help="The time zone of the showroom's day: follow-ups of users without a time zone, "
        "delivery dates, ageing and the daily checks count days in it. Empty: the time zone of "
        "the company's address contact, else Asia/Shanghai.",
    )
    # R6.1: mileage readings and the telemarketing queue
    showroom_max_km_per_day = fields.Integer(
        string="Plausible km per day",
        default=1500,
        help="A reading implying more km per day since the previous one is refused.",
    )
    showroom_default_km_per_day = fields.Float(
        string="Default km per day",
        default=50.0,
        help="The mileage forecast of a vehicle with a single reading, when no vehicle of its model "
        "has been driven long enough to give a median.",
    )
    showroom_call_cap = fields.Integer(
        string="Open calls per telemarketing user",
        default=100,
        help="At most this many open base-customer calls per telemarketing user; the other "
        "vehicles wait in the queue, visible to the managers, and are opened oldest "
        "crossing first. 0: no limit.",
    )

    # Fines (R8): the spot-check sample and the optional posting of fines.
    showroom_spot_check_size = fields.Integer(
        string="Call spot-checks per consultant and week",
        default=3,
        help="How many done call follow-ups of each consultant are drawn each week for a spot-check (R8.4).",
    )
    showroom_fine_post_entries = fields.Boolean(
        string="Post fines to accounting",
        help="A confirmed fine becomes a receivable from the consultant's work contact in the journal "
        "below; its correction is a reversal of that entry.",
    )
    showroom_fine_journal_id = fields.Many2one(
        "account.journal",
        string="Journal of fines",
        domain="[('type', '=', 'general')]",
    )
    showroom_fine_account_id = fields.Many2one(
        "account.account",
        string="Income account of fines",
        domain="[('account_type', 'in', ('income', 'income_other'))]",
    )

    _sql_constraints = [
        (
            "showroom_max_km_per_day_positive",
            "CHECK(showroom_max_km_per_day >= 0)",
            "The plausible km per day cannot be negative.",
        ),
        (
            "showroom_default_km_per_day_positive",
            "CHECK(showroom_default_km_per_day >= 0)",
            "The default km per day cannot be negative.",
        ),
        (
            "showroom_call_cap_positive",
            "CHECK(showroom_call_cap >= 0)",
            "The number of open calls per user cannot be negative.",
        ),
        (
            "showroom_spot_check_size_positive",
            "CHECK (showroom_spot_check_size >= 0)",
            "The spot-check sample size cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _showroom_tz_name(self, user=None):
        """The time zone of the day of ``user`` in this company: the user's own,
        else the company's showroom time zone, else its contact's, else
        Asia/Shanghai. An empty ``self`` stands for the user's main company, else
        the current company."""
        company = self[:1] or (user and user.sudo().company_id) or self.env.company
        # sudo: a time zone is no secret, and crons run as users who may not read
        # colleagues or the company's contact
        return (
            valid_tz(user and user.sudo().tz)
            or valid_tz(company.sudo().showroom_tz)
            or valid_tz(company.sudo().partner_id.tz)
            or DEFAULT_TZ
        )

    def _showroom_today(self, user=None):
        """Today, in the showroom's day of ``user`` (see ``_showroom_tz_name``)."""
        return self._showroom_date_of(fields.Datetime.now(), user=user)

    def _showroom_date_of(self, utc_datetime, user=None):
        """The calendar date of the UTC datetime ``utc_datetime`` in the showroom's
        day of ``user`` (see ``_showroom_tz_name``)."""
        if not utc_datetime:
            return False
        return local_date(fields.Datetime.to_datetime(utc_datetime), self._showroom_tz_name(user))

    @api.model
    def _showroom_today_by_user(self, users):
        """``{user id: today}`` for each of ``users``, each in their own day
        (their time zone, else their main company's); users of one time zone share
        one conversion."""
        now = fields.Datetime.now()
        by_tz = {}
        result = {}
        for user in users.sudo():
            tz_name = self.browse()._showroom_tz_name(user)
            if tz_name not in by_tz:
                by_tz[tz_name] = local_date(now, tz_name)
            result[user.id] = by_tz[tz_name]
        return result

    @api.model
    def _showroom_company_day_sql(self):
        """The showroom time zone of every company (``_showroom_tz_name``) as
        ``company_day(company_id, tz)``, a VALUES table for a ``WITH`` clause: SQL
        reports and migrations turn a UTC timestamp into the showroom's day with
        ``(ts AT TIME ZONE 'UTC' AT TIME ZONE company_day.tz)::date``, the same rule as
        ``_showroom_date_of``, not a second one."""
        # sudo: the time zones of companies are no secret
        companies = self.sudo().with_context(active_test=False).search([])
        return SQL(
            "company_day(company_id, tz) AS (VALUES %s)",
            SQL(", ").join(SQL("(%s, %s)", company.id, company._showroom_tz_name()) for company in companies),
        )

    # ------------------------------------------------------------
    # CHURN WARNING (G6)
    # ------------------------------------------------------------

    showroom_churn_days = fields.Integer(
        string="Churn warning after (days)",
        default=180,
        help="A base customer whose cars have not been seen (no mileage reading, service visit or answered "
        "call) for this many days is flagged at risk of churn.",
    )
    showroom_churn_negative_outcome_ids = fields.Many2many(
        "ir.model.fields.selection",
        "res_company_showroom_churn_negative_outcome_rel",
        "company_id",
        "selection_id",
        string="Negative call outcomes",
        domain=[("field_id.model", "=", "showroom.milestone.call"), ("field_id.name", "=", "outcome")],
        default=lambda self: self._default_showroom_churn_negative_outcome_ids(),
        help="A base customer whose last two base-customer calls both ended with one of these outcomes is "
        "flagged at risk of churn. Empty: calls never flag a customer.",
    )

    @api.constrains("showroom_churn_days")
    def _check_showroom_churn_days(self):
        if any(company.showroom_churn_days < 1 for company in self):
            raise ValidationError(_("The churn warning period must be at least one day."))

    @api.constrains("showroom_churn_negative_outcome_ids")
    def _check_showroom_churn_negative_outcome_ids(self):
        outcome = self.env["ir.model.fields"]._get("showroom.milestone.call", "outcome")
        # sudo: Odoo's selection records are readable by administrators only
        if any(company.sudo().showroom_churn_negative_outcome_ids.field_id - outcome for company in self):
            raise ValidationError(_("The negative call outcomes must be outcomes of base-customer calls."))

    def write(self, vals):
        """G6: a new churn period or new negative outcomes are applied at once: the
        daily churn check is triggered to run now (in the background: a cron batch,
        not the admin's save), not at its next night."""
        result = super().write(vals)
        cron = self.env.ref("crm_showroom.ir_cron_churn", raise_if_not_found=False)
        if cron and vals.keys() & SHOWROOM_CHURN_RULE_FIELDS:
            cron._trigger()
        return result

    def _default_showroom_churn_negative_outcome_ids(self):
        """The rule book's negative call outcomes (G6): not interested, unreachable,
        renewed elsewhere (the selection values of ``showroom.milestone.call.outcome``;
        missing ones, e.g. while the module installs, are left out)."""
        outcomes = (
            self.env.ref(f"crm_showroom.selection__showroom_milestone_call__outcome__{value}", raise_if_not_found=False)
            for value in ("not_interested", "unreachable", "renewed_elsewhere")
        )
        return self.env["ir.model.fields.selection"].union(*filter(None, outcomes))

    @api.model
    def _showroom_churn_init_negative_outcomes(self):
        """Give the companies without negative call outcomes the rule book's
        (on install and on the upgrade to 18.0.1.6.0, where the setting is new and
        the field's default reaches only new companies). Not run again after: an
        empty list an admin chooses later turns the rule off and is kept."""
        companies = (
            self.sudo().with_context(active_test=False).search([("showroom_churn_negative_outcome_ids", "=", False)])
        )
        companies.showroom_churn_negative_outcome_ids = self._default_showroom_churn_negative_outcome_ids()
