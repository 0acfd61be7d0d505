from odoo import _, fields, models


class AccountPaymentTermLine(models.Model):
    """G2: an instalment of a payment term carries the name a dealership gives it
    (deposit, down payment, balance before delivery, loan disbursement), shown in
    the payment plan of the contract (``sale.order``). A kind names it in the
    user's language; a free label, translatable too, overrides it."""

    _inherit = "account.payment.term.line"

    showroom_instalment_kind = fields.Selection(
        [
            ("deposit", "Deposit"),
            ("down_payment", "Down payment"),
            ("balance", "Balance before delivery"),
            ("loan", "Loan disbursement"),
        ],
        string="Instalment",
        help="What this instalment is in a car purchase; names it in the contract's payment plan (G2).",
    )
    showroom_label = fields.Char(
        string="Instalment label",
        translate=True,
        help="A name of your own for this instalment in the contract's payment plan, instead of its kind.",
    )

    def _showroom_instalment_label(self, index):
        """The name of this instalment in a payment plan; ``index`` counts from 1."""
        self.ensure_one()
        if self.showroom_label:
            return self.showroom_label
        if self.showroom_instalment_kind:
            return dict(self._fields["showroom_instalment_kind"]._description_selection(self.env))[
                self.showroom_instalment_kind
            ]
        return _("Instalment %s", index)
