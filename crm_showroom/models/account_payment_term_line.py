from odoo import _, fields, models


class AccountPaymentTermLine(models.Model):
    """G2: an installment of a payment term carries the name a dealership gives it
    (deposit, down payment, balance before delivery, loan disbursement), shown in
    the payment plan of the contract (``sale.order``). A kind names it in the
    user's language; a free label, translatable too, overrides it."""

    _inherit = "account.payment.term.line"

    showroom_installment_kind = fields.Selection(
        [
            ("deposit", "Deposit"),
            ("down_payment", "Down payment"),
            ("balance", "Balance before delivery"),
            ("loan", "Loan disbursement"),
        ],
        string="Installment",
        help="What this installment is in a car purchase; names it in the contract's payment plan.",
    )
    showroom_label = fields.Char(
        string="Installment label",
        translate=True,
        help="A name of your own for this installment in the contract's payment plan, instead of its kind.",
    )

    def _showroom_installment_label(self, index):
        """The name of this installment in a payment plan; ``index`` counts from 1."""
        self.ensure_one()
        if self.showroom_label:
            return self.showroom_label
        if self.showroom_installment_kind:
            return dict(self._fields["showroom_installment_kind"]._description_selection(self.env))[
                self.showroom_installment_kind
            ]
        return _("Installment %s", index)
