from odoo import fields, models

from ..tools.receivables import RECEIVABLE_DETAIL_GROUPS


class ShowroomPartnerReceivableMixin(models.AbstractModel):
    """G7: the receivables of a record's customer (``partner_id``), shown beside
    it on opportunities and vehicles with the partner's own visibility rules:
    everyone sees whether the customer has overdue amounts and how much; the
    amount due, the days overdue and the credit limit use only the receivable
    details groups (finance, managers, or everyone when an admin allows it)."""

    _name = "showroom.partner.receivable.mixin"
    _description = "Showroom Customer Receivables"

    # declared for the related fields below; the models using the mixin define it
    partner_id = fields.Many2one("res.partner")

    showroom_partner_currency_id = fields.Many2one(related="partner_id.showroom_currency_id")
    showroom_partner_has_overdue = fields.Boolean(related="partner_id.showroom_has_overdue")
    showroom_partner_amount_overdue = fields.Monetary(
        related="partner_id.showroom_amount_overdue", currency_field="showroom_partner_currency_id"
    )
    showroom_partner_amount_due = fields.Monetary(
        related="partner_id.showroom_amount_due",
        currency_field="showroom_partner_currency_id",
        groups=RECEIVABLE_DETAIL_GROUPS,
    )
    showroom_partner_overdue_days = fields.Integer(
        related="partner_id.showroom_overdue_days", groups=RECEIVABLE_DETAIL_GROUPS
    )
    showroom_partner_credit_limit = fields.Monetary(
        related="partner_id.showroom_credit_limit",
        currency_field="showroom_partner_currency_id",
        groups=RECEIVABLE_DETAIL_GROUPS,
    )
    showroom_partner_credit_used = fields.Monetary(
        related="partner_id.showroom_credit_used",
        currency_field="showroom_partner_currency_id",
        groups=RECEIVABLE_DETAIL_GROUPS,
    )
    showroom_partner_credit_ratio = fields.Float(
        related="partner_id.showroom_credit_ratio", groups=RECEIVABLE_DETAIL_GROUPS
    )
