from odoo import fields, models
from odoo.tools import SQL

from .showroom_followup_compliance_report import ShowroomFollowupComplianceReport


class ShowroomFollowupFeedbackReport(models.Model):
    """What customers say most (G6, R4.3): the feedback reasons recorded on the
    done follow-ups of the compliance report (same follow-ups, same weeks: the
    week of the done day), one row per consultant, company, team, week and
    reason, counting the follow-ups done with that reason. A row's id: its
    smallest follow-up's, times 100,000, plus the reason's (an activity is in one
    row per reason)."""

    _name = "showroom.followup.feedback.report"
    _inherit = "showroom.weekly.report.mixin"
    _description = "Follow-up Feedback Reasons"
    _auto = False
    _rec_name = "reason_id"
    _order = "week_start desc, followup_count desc, reason_id"

    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    reason_id = fields.Many2one("showroom.feedback.reason", string="Feedback reason", readonly=True)
    followup_count = fields.Integer(string="Follow-ups", readonly=True)

    _depends = {
        **ShowroomFollowupComplianceReport._depends,
        "mail.activity": [*ShowroomFollowupComplianceReport._depends["mail.activity"], "showroom_feedback_reason_ids"],
    }

    @property
    def _table_query(self):
        Compliance = self.env["showroom.followup.compliance.report"]
        return SQL(
            """
            SELECT MIN(f.id)::bigint * 100000 + rel.reason_id AS id, f.user_id, f.company_id, f.team_id,
                   w.week_start, rel.reason_id, COUNT(*) AS followup_count
              FROM (%s) w
        CROSS JOIN LATERAL (%s) f
              JOIN mail_activity_showroom_feedback_reason_rel rel ON rel.activity_id = f.id
          GROUP BY f.user_id, f.company_id, f.team_id, w.week_start, rel.reason_id
            """,
            self._showroom_weeks_sql(),
            Compliance._showroom_followup_facts_sql("date_done", SQL("w.week_start")),
        )
