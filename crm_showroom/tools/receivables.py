"""Customer receivables (G7, G3): the ageing periods and the SQL of the figures.

Pure code, no ORM: the caller passes the day the ageing counts from (the
showroom's day, see ``tools/showroom_day.py``), the companies and the currency
rates. ``res.partner`` (the figures beside the customer), the finance list
``showroom.receivable.report`` and the customer statement all build on these, so
the three always agree.

The figures come from Odoo's journal items: the open (not fully reconciled)
lines of posted entries on receivable accounts. An item's due date is its
``date_maturity``, else its ``date``; its age is the number of days from the due
date to today (0 or less: not due yet).
"""

from datetime import timedelta

from odoo.osv import expression
from odoo.tools import SQL

# G7: who sees a customer's receivable details (total, oldest overdue days, credit
# limit and its use). Everyone else sees only whether the customer is overdue and
# the overdue amount. The settings switch "Consultants see receivable details"
# implies the first group on every employee.
RECEIVABLE_DETAIL_GROUPS = (
    "crm_showroom.group_showroom_receivable_details,account.group_account_invoice,account.group_account_readonly"
)

# Ageing periods in days overdue, as in Odoo's aged receivable: not yet due,
# 1-30, 31-60, 61-90, over 90. (key, first day, last day)
AGEING_PERIODS = (
    ("amount_current", None, 0),
    ("amount_1_30", 1, 30),
    ("amount_31_60", 31, 60),
    ("amount_61_90", 61, 90),
    ("amount_over_90", 91, None),
)
AGEING_KEYS = tuple(key for key, _first, _last in AGEING_PERIODS)
# everything past its due date: one day old or more
OVERDUE_KEY = "amount_overdue"
OVERDUE_PERIOD = (1, None)


# ------------------------------------------------------------
# AGEING
# ------------------------------------------------------------


def in_period(age, first, last):
    """Whether an item ``age`` days past its due date falls in the period
    ``first``..``last`` (``None``: open-ended)."""
    return (first is None or age >= first) and (last is None or age <= last)


def ageing_key(age):
    """The key of the ageing period of an item ``age`` days past its due date."""
    return next(key for key, first, last in AGEING_PERIODS if in_period(age, first, last))


def overdue_days(today, oldest_due_date, is_overdue):
    """Days since the oldest due date not paid, 0 when nothing is overdue (an
    overdue invoice that unallocated payments or credit notes cover is no delay)."""
    return (today - oldest_due_date).days if oldest_due_date and is_overdue else 0


def bucket_domain(bucket, today):
    """Domain on ``account.move.line`` of the items of one figure: an ageing
    period (a key of ``AGEING_PERIODS``) or ``amount_overdue``; anything else: no
    condition (all open items). Matches ``aggregates()``."""
    periods = {key: (first, last) for key, first, last in AGEING_PERIODS}
    periods[OVERDUE_KEY] = OVERDUE_PERIOD
    if bucket not in periods:
        return []
    first, last = periods[bucket]

    def on(fname):
        domain = []
        if first is not None:  # at least `first` days old: due on or before today - first
            domain.append((fname, "<=", today - timedelta(days=first)))
        if last is not None:
            domain.append((fname, ">=", today - timedelta(days=last)))
        return domain

    return expression.OR(
        [
            [("date_maturity", "!=", False), *on("date_maturity")],
            [("date_maturity", "=", False), *on("date")],
        ]
    )


# ------------------------------------------------------------
# SQL
# ------------------------------------------------------------
# The figures of many customers come from one grouped query: the open items are
# first summed per partner and company, in the company's currency
# (``per_partner``), then these few rows per commercial entity are converted into
# the target currency (``showroom_rate``) and summed (``rollup``).


