from collections import defaultdict

from odoo import _, api, models
from odoo.exceptions import AccessError

from ..tools import receivables
from ..tools.receivables import RECEIVABLE_DETAIL_GROUPS


class ReportShowroomStatement(models.AbstractModel):
    """G3 (电子催款单): the customer statement / dunning notice of the current
    company, in the customer's language.

    It lists the customer's open items (document, date, due date, original and open
    amount, days overdue) and, per currency, the total, the overdue amount and the
    ageing (not yet due, 1-30, 31-60, 61-90, over 90 days). Amounts are those the
    customer owes: in each document's own currency (``amount_residual_currency``),
    so a foreign-currency invoice shows what the customer pays, not its value in
    the company's currency. It becomes a payment reminder when something is
    overdue; the company's text for it is a setting (``showroom_statement_note``).
    Items age from the showroom's day of the company (its date is the statement's),
    never the context's time zone."""

    _name = "report.crm_showroom.report_showroom_statement"
    _description = "Customer statement and dunning notice"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not self.env.su and not self.env.user.has_groups(RECEIVABLE_DETAIL_GROUPS):
            raise AccessError(
                _("Only finance staff and users allowed to see receivable details can print customer statements.")
            )
        partners = self.env["res.partner"].browse(docids)
        company = self.env.company
        today = company._showroom_today()
        # sudo: the lines are those of the printed customers in the current company
        # only, and only users allowed to see receivable details get here (above);
        # consultants with these details may not read other consultants' invoices
        # through Odoo's record rules, but the statement is the customer's whole account.
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id.commercial_partner_id", "in", partners.commercial_partner_id.ids),
                    ("company_id", "=", company.id),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("account_id.account_type", "=", "asset_receivable"),
                ],
                order="date_maturity, date, id",
            )
        )
        lines_by_commercial = defaultdict(list)
        for line in lines:
            lines_by_commercial[line.partner_id.commercial_partner_id.id].append(line)
        statements = {
            partner.id: self._showroom_statement(lines_by_commercial[partner.commercial_partner_id.id], today)
            for partner in partners
        }
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "today": today,
            "statements": statements,
            "ageing_periods": list(receivables.AGEING_KEYS),
        }

    @api.model
    def _showroom_statement(self, lines, today):
        """Items and per-currency totals of one customer's statement."""
        items = []
        totals = {}
        for line in lines:
            currency = line.currency_id or line.company_currency_id
            due = line.date_maturity or line.date
            age = (today - due).days
            open_amount = line.amount_residual_currency if line.currency_id else line.amount_residual
            move = line.move_id
            items.append(
                {
                    "document": move.name,
                    "reference": move.ref or move.invoice_origin or (line.name if line.name != move.name else ""),
                    "date": move.invoice_date or line.date,
                    "due": due,
                    "currency": currency,
                    "original": line.amount_currency if line.currency_id else line.balance,
                    "open": open_amount,
                    # a credit (payment or credit note not allocated yet) is never overdue
                    "days_overdue": max(age, 0) if currency.compare_amounts(open_amount, 0.0) > 0 else 0,
                }
            )
            total = totals.setdefault(
                currency,
                {"currency": currency, "total": 0.0, "overdue": 0.0, **dict.fromkeys(receivables.AGEING_KEYS, 0.0)},
            )
            total["total"] += open_amount
            if receivables.in_period(age, *receivables.OVERDUE_PERIOD):
                total["overdue"] += open_amount
            total[receivables.ageing_key(age)] += open_amount
        return {
            "items": items,
            "totals": list(totals.values()),
            # a reminder only to a customer who owes something overdue, net of credits
            "has_overdue": any(
                total["currency"].compare_amounts(total["overdue"], 0.0) > 0
                and total["currency"].compare_amounts(total["total"], 0.0) > 0
                for total in totals.values()
            ),
        }
