from odoo import api, fields, models


class ShowroomGradeHistory(models.Model):
    """One change of the grade of an opportunity (R3, G6): which grade it left,
    which it took, when, and who changed it.

    Written by ``crm.lead`` itself at every door (create, write, import, RPC, the
    order confirmation that makes it O): a grade is never changed without its row.
    The rows feed the funnel (``showroom.funnel.report``: how many opportunities
    that entered H were ordered in time) and the movements between grades over
    time. ``day`` is the change's calendar day in the company's showroom time zone
    (``res.company._showroom_tz_name``), so weeks and months of the reports are the
    showroom's. Existing databases get the rows of the past from the grade's mail
    tracking (migration 18.0.1.5.0). Nobody edits them: users only read (their own
    opportunities' rows for consultants, their companies' for managers)."""

    _name = "showroom.grade.history"
    _description = "Grade Change"
    _order = "date desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade")
    old_grade_id = fields.Many2one("showroom.grade", string="From grade", ondelete="restrict", index=True)
    new_grade_id = fields.Many2one("showroom.grade", string="To grade", ondelete="restrict", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    day = fields.Date(
        required=True,
        index=True,
        help="The day of the change in the company's showroom time zone.",
    )
    user_id = fields.Many2one("res.users", string="Changed by", ondelete="set null")
    lead_user_id = fields.Many2one(
        related="lead_id.user_id", string="Salesperson", help="The opportunity's salesperson now."
    )
    company_id = fields.Many2one("res.company", index=True)
    team_id = fields.Many2one("crm.team", string="Sales team", ondelete="set null")

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _showroom_record(self, changes):
        """Write one row per ``(lead, old grade, new grade)`` of ``changes`` whose
        grades differ, at this moment and by the current user, in one INSERT.
        sudo: the rows are a log of the opportunity's own write, which the user was
        allowed to make; nobody may write them directly."""
        now = fields.Datetime.now()
        days = {}
        values = []
        for lead, old_grade, new_grade in changes:
            if old_grade == new_grade:
                continue
            company = lead.company_id or lead.team_id.company_id
            if company not in days:
                days[company] = (company or self.env.company)._showroom_date_of(now)
            values.append(
                {
                    "lead_id": lead.id,
                    "old_grade_id": old_grade.id,
                    "new_grade_id": new_grade.id,
                    "date": now,
                    "day": days[company],
                    "user_id": self.env.uid,
                    "company_id": company.id,
                    "team_id": lead.team_id.id,
                }
            )
        return self.sudo().create(values) if values else self.browse()
