from odoo import _, api, fields, models
from odoo.tools import SQL


class ShowroomFollowupComplianceReport(models.Model):
    """Follow-up compliance (G6, R4): per consultant (the follow-up's assignee),
    company, team and week, the governed follow-ups due, done on time, done late
    and missing, and the median hours from an opportunity's registration to its
    first done follow-up.

    The follow-ups are those the rule book governs, selected by the one
    definition of the follow-up mixin (``_showroom_governed_followup_sql``);
    follow-ups closed without execution (won, lost, returned) are no part of it.
    Weeks are calendar weeks (Monday first) of the showroom's day: a follow-up is
    *due* in the week of its deadline, *done* (on time: on or before its
    deadline; late: after) in the week of its ``date_done`` — both already the
    assignee's calendar day (R4.2) —, *missing* in the week of its deadline
    when it is still open and overdue in its assignee's today (the mixin's
    ``_showroom_due_domain``). "This week" and "last week" (``period``) are the
    company's. The median counts each opportunity once, in the week and for the
    consultant of its first done follow-up (the hours recorded on it when it was
    marked done); grouped over several weeks the pivot shows the average of the
    weekly medians (a median does not add up).

    Read at query time (``_table_query``): each follow-up gives a "due" event in
    the week of its deadline and, done, a "done" event in the week of its done
    day. The weeks are a series joined laterally to the follow-ups of each week
    (both dates are indexed), so that a filter on the week (``period``, the
    dashboard's "this week") reads that week's follow-ups only. A row's id is its
    smallest event (twice the follow-up's id, plus one for "done"): no window
    function stands between the filter and the follow-ups."""

    _name = "showroom.followup.compliance.report"
    _inherit = "showroom.weekly.report.mixin"
    _description = "Follow-up Compliance"
    _auto = False
    _rec_name = "user_id"
    _order = "week_start desc, missing_count desc, user_id"

    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    due_count = fields.Integer(string="Due", readonly=True, help="Follow-ups whose deadline falls in the week.")
    on_time_count = fields.Integer(
        string="Done on time", readonly=True, help="Follow-ups done in the week, on or before their deadline."
    )
    late_count = fields.Integer(
        string="Done late", readonly=True, help="Follow-ups done in the week, after their deadline."
    )
    missing_count = fields.Integer(
        string="Missing", readonly=True, help="Follow-ups due in the week, not done and past their deadline."
    )
    first_followup_count = fields.Integer(
        string="First follow-ups", readonly=True, help="Opportunities whose first follow-up was done in the week."
    )
    first_followup_hours = fields.Float(
        string="Median hours to first follow-up",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Median time from the opportunity's registration to its first done follow-up. Over several "
        "weeks or consultants: the average of the medians.",
    )

    _depends = {
        "mail.activity": [
            "res_model",
            "res_id",
            "active",
            "activity_type_id",
            "user_id",
            "date_deadline",
            "date_done",
            "showroom_first_followup_hours",
            "showroom_closed_reason",
        ],
        "mail.activity.type": ["is_showroom_followup"],
        "crm.lead": ["company_id", "team_id"],
        "res.users": ["company_id", "sale_team_id"],
    }

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT MIN(ev.event_id) AS id, ev.user_id, ev.company_id, ev.team_id, w.week_start,
                   COUNT(*) FILTER (WHERE ev.kind = 'due') AS due_count,
                   COUNT(*) FILTER (WHERE ev.kind = 'done' AND ev.date_done <= ev.date_deadline) AS on_time_count,
                   COUNT(*) FILTER (WHERE ev.kind = 'done' AND ev.date_done > ev.date_deadline) AS late_count,
                   COUNT(*) FILTER (WHERE ev.kind = 'due' AND ev.is_missing) AS missing_count,
                   COUNT(ev.first_hours) FILTER (WHERE ev.kind = 'done') AS first_followup_count,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY ev.first_hours)
                       FILTER (WHERE ev.kind = 'done') AS first_followup_hours
              FROM (%s) w
        CROSS JOIN LATERAL (
                   SELECT f.id * 2 AS event_id, 'due' AS kind, f.* FROM (%s) f
                    UNION ALL
                   SELECT f.id * 2 + 1, 'done', f.* FROM (%s) f
                   ) ev
          GROUP BY ev.user_id, ev.company_id, ev.team_id, w.week_start
            """,
            self._showroom_weeks_sql(),
            self._showroom_followup_facts_sql("date_deadline", SQL("w.week_start")),
            self._showroom_followup_facts_sql("date_done", SQL("w.week_start")),
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_followups(self):
        """The follow-ups behind a figure of this row, named by ``showroom_figure``
        in the context ("due", "on_time", "late", "missing"; none: all of the
        row's), done ones included: the same facts as the figures."""
        self.ensure_one()
        figure = self.env.context.get("showroom_figure")
        week = SQL("%s::date", self.week_start)
        due = self._showroom_followup_facts_sql("date_deadline", week)
        done = self._showroom_followup_facts_sql("date_done", week)
        facts = {
            "due": SQL("SELECT * FROM (%s) f", due),
            "missing": SQL("SELECT * FROM (%s) f WHERE f.is_missing", due),
            "on_time": SQL("SELECT * FROM (%s) f WHERE f.date_done <= f.date_deadline", done),
            "late": SQL("SELECT * FROM (%s) f WHERE f.date_done > f.date_deadline", done),
            None: SQL("SELECT * FROM (%s) f UNION SELECT * FROM (%s) f", due, done),
        }[figure]
        rows = self.env.execute_query(
            SQL(
                """SELECT f.id FROM (%s) f
                    WHERE f.user_id IS NOT DISTINCT FROM %s AND f.company_id IS NOT DISTINCT FROM %s
                      AND f.team_id IS NOT DISTINCT FROM %s""",
                facts,
                self.user_id.id or None,
                self.company_id.id or None,
                self.team_id.id or None,
            )
        )
        action = self.env["ir.actions.actions"]._for_xml_id("crm_showroom.mail_activity_action_showroom_compliance")
        action["domain"] = [("id", "in", [row[0] for row in rows])]
        action["context"] = {"active_test": False, "create": False}
        action["name"] = _("Follow-ups: %(row)s, week of %(week)s", row=self.display_name, week=self.week_start)
        return action

    def action_print(self):
        """The managers' PDF of the selected rows."""
        return self.env.ref("crm_showroom.action_report_showroom_followup_compliance").report_action(self)

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    @api.model
    def _showroom_followup_facts_sql(self, date_fname, week_start):
        """The governed follow-ups not closed without execution whose
        ``date_fname`` (``date_deadline`` or ``date_done``) falls in the week
        starting on ``week_start`` (SQL), one row each: its assignee, company and
        team (its opportunity's, else its assignee's), deadline, done day,
        whether it is missing (open and overdue in its assignee's day) and, the
        first done follow-up of an opportunity, the hours to it. Also read by
        ``showroom.followup.feedback.report``."""
        Mixin = self.env["showroom.followup.mixin"]
        governed = Mixin._showroom_governed_followup_sql("a")
        overdue = Mixin._showroom_where_sql("mail.activity", Mixin._showroom_due_domain("<"), "a")
        # the mixin's conditions come with their values inlined and ``%`` doubled: as SQL without parameters
        return SQL(
            """
            SELECT a.id, a.user_id, a.date_deadline, a.date_done,
                   COALESCE(lead.company_id, u.company_id) AS company_id,
                   COALESCE(lead.team_id, u.sale_team_id) AS team_id,
                   (%s) AS is_missing,
                   a.showroom_first_followup_hours AS first_hours
              FROM mail_activity a
         LEFT JOIN res_users u ON u.id = a.user_id
         LEFT JOIN crm_lead lead ON a.res_model = 'crm.lead' AND lead.id = a.res_id
                   %s
               AND a.showroom_closed_reason IS NULL
               AND a.%s BETWEEN %s AND %s + 6
            """,
            SQL(overdue),
            SQL(governed),
            SQL.identifier(date_fname),
            week_start,
            week_start,
        )

    @api.depends("user_id", "week_start")
    def _compute_display_name(self):
        for row in self:
            row.display_name = row.user_id.name or _("Unassigned")
