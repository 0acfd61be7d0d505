from odoo import _, api, fields, models
from odoo.tools import SQL


class ShowroomFollowupDashboard(models.Model):
    """The team's follow-ups now (R4.1, R4.2, R8): per consultant, grade and
    company, the open showroom opportunities with a follow-up due today, with one
    overdue, and without any open follow-up ("missing"). Each figure opens the
    opportunities behind it (``action_open_leads``).

    Read at query time (``_table_query``, as ``showroom.receivable.report``):
    "today" and "overdue" are in the day of each follow-up's assignee, computed by
    ``res.company._showroom_today_by_user`` and passed to the query, so the figures
    agree with ``crm.lead.showroom_followup_state`` and the consultants' "My
    Follow-ups Today" (never the context's time zone, nor the database clock).
    Due and overdue count the consultant who must make the call (the follow-up's
    assignee); missing ones, the opportunity's salesperson.

    The telemarketing queue's backlog (R6.1) comes as one row per call milestone
    and company: its entries *waiting* for a telemarketing user with room under
    the cap (``waiting_count``, opened by ``action_open_waiting_calls``)."""

    _name = "showroom.followup.dashboard"
    _description = "Team Follow-ups"
    _auto = False
    _order = "overdue_count desc, missing_count desc, today_count desc, id"

    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    grade_id = fields.Many2one("showroom.grade", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    today_count = fields.Integer(string="Due today", readonly=True)
    overdue_count = fields.Integer(string="Overdue", readonly=True)
    missing_count = fields.Integer(
        string="Missing", readonly=True, help="Open showroom opportunities without an open follow-up (R4.1)."
    )
    milestone_id = fields.Many2one("showroom.mileage.milestone", string="Call milestone", readonly=True)
    waiting_count = fields.Integer(
        string="Waiting calls",
        readonly=True,
        help="Base customers waiting in the telemarketing queue: every member of the milestone's team has "
        "the cap of open calls (R6.1).",
    )

    _depends = {
        "crm.lead": ["type", "active", "team_id", "stage_id", "user_id", "showroom_grade_id", "company_id"],
        "crm.team": ["is_showroom", "company_id"],
        "crm.stage": ["is_won"],
        "mail.activity": ["res_model", "res_id", "active", "activity_type_id", "user_id", "date_deadline"],
        "mail.activity.type": ["is_showroom_followup"],
        "showroom.milestone.call": ["state", "milestone_id", "company_id"],
    }

    @property
    def _table_query(self):
        # sudo: only the time zones and companies of colleagues are read
        users = self.env["res.users"].sudo().with_context(active_test=False).search([("share", "=", False)])
        user_days = self.env["res.company"]._showroom_today_by_user(users)
        companies = self.env["res.company"].sudo().search([])
        return SQL(
            """
            WITH user_day(user_id, today) AS (VALUES %(user_days)s),
                 company_day(company_id, today) AS (VALUES %(company_days)s),
                 open_lead AS (
                    SELECT lead.id, lead.user_id, lead.showroom_grade_id,
                           COALESCE(lead.company_id, team.company_id) AS company_id
                      FROM crm_lead lead
                      JOIN crm_team team ON team.id = lead.team_id AND team.is_showroom
                 LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
                     WHERE lead.type = 'opportunity' AND lead.active AND NOT COALESCE(stage.is_won, FALSE)
                 ),
                 followup AS (
                    SELECT act.res_id AS lead_id, act.user_id, act.date_deadline
                      FROM mail_activity act
                      JOIN mail_activity_type act_type
                        ON act_type.id = act.activity_type_id AND act_type.is_showroom_followup
                     WHERE act.res_model = 'crm.lead' AND act.active
                 ),
                 fact AS (
                    SELECT followup.user_id, lead.showroom_grade_id AS grade_id, lead.company_id, lead.id AS lead_id,
                           CASE WHEN followup.date_deadline < COALESCE(user_day.today, company_day.today)
                                THEN 'overdue'
                                WHEN followup.date_deadline = COALESCE(user_day.today, company_day.today)
                                THEN 'today' END AS state
                      FROM followup
                      JOIN open_lead lead ON lead.id = followup.lead_id
                 LEFT JOIN user_day ON user_day.user_id = followup.user_id
                 LEFT JOIN company_day ON company_day.company_id = lead.company_id
                     UNION ALL
                    SELECT lead.user_id, lead.showroom_grade_id, lead.company_id, lead.id, 'missing'
                      FROM open_lead lead
                     WHERE NOT EXISTS (SELECT 1 FROM followup WHERE followup.lead_id = lead.id)
                 ),
                 figure AS (
                    SELECT user_id, grade_id, company_id, NULL::int AS milestone_id,
                           COUNT(DISTINCT lead_id) FILTER (WHERE state = 'today') AS today_count,
                           COUNT(DISTINCT lead_id) FILTER (WHERE state = 'overdue') AS overdue_count,
                           COUNT(DISTINCT lead_id) FILTER (WHERE state = 'missing') AS missing_count,
                           0 AS waiting_count
                      FROM fact
                     WHERE state IS NOT NULL
                  GROUP BY user_id, grade_id, company_id
                     UNION ALL
                    -- R6.1: the telemarketing queue's backlog per milestone
                    SELECT NULL, NULL, company_id, milestone_id, 0, 0, 0, COUNT(*)
                      FROM showroom_milestone_call
                     WHERE state = 'waiting'
                  GROUP BY company_id, milestone_id
                 )
            SELECT ROW_NUMBER() OVER (
                       ORDER BY milestone_id NULLS FIRST, user_id NULLS FIRST, grade_id NULLS FIRST, company_id
                   ) AS id, *
              FROM figure
            """,
            user_days=SQL(", ").join(SQL("(%s, %s::date)", uid, day) for uid, day in user_days.items())
            or SQL("(NULL::int, NULL::date)"),
            # unassigned follow-ups: the day of the opportunity's company
            company_days=SQL(", ").join(
                SQL("(%s, %s::date)", company.id, company._showroom_today()) for company in companies
            ),
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_leads(self):
        """The open showroom opportunities behind one figure of this row, named by
        ``showroom_figure`` in the context: "today", "overdue" or "missing"."""
        self.ensure_one()
        figure = self.env.context.get("showroom_figure")
        Lead = self.env["crm.lead"]
        if figure == "missing":
            figure_domain = [("showroom_followup_state", "=", "none"), ("user_id", "=", self.user_id.id)]
        elif figure in ("today", "overdue"):
            due = self.env["showroom.followup.mixin"]._showroom_due_domain("=" if figure == "today" else "<")
            figure_domain = [("activity_ids", "any", [*due, ("user_id", "=", self.user_id.id)])]
        else:
            raise ValueError(figure)
        labels = dict(self._showroom_figure_labels())
        return {
            "name": _("%(figure)s: %(consultant)s", figure=labels[figure], consultant=self.display_name),
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "views": [(self.env.ref("crm.crm_case_tree_view_oppor").id, "list"), (False, "form")],
            "domain": [
                *Lead._showroom_open_domain(),
                ("showroom_grade_id", "=", self.grade_id.id),
                ("company_id", "in", (self.company_id.id, False)),
                *figure_domain,
            ],
            "context": {"create": False},
        }

    def action_open_waiting_calls(self):
        """The entries of the telemarketing queue behind this row's waiting figure."""
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_showroom.showroom_milestone_call_action_all")
        action["domain"] = [
            ("state", "=", "waiting"),
            ("milestone_id", "=", self.milestone_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        action["context"] = {"create": False}
        return action

    @api.depends("user_id", "grade_id", "milestone_id")
    def _compute_display_name(self):
        for row in self:
            if row.milestone_id:
                row.display_name = _("Call queue: %s", row.milestone_id.display_name)
                continue
            row.display_name = " / ".join(
                filter(None, (row.user_id.name or _("Unassigned"), row.grade_id.display_name))
            )

    def _showroom_figure_labels(self):
        return [
            ("today", self._fields["today_count"]._description_string(self.env)),
            ("overdue", self._fields["overdue_count"]._description_string(self.env)),
            ("missing", self._fields["missing_count"]._description_string(self.env)),
        ]
