from collections import defaultdict

from odoo import _, api, models
from odoo.exceptions import AccessError

from ..tools import receivables
from ..tools.receivables import RECEIVABLE_DETAIL_GROUPS

# The font of Chinese text: the Simplified Chinese face of Noto CJK (fontconfig
# would otherwise pick any CJK face, e.g. the Japanese one, whose glyphs differ for
# many hanzi). The page of a Chinese customer is set in it; other pages in the
# company's report font, with it for Chinese words (the company's name, an address).
CJK_FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans CJK', sans-serif"


class ReportShowroomStatement(models.AbstractModel):
    """G3 (电子催款单): the customer statement / dunning notice of the current
    company, in the customer's language.

    The page carries the company's letterhead (name, address, phone, email, tax
    and registry numbers, bank accounts) and the person to call (the customer's
    consultant) in its body, not in the report header and footer, so it prints
    the same with any wkhtmltopdf (Debian's, built without patched Qt, drops
    headers and footers).

    It lists the customer's open items (document, date, due date, original and open
    amount, days overdue) in each document's own currency, so a foreign-currency
    invoice shows what the customer pays. The summary (total due, overdue amount
    and ageing: not yet due, 1-30, 31-60, 61-90, over 90 days) is in the company's
    currency and net of the customer's open credits, which pay the oldest items
    first: the very figures of the receivables list (``tools/receivables.py``).
    An item the credits cover shows no days overdue. It becomes a payment reminder
    when a net amount is overdue; the company's text for it is a setting
    (``showroom_statement_note``). Items age from the showroom's day of the
    company (its date is the statement's), never the context's time zone."""

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
        commercial_ids = partners.commercial_partner_id.ids
        # sudo: the lines are those of the printed customers in the current company
        # only, and only users allowed to see receivable details get here (above);
        # consultants with these details may not read other consultants' invoices
        # through Odoo's record rules, but the statement is the customer's whole account.
        Partner = self.env["res.partner"].sudo()
        figures = Partner._showroom_receivable_figures(commercial_ids, today=today, companies=company)
        net = {row[0]: row[6] for row in Partner._showroom_receivable_items(commercial_ids, company, today=today)}
        consultants = Partner._showroom_consultants(commercial_ids, company)
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id.commercial_partner_id", "in", commercial_ids),
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
        statements = {}
        for partner in partners:
            commercial = partner.commercial_partner_id
            statement = self._showroom_statement(
                lines_by_commercial[commercial.id], net, figures.get(commercial.id), company, today
            )
            consultant = consultants.get(commercial.id) or self.env["res.users"]
            statement["consultant"] = consultant.sudo()
            statement["font_family"] = (
                CJK_FONT_FAMILY
                if (partner.lang or "").startswith("zh")
                else f"{company.font or 'Lato'}, {CJK_FONT_FAMILY}"
            )
            statements[partner.id] = statement
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            # sudo: the company's own bank accounts, printed for the customer to pay into
            "company_banks": company.sudo().partner_id.bank_ids,
            "today": today,
            "statements": statements,
            "ageing_periods": list(receivables.AGEING_KEYS),
            # no report header (the letterhead is in the body, see the template): a
            # small top margin instead of the paper format's room for one
            "data_report_margin_top": 12,
            "data_report_header_spacing": 0,
        }

    @api.model
    def _showroom_statement(self, lines, net, figures, company, today):
        """Items and net summary of one customer's statement: ``lines`` its open
        items in ``company``, ``net`` the net amount of each item by id (see
        ``res.partner._showroom_receivable_items``), ``figures`` its figures in
        ``company`` (``res.partner._showroom_receivable_figures``; None: no open
        item)."""
        currency = company.currency_id
        items = []
        for line in lines:
            line_currency = line.currency_id or line.company_currency_id
            due = line.date_maturity or line.date
            age = (today - due).days
            move = line.move_id
            unpaid = currency.compare_amounts(net.get(line.id, 0.0), 0.0) > 0
            items.append(
                {
                    "document": move.name,
                    "reference": move.ref or move.invoice_origin or (line.name if line.name != move.name else ""),
                    "date": move.invoice_date or line.date,
                    "due": due,
                    "currency": line_currency,
                    "original": line.amount_currency if line.currency_id else line.balance,
                    "open": line.amount_residual_currency if line.currency_id else line.amount_residual,
                    # in the company's currency, shown beside foreign-currency items
                    "open_company": line.amount_residual,
                    # a credit, or an item the customer's credits cover, is never overdue
                    "days_overdue": max(age, 0) if unpaid else 0,
                }
            )
        summary = False
        if figures:
            summary = {
                "currency": currency,
                "total": figures["amount_due"],
                "overdue": figures[receivables.OVERDUE_KEY],
                "overdue_days": figures["overdue_days"],
                **{key: figures[key] for key in receivables.AGEING_KEYS},
            }
        return {
            "items": items,
            "summary": summary,
            "foreign_currency": any(item["currency"] != currency for item in items),
            # a reminder only to a customer who owes something overdue, net of credits
            "has_overdue": bool(summary) and currency.compare_amounts(summary["overdue"], 0.0) > 0,
        }
