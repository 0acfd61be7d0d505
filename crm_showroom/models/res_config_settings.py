from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    group_showroom_receivable_details = fields.Boolean(
        string="Consultants see receivable details",
        implied_group="crm_showroom.group_showroom_receivable_details",
        group="base.group_user",
        help="Every employee sees a customer's total receivable, days overdue and credit use "
        "beside the customer. Off: consultants see only whether the customer is overdue and the "
        "overdue amount; finance staff and showroom managers always see the details.",
    )
    showroom_statement_note = fields.Html(
        related="company_id.showroom_statement_note",
        readonly=False,
    )
    showroom_tz = fields.Selection(
        related="company_id.showroom_tz",
        readonly=False,
    )
    showroom_max_km_per_day = fields.Integer(related="company_id.showroom_max_km_per_day", readonly=False)
    showroom_default_km_per_day = fields.Float(related="company_id.showroom_default_km_per_day", readonly=False)
    showroom_call_cap = fields.Integer(related="company_id.showroom_call_cap", readonly=False)
    showroom_spot_check_size = fields.Integer(
        related="company_id.showroom_spot_check_size",
        readonly=False,
    )
    showroom_fine_post_entries = fields.Boolean(
        related="company_id.showroom_fine_post_entries",
        readonly=False,
    )
    showroom_fine_journal_id = fields.Many2one(
        related="company_id.showroom_fine_journal_id",
        readonly=False,
        domain="[('type', '=', 'general'), ('company_id', '=', company_id)]",
    )
    showroom_fine_account_id = fields.Many2one(
        related="company_id.showroom_fine_account_id",
        readonly=False,
        domain="[('account_type', 'in', ('income', 'income_other')), ('company_ids', 'in', company_id)]",
    )
    # G6: churn warning
    showroom_churn_days = fields.Integer(related="company_id.showroom_churn_days", readonly=False)
    showroom_churn_negative_outcome_ids = fields.Many2many(
        related="company_id.showroom_churn_negative_outcome_ids",
        readonly=False,
    )
