from datetime import date

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomCase


class ShowroomAccountCase(ShowroomCase, AccountTestInvoicingCommon):
    """The showroom fixture on a company with a chart of accounts (G2, G7).

    The Dingzhou store (``company``, CNY, Odoo's generic chart from
    ``AccountTestInvoicingCommon``) and a Hong Kong branch (``company_2``, HKD, its
    own chart); USD as a foreign currency. Rates are shared by both companies (no
    company on the rate): 1 CNY = 0.14 USD until the end of February 2026, 0.15
    from March; 1 CNY = 1.08 HKD. Real invoices, down payments and payments are
    made through Odoo's own documents and wizards, never written to the ledger."""

    @classmethod
    def setup_independent_company(cls, **kwargs):
        # the showroom's books are kept in yuan
        cny = cls.env.ref("base.CNY")
        cny.active = True
        return super().setup_independent_company(currency_id=cny.id, **kwargs)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cny = cls.env.ref("base.CNY")
        cls.usd = cls.env.ref("base.USD")
        cls.hkd = cls.env.ref("base.HKD")
        (cls.cny | cls.usd | cls.hkd).write({"active": True})
        cls.env["res.currency.rate"].search([("currency_id", "in", (cls.cny | cls.usd | cls.hkd).ids)]).unlink()
        cls.env["res.currency.rate"].create(
            [
                {"currency_id": cls.usd.id, "name": "2020-01-01", "rate": 0.14, "company_id": False},
                {"currency_id": cls.usd.id, "name": "2026-03-01", "rate": 0.15, "company_id": False},
                {"currency_id": cls.hkd.id, "name": "2020-01-01", "rate": 1.08, "company_id": False},
            ]
        )
        cls.company_data_2 = cls.setup_other_company(name="Hong Kong Branch", currency_id=cls.hkd.id)
        cls.company_2 = cls.company_data_2["company"]
        cls.env.user.company_ids |= cls.company_2
        for user in (cls.manager, cls.consultant, cls.consultant_2):
            user.company_ids |= cls.company_2

        cls.finance = mail_new_test_user(
            cls.env,
            login="sr_finance",
            name="Qian Finance",
            tz="Asia/Shanghai",
            groups="crm_showroom.group_showroom_finance",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.company_2).ids)],
        )
        cls.term_deposit = cls.env.ref("crm_showroom.payment_term_deposit_balance")
        cls.term_loan = cls.env.ref("crm_showroom.payment_term_down_payment_loan")
        cls.car = cls.env["product.product"].create(
            {
                "name": "SUV 2.0T Deluxe",
                "type": "consu",
                "list_price": 200000.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
                "property_account_income_id": cls.company_data["default_account_revenue"].id,
            }
        )

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @classmethod
    def _customer(cls, name, user=None, **values):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, "user_id": (user or cls.consultant).id, **values}
        )

    @classmethod
    def _invoice(
        cls, partner, amount, invoice_date, due_date=None, company=None, currency=None, move_type="out_invoice"
    ):
        """A posted customer invoice (or credit note) of one untaxed line, due on
        ``due_date`` (default: its date)."""
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    "invoice_date_due": due_date or invoice_date,
                    "invoice_payment_term_id": False,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Vehicle", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoices, amount=None, payment_date=None, currency=None):
        """Register a payment on ``invoices`` through Odoo's payment wizard."""
        values = {"payment_date": payment_date or fields.Date.today()}
        if amount is not None:
            values["amount"] = amount
        if currency:
            values["currency_id"] = currency.id
        wizard = (
            cls.env["account.payment.register"]
            .with_company(invoices.company_id)
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(values)
        )
        return wizard._create_payments()

    @classmethod
    def _order(cls, partner, price=200000.0, payment_term=None, order_date=None, lead=None):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": cls.consultant.id,
                "payment_term_id": (payment_term or cls.term_deposit).id,
                "date_order": order_date or fields.Datetime.now(),
                "opportunity_id": lead.id if lead else False,
                "order_line": [Command.create({"product_id": cls.car.id, "product_uom_qty": 1, "price_unit": price})],
            }
        )
        return order

    @classmethod
    def _down_payment(cls, order, percentage):
        """A posted down-payment invoice through Odoo's "Create invoice" wizard."""
        wizard = (
            cls.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": percentage})
        )
        wizard.create_invoices()
        invoice = order.invoice_ids.filtered(lambda move: move.state == "draft")
        invoice.action_post()
        return invoice

    @classmethod
    def _final_invoice(cls, order):
        wizard = (
            cls.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        invoice = order.invoice_ids.filtered(lambda move: move.state == "draft")
        invoice.action_post()
        return invoice

    @staticmethod
    def _d(text):
        return date.fromisoformat(text)
