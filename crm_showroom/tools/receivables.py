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

Net figures. A customer's open credits (payments and credit notes not matched to
an invoice yet: the items with a negative open amount) pay its oldest debts
first, as the customer's account would once reconciled: per commercial entity
and company, in the company's currency (before any conversion), the credits are
applied to the open debit items in the order of their due date, then id (FIFO).
An item's *net* amount is what remains unpaid of it. So:

* the overdue amount is the net amount of the items past their due date: a
  customer whose total due is zero or less is never overdue;
* each ageing period holds the net amount of the items of that age; credit left
  once every debit is covered shows as a negative amount in "not yet due", so the
  periods still add up to the total due;
* the days overdue count from the due date of the oldest item still unpaid.

Credits of one company never pay another company's items (another legal entity,
another ledger).
"""

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


def period_of(bucket):
    """(first, last) days overdue of a figure: an ageing period (a key of
    ``AGEING_PERIODS``) or ``amount_overdue``; ``None`` for anything else."""
    periods = {key: (first, last) for key, first, last in AGEING_PERIODS}
    periods[OVERDUE_KEY] = OVERDUE_PERIOD
    return periods.get(bucket)


# ------------------------------------------------------------
# NETTING (the rule, in Python)
# ------------------------------------------------------------
# The addon runs the SQL below. These functions state the same rule in plain
# Python, step for step as the SQL computes it: the tests and the benchmark's
# per-customer loops check the SQL against them.


def net_amounts(items, precision=0.005):
    """``{key: net}`` of the open items of ONE customer in ONE company, as
    ``net_items_query`` computes them: ``items`` are (key, due date, open amount)
    with keys that sort as the items' ids. A running sum over the credits
    (negative amounts) first, then the debits by due date and key: a debit keeps
    what the running sum exceeds 0 by at it (0 within ``precision``), at most its
    own amount. A credit's net amount is 0 (what credit is left over is
    ``min(0, total)``, see ``net_figures``)."""
    running = 0.0
    net = {}
    for key, _due, amount in sorted(items, key=lambda item: (item[2] > 0, item[1], item[0])):
        running += amount
        net[key] = min(amount, running) if amount > 0 and running > precision else 0.0
    return net


def net_figures(items, today, precision=0.005):
    """The figures of the open items of ONE customer in ONE company, as
    ``aggregates()`` computes them: (key, due date, open amount) items, aged at
    ``today``. Returns amount_due, amount_overdue, the ageing keys,
    oldest_due_date and overdue_days."""
    items = list(items)
    net = net_amounts(items, precision=precision)
    total = sum(amount for _key, _due, amount in items)
    figures = dict.fromkeys(["amount_due", OVERDUE_KEY, *AGEING_KEYS], 0.0)
    figures["amount_due"] = total
    figures["amount_current"] = min(total, 0.0)
    oldest = None
    for key, due, amount in items:
        if amount < 0:
            continue
        age = (today - due).days
        figures[ageing_key(age)] += net[key]
        if age > 0:
            figures[OVERDUE_KEY] += net[key]
            if net[key] > 0 and (oldest is None or due < oldest):
                oldest = due
    figures["oldest_due_date"] = oldest
    figures["overdue_days"] = overdue_days(today, oldest, figures[OVERDUE_KEY] > precision)
    return figures


def bucket_line_ids(rows, bucket, precision=0.005):
    """The ids of the open items behind one figure, for the drill-down: ``rows``
    are those of ``net_items_query`` (id, partner_id, company_id, amount, due,
    age, net) of one customer; ``bucket`` an ageing period (a key of
    ``AGEING_PERIODS``) or ``amount_overdue``; anything else: all the items.

    A net figure opens the debit items of its age (those the credits cover
    too: a figure of 0 shows what paid it) and, when the credits changed the
    figure, the customer's credits in that company: some item of that age is
    (partly) covered, or, for "not yet due", credit is left over. Amounts within
    ``precision`` of each other are equal."""
    period = period_of(bucket)
    if period is None:
        return sorted(row[0] for row in rows)
    ids = []
    by_company = {}
    for line_id, _partner_id, company_id, amount, _due, age, net in rows:
        by_company.setdefault(company_id, []).append((line_id, amount, age, net))
    for items in by_company.values():
        debits = [
            (line_id, amount, net) for line_id, amount, age, net in items if amount >= 0 and in_period(age, *period)
        ]
        credit_ids = [line_id for line_id, amount, _age, _net in items if amount < 0]
        covered = any(amount - net > precision for _line_id, amount, net in debits)
        left_over = bucket == AGEING_KEYS[0] and sum(amount for _line_id, amount, _age, _net in items) < -precision
        ids += [line_id for line_id, _amount, _net in debits]
        if covered or left_over:
            ids += credit_ids
    return sorted(ids)


# ------------------------------------------------------------
# SQL
# ------------------------------------------------------------
# The figures of many customers come from one grouped query: the open items of
# each commercial entity and company get their net amount from one running sum
# over them, credits first, then debits in due-date order (``net_items_query``),
# are summed per commercial entity and company, in the company's currency
# (``per_partner``), then these few rows per commercial entity are converted into
# the target currency (``showroom_rate``) and summed (``rollup``).


def open_items_query(today, company_ids, partner_ids=None):
    """SQL: the open receivable journal items of ``company_ids``: posted, not fully
    reconciled, on a receivable account; of the commercial entities
    ``partner_ids`` (default: all). Columns: id, partner_id (the commercial
    entity of the item's partner), company_id, amount (open amount in the
    company's currency), due (the due date, else the date) and age (days past due
    at ``today``; 0 or less: not due yet).

    float8: summing floats is much faster than numerics, and amounts are rounded
    to the currency afterwards, as the ORM's Monetary fields are (see ``rollup``).
    The caller flushes the fields read (``account.move.line``: account_id,
    amount_residual, company_id, date, date_maturity, parent_state, partner_id,
    reconciled; ``account.account``: account_type; ``res.partner``:
    commercial_partner_id)."""
    partner_filter = SQL()
    if partner_ids is not None:
        partner_filter = SQL("AND contact.commercial_partner_id = ANY(%s)", list(partner_ids))
    return SQL(
        """SELECT line.id, contact.commercial_partner_id AS partner_id, line.company_id,
                  line.amount_residual::float8 AS amount,
                  COALESCE(line.date_maturity, line.date) AS due,
                  %s::date - COALESCE(line.date_maturity, line.date) AS age
             FROM account_move_line line
             JOIN res_partner contact ON contact.id = line.partner_id
            WHERE line.parent_state = 'posted'
              AND line.reconciled IS NOT TRUE
              AND line.account_id = ANY(ARRAY(
                  SELECT id FROM account_account WHERE account_type = 'asset_receivable'))
              AND line.company_id = ANY(%s)
              %s""",
        today,
        list(company_ids),
        partner_filter,
    )


def net_items_query(today, company_ids, partner_ids=None, precision=0.005):
    """SQL: the open items of ``open_items_query`` with their net amount (see the
    module's docstring): columns id, partner_id, company_id, amount, due, age and
    net.

    One running sum per customer and company (``fifo``) over its credits first,
    then its debits by due date and id: at a debit, it is what this debit and the
    ones before it exceed all the credits by; the debit keeps that, at most its
    own amount. Running sums within ``precision`` (half the smallest rounding of
    the currencies) of 0 are 0: a debit the credits just cover is not left with
    the crumbs of float arithmetic."""
    return SQL(
        """SELECT item.id, item.partner_id, item.company_id, item.amount, item.due, item.age,
                  CASE WHEN item.amount > 0 AND SUM(item.amount) OVER fifo > %s
                       THEN LEAST(item.amount, SUM(item.amount) OVER fifo) ELSE 0 END AS net
             FROM (%s) item
           WINDOW fifo AS (PARTITION BY item.partner_id, item.company_id
                           ORDER BY item.amount > 0, item.due, item.id ROWS UNBOUNDED PRECEDING)""",
        precision,
        open_items_query(today, company_ids, partner_ids=partner_ids),
    )


def aggregates():
    """``{key: SQL}``: the aggregates of the figures over the net items ``item``
    of ``net_items_query``: total, overdue, each ageing period
    (``AGEING_PERIODS``; credit left over goes to the first, "not yet due") and
    the oldest due date not paid."""
    result = {
        "amount_due": SQL("SUM(item.amount)"),
        OVERDUE_KEY: SQL("SUM(item.net) FILTER (WHERE item.age > 0)"),
    }
    for key, first, last in AGEING_PERIODS:
        conditions = []
        if first is not None:
            conditions.append(SQL("item.age >= %s", first))
        if last is not None:
            conditions.append(SQL("item.age <= %s", last))
        result[key] = SQL("SUM(item.net) FILTER (WHERE %s)", SQL(" AND ").join(conditions))
        if key == AGEING_KEYS[0]:
            result[key] = SQL("COALESCE(%s, 0) + LEAST(SUM(item.amount), 0)", result[key])
    result["oldest_due_date"] = SQL("MIN(item.due) FILTER (WHERE item.age > 0 AND item.net > 0)")
    return result


def figure_keys():
    """The keys of the figures of ``rollup``: those of ``aggregates`` and
    ``line_count``."""
    return [*aggregates(), "line_count"]


def per_partner_query(today, company_ids, partner_ids=None, precision=0.005):
    """SQL: the figures of the open items per commercial entity and company, in
    the company's currency. Columns: partner_id (the commercial entity),
    company_id, id (the smallest item id), line_count and the keys of
    ``aggregates``. ``precision``: see ``net_items_query``."""
    return SQL(
        """SELECT item.partner_id, item.company_id, MIN(item.id) AS id, COUNT(*) AS line_count, %s
             FROM (%s) item
         GROUP BY item.partner_id, item.company_id""",
        SQL(", ").join(SQL("%s AS %s", expr, SQL.identifier(key)) for key, expr in aggregates().items()),
        net_items_query(today, company_ids, partner_ids=partner_ids, precision=precision),
    )


def rate_table(rates):
    """A VALUES table ``showroom_rate(company_id, rate)`` from ``rates``, pairs
    (company id, rate converting the company's currency into the target one)."""
    rows = [SQL("(%s, %s::float8)", company_id, rate) for company_id, rate in rates]
    return SQL("(VALUES %s) AS showroom_rate(company_id, rate)", SQL(", ").join(rows))


def receivable_from(today, rates, partner_ids=None, precision=0.005):
    """SQL FROM clause of the figures: the figures per commercial entity and
    company of the open items (``per_partner``, see ``per_partner_query``; one
    groups on its ``partner_id``, the commercial entity) of the companies of
    ``rates`` (see ``rate_table``) and the rate of their company
    (``showroom_rate``). ``precision``: see ``net_items_query``."""
    rates = list(rates)
    return SQL(
        """(%s) per_partner
           JOIN %s ON showroom_rate.company_id = per_partner.company_id""",
        per_partner_query(
            today, [company_id for company_id, _rate in rates], partner_ids=partner_ids, precision=precision
        ),
        rate_table(rates),
    )


def rollup(keys, digits=None):
    """``{key: SQL}`` summing the figures ``keys`` of ``per_partner`` (FROM
    ``receivable_from``) per group, converted with ``showroom_rate``; amounts
    rounded to ``digits`` decimals (the target currency's) when given, so that
    credits which cover the debits leave exactly 0."""
    result = {}
    for key in keys:
        if key == "oldest_due_date":
            result[key] = SQL("MIN(per_partner.oldest_due_date)")
        elif key == "line_count":
            result[key] = SQL("SUM(per_partner.line_count)::int")
        else:
            amount = SQL("COALESCE(SUM(%s * showroom_rate.rate), 0)", SQL.identifier("per_partner", key))
            if digits is not None:
                amount = SQL("ROUND(%s::numeric, %s)", amount, digits)
            result[key] = SQL("%s::float8", amount)
    return result


def consultant(commercial, company_id):
    """SQL: the consultant of the commercial entity ``commercial`` (an alias of
    ``res_partner``) in the company ``company_id`` (SQL or a value): its
    salesperson, else the salesperson of its last confirmed sale order in that
    company. The caller flushes ``res.partner``: commercial_partner_id, user_id
    and ``sale.order``: company_id, date_order, partner_id, state, user_id."""
    return SQL(
        """COALESCE(%(commercial)s.user_id, (
               SELECT sale.user_id
                 FROM sale_order sale
                WHERE sale.partner_id IN (
                          SELECT id FROM res_partner WHERE commercial_partner_id = %(commercial)s.id)
                  AND sale.company_id = %(company)s
                  AND sale.state = 'sale'
                  AND sale.user_id IS NOT NULL
             ORDER BY sale.date_order DESC, sale.id DESC
                LIMIT 1))""",
        commercial=SQL.identifier(commercial),
        company=company_id,
    )
