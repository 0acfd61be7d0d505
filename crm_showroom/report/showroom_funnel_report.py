from odoo import _, fields, models
from odoo.tools import SQL


class ShowroomFunnelReport(models.Model):
    """The showroom's funnel (G6, R3): one row per showroom opportunity (open,
    won or lost), with its grade, source channel, consultant, car wanted and
    region, for the pivot and graph of CRM > Reporting > Funnel.

    Measures: the opportunities, the won ones and the conversion rate (won / all,
    an average of 0 or 100 per row, so it stays right in every group); the
    opportunities that entered H and, among them, those that became O within
    grade H's order window (``showroom.grade.order_window_days``, 7 days) counted
    in showroom days from the day they first entered H, read from
    ``showroom.grade.history``. ``date`` is the opportunity's creation and
    ``h_date`` its first day in H, both calendar days in the company's showroom
    time zone (``res.company._showroom_tz_name``), so a week or a month is the
    showroom's, and the search's comparison filters compare showroom periods."""

    _name = "showroom.funnel.report"
    _description = "Showroom Funnel Analysis"
    _auto = False
    _rec_name = "lead_id"
    _order = "date desc, id desc"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    date = fields.Date(string="Created on", readonly=True)
    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    grade_id = fields.Many2one("showroom.grade", readonly=True)
    channel_id = fields.Many2one("showroom.source.channel", string="Source channel", readonly=True)
    product_id = fields.Many2one("product.product", string="Car wanted", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Model", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    city_id = fields.Many2one("res.city", string="County / District", readonly=True)
    city = fields.Char(readonly=True)
    status = fields.Selection([("open", "Open"), ("won", "Won"), ("lost", "Lost")], readonly=True)
    h_date = fields.Date(string="Entered H on", readonly=True)
    opportunity_count = fields.Integer(string="Opportunities", readonly=True)
    won_count = fields.Integer(string="Won", readonly=True)
    conversion_rate = fields.Float(
        string="Conversion (%)", readonly=True, aggregator="avg", help="Won opportunities out of all, in percent."
    )
    entered_h_count = fields.Integer(string="Entered H", readonly=True)
    h_to_o_count = fields.Integer(
        string="H→O in time",
        readonly=True,
        help="Opportunities that became O (ordered) within grade H's order window (7 days) of first entering H.",
    )
    h_to_o_rate = fields.Float(
        string="H→O in time (%)",
        readonly=True,
        aggregator="avg",
        help="Out of the opportunities that entered H, those that became O within grade H's order window.",
    )

    _depends = {
        "crm.lead": [
            "type",
            "active",
            "team_id",
            "stage_id",
            "user_id",
            "company_id",
            "create_date",
            "showroom_grade_id",
            "showroom_channel_id",
            "showroom_product_id",
            "state_id",
            "city_id",
            "city",
        ],
        "crm.team": ["is_showroom", "company_id"],
        "crm.stage": ["is_won"],
        "showroom.grade": ["code", "order_window_days"],
        "showroom.grade.history": ["lead_id", "new_grade_id", "date", "day"],
        "res.company": ["showroom_tz"],
    }

    @property
    def _table_query(self):
        # the grades H and O by their (unique) codes, and H's window, as literals: the
        # planner then joins the history set-based (no subquery per opportunity)
        grades = {
            grade.code: grade
            for grade in self.env["showroom.grade"]
            .sudo()
            .with_context(active_test=False)
            .search([("code", "in", ("H", "O"))])
        }
        grade_h, grade_o = grades.get("H"), grades.get("O")
        return SQL(
            """
            WITH %(company_day)s,
                 entered_h AS (
                    SELECT DISTINCT ON (hist.lead_id) hist.lead_id, hist.date, hist.day
                      FROM showroom_grade_history hist
                     WHERE hist.new_grade_id = %(grade_h)s
                  ORDER BY hist.lead_id, hist.date, hist.id
                 ),
                 h_to_o AS (
                    SELECT DISTINCT entered_h.lead_id
                      FROM entered_h
                      JOIN showroom_grade_history moved
                        ON moved.lead_id = entered_h.lead_id AND moved.new_grade_id = %(grade_o)s
                       AND moved.date >= entered_h.date AND moved.day <= entered_h.day + %(window)s
                     WHERE %(window)s > 0
                 )
            SELECT lead.id, lead.id AS lead_id,
                   (lead.create_date AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(company_day.tz, %(default_tz)s))::date
                       AS date,
                   lead.user_id, lead.team_id, COALESCE(lead.company_id, team.company_id) AS company_id,
                   lead.showroom_grade_id AS grade_id, lead.showroom_channel_id AS channel_id,
                   lead.showroom_product_id AS product_id, product.product_tmpl_id,
                   lead.state_id, lead.city_id, lead.city,
                   CASE WHEN lead.active AND stage.is_won THEN 'won' WHEN lead.active THEN 'open' ELSE 'lost' END
                       AS status,
                   entered_h.day AS h_date,
                   1 AS opportunity_count,
                   (lead.active AND COALESCE(stage.is_won, FALSE))::int AS won_count,
                   CASE WHEN lead.active AND stage.is_won THEN 100.0 ELSE 0.0 END AS conversion_rate,
                   (entered_h.lead_id IS NOT NULL)::int AS entered_h_count,
                   (h_to_o.lead_id IS NOT NULL)::int AS h_to_o_count,
                   CASE WHEN entered_h.lead_id IS NOT NULL
                        THEN CASE WHEN h_to_o.lead_id IS NOT NULL THEN 100.0 ELSE 0.0 END END AS h_to_o_rate
              FROM crm_lead lead
              JOIN crm_team team ON team.id = lead.team_id AND team.is_showroom
         LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
         LEFT JOIN product_product product ON product.id = lead.showroom_product_id
         LEFT JOIN company_day ON company_day.company_id = COALESCE(lead.company_id, team.company_id)
         LEFT JOIN entered_h ON entered_h.lead_id = lead.id
         LEFT JOIN h_to_o ON h_to_o.lead_id = lead.id
             WHERE lead.type = 'opportunity'
            """,
            company_day=self.env["res.company"]._showroom_company_day_sql(),
            default_tz=self.env.company._showroom_tz_name(),
            grade_h=grade_h.id if grade_h else None,
            grade_o=grade_o.id if grade_o else None,
            window=grade_h.order_window_days if grade_h else 0,
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_opportunities(self):
        """The opportunities behind the selected rows (archived, lost ones included)."""
        return {
            "name": _("Opportunities"),
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.lead_id.ids)],
            "context": {"active_test": False, "create": False},
        }
