import logging
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class ShowroomSpotCheck(models.Model):
    """A manager's spot-check of one done call follow-up (R4.2, R8.4).

    Each week a random sample of each consultant's done call follow-ups (the
    governed follow-ups of the "phone call" category — ``showroom.followup.mixin``,
    as the inspection reads them: a showroom team's opportunities, vehicles and
    telemarketing's queue calls — done in that week of the consultant's day,
    closures aside) is drawn: the company's sample size
    (``res.company.showroom_spot_check_size``, default 3) per consultant and
    week, topped up when a draw already holds some (the weekly cron
    ``crm_showroom.ir_cron_spot_check_sample`` draws the week that ended, the
    button the current one). One spot-check per follow-up (unique in the
    database), drawn in one SQL statement for all consultants.

    The manager listens to the recording (its reference or the file), gives a
    verdict and notes for the evening meeting. The verdict "breach" fines the
    consultant through the company's spot-check rule (``showroom.fine.rule`` of
    kind ``spot_check``), on the consultant's inspection sheet of the day of the
    verdict; another verdict drops that fine while it is still to review.
    """

    _name = "showroom.spot.check"
    _description = "Call spot-check"
    _order = "week_start desc, user_id, id"
    _rec_name = "activity_id"
    _check_company_auto = True

    activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
        context={"active_test": False},
    )
    user_id = fields.Many2one(
        "res.users", string="Consultant", required=True, index=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True, ondelete="restrict")
    week_start = fields.Date(string="Week of", required=True, index=True, readonly=True)
    date_done = fields.Date(related="activity_id.date_done", string="Called on")
    record_name = fields.Char(related="activity_id.res_name", string="Customer")
    summary = fields.Char(related="activity_id.summary")
    feedback = fields.Text(related="activity_id.showroom_feedback", string="Feedback recorded")
    recording_ref = fields.Char(string="Recording", help="The reference of the call recording in the phone system.")
    attachment_ids = fields.Many2many("ir.attachment", string="Recording files")
    verdict = fields.Selection(
        [("pending", "To check"), ("good", "Good"), ("coaching", "Needs coaching"), ("breach", "Breach")],
        default="pending",
        required=True,
        index=True,
    )
    notes = fields.Text(string="Notes for the evening meeting")
    checked_by_id = fields.Many2one("res.users", string="Checked by", readonly=True)
    fine_id = fields.Many2one("showroom.fine", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("activity_uniq", "UNIQUE (activity_id)", "A follow-up is spot-checked once."),
    ]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if "verdict" in vals:
            self.env["res.users"]._showroom_check_manager(
                _("Only showroom managers inspect, confirm and correct fines.")
            )
            vals = dict(vals, checked_by_id=self.env.uid)
        result = super().write(vals)
        if "verdict" in vals:
            self._showroom_apply_verdicts()
        return result

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_sample_this_week(self):
        """Draw this week's sample (topped up to the sample size) for the
        consultants of the user's companies. A list header button: ``self`` is the
        selection, possibly empty, and plays no part."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers inspect, confirm and correct fines."))
        users = self.env["showroom.inspection"]._showroom_consultants(self.env.companies)
        self._showroom_sample(users, last_week=False)
        return {
            "type": "ir.actions.client",
            "tag": "soft_reload",
        }

    # ------------------------------------------------------------
    # CRONS
    # ------------------------------------------------------------

    @api.model
    def _cron_sample_spot_checks(self):
        """Weekly: draw the sample of the week that ended, in each consultant's day."""
        companies = self.env["res.company"].sudo().search([])
        users = self.env["showroom.inspection"]._showroom_consultants(companies)
        return self._showroom_sample(users, last_week=True)

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _showroom_sample(self, users, last_week):
        """Draw, for each of ``users``, a random sample of done call follow-ups
        of their current week (or the one before), up to the company's sample
        size. One statement per week start (consultants of different time zones
        may be in different weeks). Returns the number of spot-checks drawn."""
        by_week = defaultdict(list)
        for user_id, today in self.env["res.company"]._showroom_today_by_user(users).items():
            monday = today - timedelta(days=today.weekday())
            by_week[monday - timedelta(days=7) if last_week else monday].append(user_id)
        drawn = 0
        self.env.flush_all()
        # the follow-ups the rule book governs, as the inspection's detectors read them
        governed = self.env["showroom.followup.mixin"]._showroom_governed_followup_sql("a")
        for week_start, user_ids in by_week.items():
            self.env.cr.execute(
                f"""
                INSERT INTO showroom_spot_check (activity_id, user_id, company_id, week_start, verdict,
                                                 create_uid, create_date, write_uid, write_date)
                SELECT x.id, x.user_id, x.company_id, %(week)s, 'pending',
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM (
                        SELECT a.id, a.user_id, u.company_id, c.showroom_spot_check_size AS size,
                               row_number() OVER (PARTITION BY a.user_id ORDER BY random()) AS n
                          FROM mail_activity a
                          JOIN mail_activity_type t ON t.id = a.activity_type_id AND t.category = 'phonecall'
                          JOIN res_users u ON u.id = a.user_id
                          JOIN res_company c ON c.id = u.company_id
                               {governed}
                           AND a.user_id = ANY(%(users)s) AND a.active IS NOT TRUE
                           AND a.date_done BETWEEN %(week)s AND %(week_end)s
                           AND a.showroom_closed_reason IS NULL
                           AND NOT EXISTS (SELECT 1 FROM showroom_spot_check sc WHERE sc.activity_id = a.id)
                       ) x
                  LEFT JOIN (SELECT user_id, count(*) AS taken FROM showroom_spot_check
                              WHERE week_start = %(week)s GROUP BY user_id) e ON e.user_id = x.user_id
                 WHERE x.n <= x.size - COALESCE(e.taken, 0)
                ON CONFLICT DO NOTHING
                """,
                {
                    "week": week_start,
                    "week_end": week_start + timedelta(days=6),
                    "users": user_ids,
                    "uid": self.env.uid,
                },
            )
            drawn += self.env.cr.rowcount
        self.invalidate_model()
        _logger.info("Call spot-checks: %s follow-ups drawn", drawn)
        return drawn

    def _showroom_apply_verdicts(self):
        """A breach fines the consultant (the company's spot-check rule), once; a
        later verdict drops that fine while it is still to review."""
        Fine = self.env["showroom.fine"]
        breaches = self.filtered(lambda check: check.verdict == "breach" and check.fine_id.state in (False, "dropped"))
        cleared = self.filtered(lambda check: check.verdict != "breach" and check.fine_id.state == "draft")
        if cleared:
            cleared.fine_id.write({"state": "dropped"})
            cleared.fine_id._showroom_log(_("Fine dropped: the spot-check verdict is no longer a breach"))
        if not breaches:
            return
        rules = self.env["showroom.fine.rule"]._showroom_rules_by_company(breaches.company_id)
        today_by_user = self.env["res.company"]._showroom_today_by_user(breaches.user_id)
        for check in breaches:
            rule = rules[check.company_id.id].get("spot_check")
            if not rule:
                raise UserError(
                    _("No active fine rule for call spot-check breaches in %(company)s.", company=check.company_id.name)
                )
            day = today_by_user[check.user_id.id]
            sheet = self.env["showroom.inspection"]._showroom_sheets(day, check.user_id)
            if sheet.state == "confirmed":
                raise UserError(
                    _("The inspection sheet of %(user)s for today is already confirmed.", user=check.user_id.name)
                )
            if check.fine_id.state == "dropped" and check.fine_id.day == day:
                fine = check.fine_id
                fine.write({"state": "draft"})
            else:
                # sudo: the manager records the fine on the sheet they review (fines are created by the system)
                fine = Fine.sudo().create(
                    {
                        "inspection_id": sheet.id,
                        "rule_id": rule.id,
                        "user_id": check.user_id.id,
                        "company_id": sheet.company_id.id,
                        "currency_id": sheet.company_id.currency_id.id,
                        "amount": rule.amount,
                        "day": day,
                        "res_model": self._name,
                        "res_id": check.id,
                    }
                )
            check.fine_id = fine
            fine._showroom_log(_("Call spot-check breach"), check.notes)
