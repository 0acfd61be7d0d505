from odoo import fields, models, tools

from .report_showroom_statement import CJK_FONT_FAMILY


class ShowroomFineStatement(models.Model):
    """The monthly statement of fines of one consultant (R8): confirmed fines
    (their corrections included) and waived ones, counted and summed per month,
    printed by rule and day with a signature line (``action_report_showroom_fine_statement``).
    A database view over ``showroom.fine``; its id is the first fine of the month,
    so that it stays the same between the list and the print."""

    _name = "showroom.fine.statement"
    _description = "Monthly fine statement"
    _auto = False
    _order = "month desc, user_id"
    _rec_name = "user_id"
    _depends = {"showroom.fine": ["user_id", "company_id", "currency_id", "day", "state", "amount", "correction_of_id"]}

    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True, help="The first day of the month.")
    confirmed_count = fields.Integer(string="Confirmed fines", readonly=True)
    amount_confirmed = fields.Monetary(
        string="Total due", readonly=True, help="Confirmed fines, net of their corrections."
    )
    waived_count = fields.Integer(string="Waived fines", readonly=True)
    amount_waived = fields.Monetary(string="Waived amount", readonly=True)
    draft_count = fields.Integer(string="Still to review", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS
            SELECT min(f.id) AS id, f.user_id, f.company_id, f.currency_id,
                   date_trunc('month', f.day)::date AS month,
                   count(*) FILTER (WHERE f.state = 'confirmed' AND f.correction_of_id IS NULL) AS confirmed_count,
                   COALESCE(sum(f.amount) FILTER (WHERE f.state = 'confirmed'), 0) AS amount_confirmed,
                   count(*) FILTER (WHERE f.state = 'waived') AS waived_count,
                   COALESCE(sum(f.amount) FILTER (WHERE f.state = 'waived'), 0) AS amount_waived,
                   count(*) FILTER (WHERE f.state = 'draft') AS draft_count
              FROM showroom_fine f
             WHERE f.state <> 'dropped'
             GROUP BY f.user_id, f.company_id, f.currency_id, date_trunc('month', f.day)
            """
        )

    def _showroom_fines(self):
        """The fines of this statement's consultant and month."""
        self.ensure_one()
        month_end = fields.Date.end_of(self.month, "month")
        return self.env["showroom.fine"].search(
            [
                ("user_id", "=", self.user_id.id),
                ("company_id", "=", self.company_id.id),
                ("day", ">=", self.month),
                ("day", "<=", month_end),
                ("state", "in", ("confirmed", "waived")),
            ],
            order="day, rule_id, id",
        )

    def _showroom_statement_values(self):
        """What the PDF prints: confirmed fines by rule (with their total), the
        waived ones apart, the font of the consultant's language."""
        self.ensure_one()
        fines = self._showroom_fines()
        confirmed = fines.filtered(lambda fine: fine.state == "confirmed")
        by_rule = [(rule, lines, sum(lines.mapped("amount"))) for rule, lines in confirmed.grouped("rule_id").items()]
        lang = self.user_id.lang or ""
        return {
            "by_rule": by_rule,
            "waived": fines.filtered(lambda fine: fine.state == "waived"),
            "font_family": CJK_FONT_FAMILY
            if lang.startswith("zh")
            else f"{self.company_id.font or 'Lato'}, {CJK_FONT_FAMILY}",
        }
