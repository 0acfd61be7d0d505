from odoo import fields, models
from odoo.tools import SQL

from .showroom_followup_compliance_report import PERIODS, ShowroomFollowupComplianceReport


class ShowroomFollowupFeedbackReport(models.Model):
    """What customers say most (G6, R4.3): the feedback reasons recorded on the
    done follow-ups of the compliance report (same follow-ups, same weeks: the
    week of the done day), one row per consultant, company, team, week and
    reason, counting the follow-ups done with that reason."""

    _name = "showroom.followup.feedback.report"
    _description = "Follow-up Feedback Reasons"
    _auto = False
    _rec_name = "reason_id"
    _order = "week_start desc, followup_count desc, reason_id"

    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    week_start = fields.Date(string="Week", readonly=True, help="The Monday of the week, in the showroom's day.")
    period = fields.Selection(PERIODS, readonly=True, help="The week, relative to the company's today.")
    reason_id = fields.Many2one("showroom.feedback.reason", string="Feedback reason", readonly=True)
    followup_count = fields.Integer(string="Follow-ups", readonly=True)

    _depends = {
        **ShowroomFollowupComplianceReport._depends,
        "mail.activity": [*ShowroomFollowupComplianceReport._depends["mail.activity"], "showroom_feedback_reason_ids"],
    }

    @property
    def _table_query(self):
        return self.env["showroom.followup.compliance.report"]._showroom_weekly_sql(
            SQL(
                """
                SELECT f.user_id, f.company_id, f.team_id, date_trunc('week', f.date_done)::date AS week_start,
                       rel.reason_id, COUNT(*) AS followup_count
                  FROM (%s) f
                  JOIN mail_activity_showroom_feedback_reason_rel rel ON rel.activity_id = f.id
                 WHERE f.date_done IS NOT NULL
              GROUP BY f.user_id, f.company_id, f.team_id, 4, rel.reason_id
                """,
                self.env["showroom.followup.compliance.report"]._showroom_followup_facts_sql(),
            ),
            ["user_id", "company_id", "team_id", "reason_id"],
        )