def open_items_query(today, company_ids, partner_ids=None):
    """SQL: the open receivable journal items of ``company_ids``: posted, not fully
    reconciled, on a receivable account; of the commercial entities
    ``partner_ids`` (default: all). Columns: id, partner_id, company_id, amount
    (open amount in the company's currency), due (the due date, else the date) and
    age (days past due at ``today``; 0 or less: not due yet).

    The caller flushes the fields read (``account.move.line``: account_id,
    amount_residual, company_id, date, date_maturity, parent_state, partner_id,
    reconciled; ``account.account``: account_type; ``res.partner``:
    commercial_partner_id)."""
    partner_filter = SQL()
    if partner_ids is not None:
        partner_filter = SQL(
            "AND line.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))",
            list(partner_ids),
        )
    # float8: summing floats is much faster than numerics, and amounts are
    # rounded to the currency afterwards, as the ORM's Monetary fields are.
    return SQL(
        """SELECT line.id, line.partner_id, line.company_id,
                  line.amount_residual::float8 AS amount,
                  COALESCE(line.date_maturity, line.date) AS due,
                  %s::date - COALESCE(line.date_maturity, line.date) AS age
             FROM account_move_line line
            WHERE line.parent_state = 'posted'
              AND line.reconciled IS NOT TRUE
              AND line.account_id = ANY(ARRAY(
                  SELECT id FROM account_account WHERE account_type = 'asset_receivable'))
              AND line.company_id = ANY(%s)
              AND line.partner_id IS NOT NULL
              %s""",
        today,
        list(company_ids),
        partner_filter,
    )


def aggregates():
    """``{key: SQL}``: the aggregates of the figures over the open items ``item``
    of ``open_items_query``: total, overdue, each ageing period
    (``AGEING_PERIODS``) and the oldest due date not paid."""
    result = {
        "amount_due": SQL("SUM(item.amount)"),
        OVERDUE_KEY: SQL("SUM(item.amount) FILTER (WHERE item.age > 0)"),
    }
    for key, first, last in AGEING_PERIODS:
        conditions = []
        if first is not None:
            conditions.append(SQL("item.age >= %s", first))
        if last is not None:
            conditions.append(SQL("item.age <= %s", last))
        result[key] = SQL("SUM(item.amount) FILTER (WHERE %s)", SQL(" AND ").join(conditions))
    result["oldest_due_date"] = SQL("MIN(item.due) FILTER (WHERE item.age > 0 AND item.amount > 0)")
    return result


def figure_keys():
    """The keys of the figures of ``rollup``: those of ``aggregates`` and
    ``line_count``."""
    return [*aggregates(), "line_count"]


def per_partner_query(today, company_ids, partner_ids=None):
    """SQL: the figures of the open items per partner and company, in the
    company's currency. Columns: partner_id, company_id, id (the smallest item
    id), line_count and the keys of ``aggregates``."""
    return SQL(
        """SELECT item.partner_id, item.company_id, MIN(item.id) AS id, COUNT(*) AS line_count, %s
             FROM (%s) item
         GROUP BY item.partner_id, item.company_id""",
        SQL(", ").join(SQL("%s AS %s", expr, SQL.identifier(key)) for key, expr in aggregates().items()),
        open_items_query(today, company_ids, partner_ids=partner_ids),
    )


def rate_table(rates):
    """A VALUES table ``showroom_rate(company_id, rate)`` from ``rates``, pairs
    (company id, rate converting the company's currency into the target one)."""
    rows = [SQL("(%s, %s::float8)", company_id, rate) for company_id, rate in rates]
    return SQL("(VALUES %s) AS showroom_rate(company_id, rate)", SQL(", ").join(rows))


def receivable_from(today, rates, partner_ids=None):
    """SQL FROM clause of the figures: the figures per partner and company of the
    open items (``per_partner``, see ``per_partner_query``) of the companies of
    ``rates`` (see ``rate_table``), their partner (``partner``, whose
    ``commercial_partner_id`` one groups on) and the rate of their company
    (``showroom_rate``)."""
    rates = list(rates)
    return SQL(
        """(%s) per_partner
           JOIN res_partner partner ON partner.id = per_partner.partner_id
           JOIN %s ON showroom_rate.company_id = per_partner.company_id""",
        per_partner_query(today, [company_id for company_id, _rate in rates], partner_ids=partner_ids),
        rate_table(rates),
    )


def rollup(keys):
    """``{key: SQL}`` summing the figures ``keys`` of ``per_partner`` (FROM
    ``receivable_from``) per group, converted with ``showroom_rate``."""
    result = {}
    for key in keys:
        if key == "oldest_due_date":
            result[key] = SQL("MIN(per_partner.oldest_due_date)")
        elif key == "line_count":
            result[key] = SQL("SUM(per_partner.line_count)::int")
        else:
            result[key] = SQL("COALESCE(SUM(%s * showroom_rate.rate), 0)::float8", SQL.identifier("per_partner", key))
    return result
