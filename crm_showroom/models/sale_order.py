from odoo import _, api, fields, models
from odoo.tools import float_compare


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------
    # CONTRACT AND OPPORTUNITY GRADE (R3, R5.1)
    # ------------------------------------------------------------
    # The contract is the order of the opportunity (sale_crm). R3: confirming it
    # makes the showroom opportunity grade O (ordered), kept open with O's weekly
    # follow-ups until the car is handed over; cancelling it before delivery gives
    # the opportunity back the grade it had, unless another confirmed order keeps
    # it at O. R5.1: delivering every vehicle of the order wins the opportunity
    # (see showroom.vehicle), which closes its follow-ups.

    def _action_confirm(self):
        result = super()._action_confirm()
        # sudo: the grade follows the contract the user may confirm; only these
        # orders' opportunities are written.
        self.opportunity_id.sudo()._showroom_set_ordered()
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        # sudo: as in _action_confirm
        self.opportunity_id.sudo()._showroom_restore_grade_before_order()
        return result

    def _showroom_win_delivered_opportunities(self):
        """R5.1: the opportunities of the confirmed orders of ``self`` whose vehicles
        are all delivered are won (a fleet order stays open until its last car)."""
        delivered = self.filtered(
            lambda order: order.state == "sale"
            and order.opportunity_id
            and all(
                float_compare(line.qty_delivered, line.product_uom_qty, precision_rounding=line.product_uom.rounding)
                >= 0
                for line in order.order_line
                if line.product_id.is_vehicle
            )
        )
        leads = delivered.opportunity_id._showroom_filter_open()
        if leads:
            leads.action_set_won()
        return leads

    # ------------------------------------------------------------
    # PAYMENT PLAN VERSUS ACTUAL (G2)
    # ------------------------------------------------------------
    # G2: the contract shows its payment plan - the installments of its payment
    # terms (deposit, balance before delivery, loan disbursement...) computed on the
    # order total from the order date - against what was actually invoiced, received
    # and is still open, read from its posted invoices and credit notes and their
    # payments (amount_residual): no parallel ledger. Amounts in the order's currency.

    showroom_amount_invoiced = fields.Monetary(
        string="Invoiced",
        compute="_compute_showroom_payment_plan",
        help="Posted invoices of this contract, net of credit notes.",
    )
    showroom_amount_received = fields.Monetary(
        string="Received",
        compute="_compute_showroom_payment_plan",
        help="What the customer paid on the contract's posted invoices.",
    )
    showroom_amount_open = fields.Monetary(
        string="Invoiced, not paid",
        compute="_compute_showroom_payment_plan",
        help="Open amount of the contract's posted invoices.",
    )
    showroom_amount_uninvoiced = fields.Monetary(
        string="Not invoiced yet",
        compute="_compute_showroom_payment_plan",
    )
    showroom_amount_planned_due = fields.Monetary(
        string="Due by plan",
        compute="_compute_showroom_payment_plan",
        help="What the payment plan expects to have been received by today.",
    )
    showroom_amount_behind_plan = fields.Monetary(
        string="Amount behind plan",
        compute="_compute_showroom_payment_plan",
        help="Due by plan but not received yet.",
    )
    showroom_payment_plan_state = fields.Selection(
        [("on_plan", "On plan"), ("behind", "Behind plan"), ("paid", "Fully paid")],
        string="Payment status",
        compute="_compute_showroom_payment_plan",
        help="Confirmed contracts only: fully paid, on plan, or behind the payment plan.",
    )
    showroom_payment_plan_html = fields.Html(
        string="Payment plan versus actual",
        compute="_compute_showroom_payment_plan",
        sanitize=False,
    )

    @api.depends(
        "state",
        "amount_total",
        "currency_id",
        "date_order",
        "payment_term_id",
        "order_line.invoice_lines.parent_state",
        "order_line.invoice_lines.move_id.amount_residual",
    )
    def _compute_showroom_payment_plan(self):
        """G2: every figure of the payment plan and its table, from one plan per
        order (``_showroom_payment_plans``), built once per read of any of them."""
        plans = self._showroom_payment_plans()
        QWeb = self.env["ir.qweb"]
        for order in self:
            plan = plans[order]
            order.showroom_amount_invoiced = plan["invoiced"]
            order.showroom_amount_received = plan["received"]
            order.showroom_amount_open = plan["open"]
            order.showroom_amount_uninvoiced = plan["uninvoiced"]
            order.showroom_amount_planned_due = plan["planned_due"]
            order.showroom_amount_behind_plan = plan["behind"]
            order.showroom_payment_plan_state = plan["state"]
            order.showroom_payment_plan_html = QWeb._render(
                "crm_showroom.sale_order_payment_plan", {"order": order, "plan": plan}
            )

    # ---- TOOLS ----

    def _showroom_payment_plans(self, today=None):
        """G2: the payment plan of each order versus its actual invoices and
        payments, ``{order: plan}`` where a plan holds, in the order's currency:

        * ``installments``: the payment terms' installments (label, due date, planned
          amount) with what was invoiced and received against each, allocated to the
          installments in due-date order, and a status;
        * ``invoices``: the posted invoices and credit notes (kind - down payment,
          balance invoice, invoice, credit note -, date, due date, amount, received,
          open, payment status);
        * totals ``invoiced``, ``received``, ``open``, ``uninvoiced``,
          ``planned_due`` (the installments due by today), ``behind`` and ``state``
          (``paid``, ``behind``, ``on_plan``; False for quotations and cancelled
          orders, which expect no money).

        "Today" is ``today`` if given, else the showroom's day of the order's
        company (never the context's time zone: a cron has none).
        """
        today_by_company = {}
        # sudo: the invoices of an order the user reads, as Odoo's own Invoices button
        # on the order shows them; consultants may not read an invoice created by
        # someone else under the invoice record rules, but its totals are part of the
        # contract they own.
        orders = self.sudo()
        plans = {}
        for order, order_sudo in zip(self, orders, strict=True):
            if today:
                order_today = today
            else:
                company = order.company_id or self.env.company
                if company not in today_by_company:
                    today_by_company[company] = company._showroom_today()
                order_today = today_by_company[company]
            currency = order.currency_id
            invoices = [
                order_sudo._showroom_invoice_figures(invoice)
                for invoice in order_sudo.invoice_ids.sorted(lambda move: (move.invoice_date or move.date, move.id))
            ]
            invoices = [invoice for invoice in invoices if invoice]
            invoiced = currency.round(sum(invoice["amount"] for invoice in invoices))
            open_amount = currency.round(sum(invoice["open"] for invoice in invoices))
            received = currency.round(invoiced - open_amount)
            installments = order_sudo._showroom_planned_installments()
            self._showroom_allocate(installments, "invoiced", invoiced, currency)
            self._showroom_allocate(installments, "received", received, currency)
            confirmed = order.state == "sale"
            planned_due = currency.round(sum(inst["amount"] for inst in installments if inst["date"] <= order_today))
            behind = max(currency.round(planned_due - received), 0.0) if confirmed else 0.0
            for inst in installments:
                inst["open"] = currency.round(inst["amount"] - inst["received"])
                if currency.is_zero(inst["open"]):
                    inst["status"] = "paid"
                elif confirmed and inst["date"] < order_today:
                    inst["status"] = "overdue"
                elif not currency.is_zero(inst["received"]):
                    inst["status"] = "partial"
                else:
                    inst["status"] = "planned"
            state = False
            if confirmed:
                if order.amount_total and currency.compare_amounts(received, order.amount_total) >= 0:
                    state = "paid"
                elif not currency.is_zero(behind):
                    state = "behind"
                else:
                    state = "on_plan"
            plans[order] = {
                "currency": currency,
                "installments": installments,
                "invoices": invoices,
                "invoiced": invoiced,
                "received": received,
                "open": open_amount,
                "uninvoiced": currency.round(order.amount_total - invoiced),
                "planned_due": planned_due if confirmed else 0.0,
                "behind": behind,
                "state": state,
                "status_labels": dict(self._showroom_installment_statuses()),
                "today": order_today,
            }
        return plans

    def _showroom_planned_installments(self):
        """The installments of the order's payment terms on its total, from the order
        date (``account.payment.term._compute_terms``, as invoices compute their due
        dates); one installment due on the order date without payment terms. The
        order date is the calendar day of ``date_order`` in the showroom's day of
        the order's company."""
        self.ensure_one()
        company = self.company_id or self.env.company
        order_date = company._showroom_date_of(self.date_order) if self.date_order else company._showroom_today()
        terms = self.payment_term_id
        if not terms or not terms.line_ids:
            return [self._showroom_installment(_("Payment in full"), order_date, self.amount_total)]
        computed = terms._compute_terms(
            date_ref=order_date,
            currency=self.currency_id,
            company=self.company_id,
            tax_amount=self.amount_tax,
            tax_amount_currency=self.amount_tax,
            sign=1,
            untaxed_amount=self.amount_untaxed,
            untaxed_amount_currency=self.amount_untaxed,
        )
        installments = [
            self._showroom_installment(
                term_line._showroom_installment_label(index), values["date"], values["foreign_amount"]
            )
            for index, (term_line, values) in enumerate(zip(terms.line_ids, computed["line_ids"], strict=True), start=1)
        ]
        return sorted(installments, key=lambda inst: inst["date"])

    @api.model
    def _showroom_installment(self, label, date, amount):
        return {"label": label, "date": date, "amount": amount, "invoiced": 0.0, "received": 0.0}

    @api.model
    def _showroom_allocate(self, installments, key, amount, currency):
        """Allocate ``amount`` to the installments in due-date order (first due, first
        paid); a surplus goes to the last one."""
        left = amount
        for inst in installments:
            part = min(inst["amount"], left) if left > 0 else 0.0
            inst[key] = currency.round(part)
            left -= part
        if installments and currency.compare_amounts(left, 0.0) > 0:
            installments[-1][key] = currency.round(installments[-1][key] + left)

    def _showroom_invoice_figures(self, invoice):
        """One posted invoice or credit note of the order: its kind and, for the part
        of it that belongs to this order, its amount, received and open amounts in the
        order's currency (negative for credit notes). None for drafts and cancelled ones."""
        self.ensure_one()
        if invoice.state != "posted":
            return None
        sign = -1 if invoice.move_type == "out_refund" else 1
        order_lines = invoice.invoice_line_ids.filtered(lambda line: line.sale_line_ids.order_id == self)
        share = 1.0
        if order_lines != invoice.invoice_line_ids and invoice.amount_total:
            # an invoice grouping several orders: this order's part of it
            share = sum(order_lines.mapped("price_total")) / invoice.amount_total
        amount = invoice.amount_total * share
        open_amount = invoice.amount_residual * share
        if invoice.currency_id != self.currency_id:
            date = invoice.invoice_date or invoice.date
            amount = invoice.currency_id._convert(amount, self.currency_id, self.company_id, date)
            open_amount = invoice.currency_id._convert(open_amount, self.currency_id, self.company_id, date)
        if invoice.move_type == "out_refund":
            kind = _("Credit note")
        elif invoice._is_downpayment():
            kind = _("Down-payment invoice")
        elif any(invoice.invoice_line_ids.mapped("is_downpayment")):
            kind = _("Balance invoice")
        else:
            kind = _("Invoice")
        payment_states = dict(invoice._fields["payment_state"]._description_selection(self.env))
        return {
            "invoice": invoice,
            "name": invoice.name,
            "kind": kind,
            "date": invoice.invoice_date,
            "due": invoice.invoice_date_due,
            "amount": sign * self.currency_id.round(amount),
            "open": sign * self.currency_id.round(open_amount),
            "received": sign * self.currency_id.round(amount - open_amount),
            "payment_state": payment_states.get(invoice.payment_state, ""),
        }

    @api.model
    def _showroom_installment_statuses(self):
        return [
            ("paid", _("Paid")),
            ("partial", _("Partly paid")),
            ("overdue", _("Overdue")),
            ("planned", _("Not yet due")),
        ]
