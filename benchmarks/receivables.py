"""Benchmark of the receivables beside the customer (issue 3, G7; net figures, issue 7).

Seeds N customers (default 10,000) with M open receivable journal items (default
200,000): one real posted invoice is made through the ORM, then cloned with bulk
SQL into posted invoices of four installments each (receivable lines with their
residuals, some partly paid, due dates spread over -200..+60 days, and the
balancing income line) and, for a share of the lines (``--credit-share``, default
5%), into credit notes not matched to any invoice yet (one open credit line each,
spread over the customers). Then, on the same data, it computes the net due,
overdue, oldest-overdue days and ageing (not yet due, 1-30, 31-60, 61-90, over
90; the credits pay the oldest items first) of every customer:

* per-customer loops: one ``_read_group`` per customer (the best a loop does),
  and one ``search`` per customer reading its lines (what a compute method looping
  over partners usually does), each netting in Python by the rule
  (``tools.receivables.net_figures``);
* ``res.partner._showroom_receivable_figures()``, batched: one grouped query.

It prints the best wall time of ``--repeat`` runs and the SQL queries of each way, and the
ratios;
then, for information, reading the partner fields of all customers and loading
the finance list (``showroom.receivable.report``). Run it through
``benchmarks/run receivables [--partners N] [--lines M] [--credit-share F]``.
"""

import time

from _common import benchmark_parser, open_registry, superuser_env

from odoo import Command, fields
from odoo.tools import SQL

SEED_TAG = "bench-receivables"
INSTALLMENTS = 4


def seed(env, partners_count, lines_count, credit_share):
    """Create the customers (ORM, in batches) and their open invoices and credit
    notes (SQL clones of one real invoice). Previous seeds are removed first."""
    cr = env.cr
    cr.execute("SELECT id FROM account_move WHERE ref = %s", [SEED_TAG])
    old_moves = [row[0] for row in cr.fetchall()]
    if old_moves:
        cr.execute("DELETE FROM account_move_line WHERE move_id = ANY(%s)", [old_moves])
        cr.execute("DELETE FROM account_move WHERE id = ANY(%s)", [old_moves])
    Partner = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
    partners = Partner.search([("ref", "=", SEED_TAG)], order="id")
    users = env["res.users"].search([("share", "=", False)], limit=10)
    missing = partners_count - len(partners)
    for start in range(0, max(missing, 0), 2000):
        partners |= Partner.create(
            [
                {
                    "name": f"Bench customer {len(partners) + i}",
                    "is_company": True,
                    "ref": SEED_TAG,
                    "user_id": users[i % len(users)].id,
                }
                for i in range(min(2000, missing - start))
            ]
        )
    partners = partners[:partners_count]

    # the template: one real invoice, posted by Odoo
    template = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partners[0].id,
            "invoice_date": fields.Date.today(),
            "ref": SEED_TAG,
            "invoice_line_ids": [
                Command.create({"name": "Vehicle", "quantity": 1, "price_unit": 1000.0, "tax_ids": [Command.clear()]})
            ],
        }
    )
    template.action_post()
    receivable_line = template.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
    income_line = template.line_ids - receivable_line
    env.flush_all()

    credits_count = int(lines_count * credit_share)
    moves_count = (lines_count - credits_count) // INSTALLMENTS
    today = env["res.partner"]._showroom_receivable_today()
    # invoices: per move g and installment k, due today + ((7g + 13k) mod 261) - 200 days,
    # every 5th line half paid
    amount = SQL("(1000 + mod(g, 97) * 10)::numeric")  # per installment
    move_ids = clone_moves(
        cr, template, partners, "BENCH/", "out_invoice", moves_count, SQL("%s * %s", amount, INSTALLMENTS)
    )
    series = SQL(
        "unnest(%s::int[]) WITH ORDINALITY AS m(move_id, g), generate_series(1, %s) AS k",
        move_ids,
        INSTALLMENTS,
    )
    clone_lines(
        cr,
        receivable_line,
        income_line,
        partners,
        "BENCH/",
        series,
        move_ids,
        amount=amount,
        residual=SQL("CASE WHEN mod(g + k, 5) = 0 THEN %s / 2 ELSE %s END", amount, amount),
        due=SQL("(%s::date + (mod(7 * g + 13 * k, 261) - 200)::int)", today),
        installments=INSTALLMENTS,
    )
    # credit notes not matched yet: one open credit line each, 1.5 installments,
    # dated over the last 120 days, of customers spread over all (g * 7919)
    credit = SQL("(1500 + mod(g, 89) * 15)::numeric")
    credit_ids = clone_moves(cr, template, partners, "BENCHCR/", "out_refund", credits_count, credit, partner_step=7919)
    clone_lines(
        cr,
        receivable_line,
        income_line,
        partners,
        "BENCHCR/",
        SQL("unnest(%s::int[]) WITH ORDINALITY AS m(move_id, g), generate_series(1, 1) AS k", credit_ids),
        credit_ids,
        amount=SQL("(-(%s))", credit),
        residual=SQL("(-(%s))", credit),
        due=SQL("(%s::date - mod(g * 31, 120)::int)", today),
        installments=1,
        partner_step=7919,
    )
    cr.execute("ANALYZE account_move")
    cr.execute("ANALYZE account_move_line")
    cr.execute("ANALYZE res_partner")
    env.invalidate_all()
    return partners, len(move_ids) * INSTALLMENTS + len(credit_ids)


def _partner_of(partners, partner_step):
    """SQL: the customer of the g-th cloned move."""
    return SQL("(%s::int[])[1 + mod((g - 1) * %s, %s)]", partners.ids, partner_step, len(partners))


def clone_moves(cr, template, partners, prefix, move_type, count, total, partner_step=1):
    """``count`` posted copies of the ``template`` move, of ``total`` (SQL of g, their
    rank) each, named ``prefix`` || g."""
    sign = SQL("-1") if move_type == "out_refund" else SQL("1")
    overrides = {
        "name": SQL("%s || g", prefix),
        "move_type": SQL("%s", move_type),
        "partner_id": _partner_of(partners, partner_step),
        "commercial_partner_id": _partner_of(partners, partner_step),
        "amount_total": total,
        "amount_total_signed": SQL("%s * %s", sign, total),
        "amount_total_in_currency_signed": SQL("%s * %s", sign, total),
        "amount_untaxed": total,
        "amount_untaxed_signed": SQL("%s * %s", sign, total),
        "amount_residual": total,
        "amount_residual_signed": SQL("%s * %s", sign, total),
        "payment_state": SQL("'not_paid'"),
        "sequence_prefix": SQL("%s", prefix),
        "sequence_number": SQL("g"),
    }
    return clone(cr, "account_move", template.id, overrides, SQL("generate_series(1, %s) AS g", count))


def clone_lines(
    cr,
    receivable_line,
    income_line,
    partners,
    prefix,
    series,
    move_ids,
    *,
    amount,
    residual,
    due,
    installments,
    partner_step=1,
):
    """The receivable lines (one per row of ``series``: move_id, g, k) of the
    cloned moves, of ``amount`` (negative: a credit) with ``residual`` open, due on
    ``due``, and the balancing income line of each move."""
    line_common = {
        "move_id": SQL("m.move_id"),
        "partner_id": _partner_of(partners, partner_step),
        "move_name": SQL("%s || g", prefix),
    }
    clone(
        cr,
        "account_move_line",
        receivable_line.id,
        {
            **line_common,
            "balance": amount,
            "debit": SQL("GREATEST(%s, 0)", amount),
            "credit": SQL("GREATEST(-(%s), 0)", amount),
            "amount_currency": amount,
            "amount_residual": residual,
            "amount_residual_currency": residual,
            "date_maturity": due,
            "reconciled": SQL("FALSE"),
            "parent_state": SQL("'posted'"),
            "name": SQL("%s || g || ' installment ' || k", prefix),
        },
        series,
    )
    total = SQL("%s * %s", amount, installments)
    clone(
        cr,
        "account_move_line",
        income_line.id,
        {
            **line_common,
            "balance": SQL("(-(%s))", total),
            "credit": SQL("GREATEST(%s, 0)", total),
            "debit": SQL("GREATEST(-(%s), 0)", total),
            "amount_currency": SQL("(-(%s))", total),
            "price_unit": SQL("ABS(%s)", total),
            "price_subtotal": SQL("ABS(%s)", total),
            "price_total": SQL("ABS(%s)", total),
        },
        SQL("unnest(%s::int[]) WITH ORDINALITY AS m(move_id, g)", move_ids),
    )


def existing_seed(env, partners_count, lines_count, credit_share):
    """The customers of a previous seed of the same size, and its line count."""
    partners = env["res.partner"].search([("ref", "=", SEED_TAG)], order="id", limit=partners_count)
    env.cr.execute(
        "SELECT COUNT(*) FILTER (WHERE move_name LIKE 'BENCH/%%'), COUNT(*) FILTER (WHERE move_name LIKE 'BENCHCR/%%') "
        "FROM account_move_line WHERE move_name LIKE 'BENCH%%' AND display_type = 'payment_term'"
    )
    debits, credits = env.cr.fetchone()
    credits_count = int(lines_count * credit_share)
    expected = (lines_count - credits_count) // INSTALLMENTS * INSTALLMENTS
    if len(partners) == partners_count and (debits, credits) == (expected, credits_count):
        return partners, debits + credits
    return None, 0


def clone(cr, table, template_id, overrides, source):
    """INSERT copies of row ``template_id`` of ``table``, one per row of ``source``,
    with ``overrides`` ({column: SQL expression}); returns the new ids."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id' "
        "ORDER BY ordinal_position",
        [table],
    )
    columns = [row[0] for row in cr.fetchall()]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s, %s WHERE t.id = %s RETURNING id",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL(", ").join(overrides.get(column, SQL.identifier("t", column)) for column in columns),
            SQL("%s AS t", SQL.identifier(table)),
            source,
            template_id,
        )
    )
    return [row[0] for row in cr.fetchall()]


def _open_items_domain(env, partner_id):
    return [
        ("partner_id", "=", partner_id),
        ("parent_state", "=", "posted"),
        ("reconciled", "=", False),
        ("account_id.account_type", "=", "asset_receivable"),
        ("company_id", "in", env.companies.ids),
    ]


def _figures_of(items_by_company, today):
    """Net due, overdue, ageing and oldest overdue days of a customer's open items
    {company id: [(key, due date, open amount)]}, by the rule in Python
    (``tools.receivables.net_figures``, per company), summed over the companies."""
    from odoo.addons.crm_showroom.tools import receivables  # noqa: PLC0415 - after the addons path

    values = dict.fromkeys(["amount_due", "amount_overdue", *receivables.AGEING_KEYS], 0.0)
    oldest = None
    for items in items_by_company.values():
        figures = receivables.net_figures(items, today)
        for key in values:
            values[key] += figures[key]
        if figures["oldest_due_date"] and (oldest is None or figures["oldest_due_date"] < oldest):
            oldest = figures["oldest_due_date"]
    values["overdue_days"] = receivables.overdue_days(today, oldest, values["amount_overdue"] > 0.005)
    return values


def loop_read_group(env, partner_ids):
    """The best a per-customer loop does: one _read_group per customer, grouped by
    company and due date (the open amounts of each day listed: a day's debits and
    credits must not be summed before netting), and the netting in Python."""
    AML = env["account.move.line"]
    today = env["res.partner"]._showroom_receivable_today()
    figures = {}
    for partner_id in partner_ids:
        groups = AML._read_group(
            _open_items_domain(env, partner_id),
            groupby=["company_id", "date_maturity:day"],
            aggregates=["amount_residual:array_agg"],
        )
        if groups:
            items = {}
            for company, due, amounts in groups:
                items.setdefault(company.id, []).extend(
                    ((due, rank), due, amount) for rank, amount in enumerate(amounts)
                )
            figures[partner_id] = _figures_of(items, today)
    return figures


def loop_search(env, partner_ids):
    """What a compute method looping over partners usually does: one search per
    customer, then its lines' fields."""
    AML = env["account.move.line"]
    today = env["res.partner"]._showroom_receivable_today()
    figures = {}
    for partner_id in partner_ids:
        lines = AML.search(_open_items_domain(env, partner_id))
        if lines:
            items = {}
            for line in lines:
                items.setdefault(line.company_id.id, []).append((line.id, line.date_maturity, line.amount_residual))
            figures[partner_id] = _figures_of(items, today)
    return figures


def measure(registry, func, repeat):
    """Best wall time of ``repeat`` runs, each in a fresh cursor with empty caches."""
    best = None
    for _i in range(repeat):
        with superuser_env(registry) as env:
            env.invalidate_all()
            queries_before = env.cr.sql_log_count
            start = time.perf_counter()
            result = func(env)
            elapsed = time.perf_counter() - start
            queries = env.cr.sql_log_count - queries_before
            env.cr.rollback()
        if best is None or elapsed < best[1]:
            best = (result, elapsed, queries)
    return best


def same_figures(expected, actual, partner_ids):
    differ = 0
    for pid in partner_ids:
        if (pid in expected) != (pid in actual):
            differ += 1
        elif pid in expected:
            a, b = expected[pid], actual[pid]
            if a["overdue_days"] != b["overdue_days"] or any(
                abs(a[key] - b[key]) > 0.01 for key in a if key != "overdue_days"
            ):  # the keys of the loops' figures: amounts and overdue_days
                differ += 1
    return differ


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--credit-share", type=float, default=0.05, help="share of the lines that are open credits")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs of each way")
    parser.add_argument("--reseed", action="store_true", help="seed anew even if a seed of this size exists")
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        start = time.perf_counter()
        partners, lines = (
            existing_seed(env, args.partners, args.lines, args.credit_share) if not args.reseed else (None, 0)
        )
        if partners:
            print(
                f"reusing the seeded {len(partners):,} customers and {lines:,} open receivable lines (--reseed: anew)"
            )
        else:
            partners, lines = seed(env, args.partners, args.lines, args.credit_share)
            env.cr.commit()
            print(
                f"seeded {len(partners):,} customers with {lines:,} open receivable lines "
                f"in {time.perf_counter() - start:.1f} s"
            )
        partner_ids = partners.ids
    print(f"best of {args.repeat} runs of each way:")

    batched, batched_time, batched_queries = measure(
        registry, lambda env: env["res.partner"]._showroom_receivable_figures(partner_ids), args.repeat
    )
    print(f"batched (one grouped query)   : {batched_time:7.2f} s  {batched_queries:>7,} queries")
    by_group, group_time, group_queries = measure(registry, lambda env: loop_read_group(env, partner_ids), args.repeat)
    print(f"loop, read_group per customer : {group_time:7.2f} s  {group_queries:>7,} queries")
    by_search, search_time, search_queries = measure(registry, lambda env: loop_search(env, partner_ids), args.repeat)
    print(f"loop, search per customer     : {search_time:7.2f} s  {search_queries:>7,} queries")
    differ = same_figures(by_group, batched, partner_ids) + same_figures(by_search, batched, partner_ids)
    print(f"same figures all three ways: {'yes' if not differ else f'NO, {differ} customers differ'}")

    fnames = ["showroom_has_overdue", "showroom_amount_overdue", "showroom_amount_due", "showroom_overdue_days"]
    _rows, read_time, read_queries = measure(
        registry, lambda env: env["res.partner"].browse(partner_ids).read(fnames), 1
    )
    list_fields = [
        "partner_id",
        "user_id",
        "company_id",
        "amount_due",
        "amount_current",
        "amount_1_30",
        "amount_31_60",
        "amount_61_90",
        "amount_over_90",
        "overdue_days",
    ]
    _rows, list_time, list_queries = measure(
        registry,
        lambda env: env["showroom.receivable.report"].search_read([("partner_id", "in", partner_ids)], list_fields),
        1,
    )
    print(f"partner fields of all customers (read)     : {read_time:6.2f} s  {read_queries:,} queries")
    print(f"finance list of all customers (search_read): {list_time:6.2f} s  {list_queries:,} queries")
    sample = batched[partner_ids[0]]
    print("sample customer: " + ", ".join(f"{key}={value}" for key, value in sample.items()))
    print(
        f"RESULT receivables of {len(partner_ids):,} customers / {lines:,} open lines: {batched_time:.2f} s "
        f"(target < 2 s) in {batched_queries} queries; {group_time / batched_time:.1f}x faster than a loop of "
        f"read_group ({group_queries:,} queries), {search_time / batched_time:.1f}x faster than a loop of search "
        f"({search_queries:,} queries) (target >= 20x)"
    )


if __name__ == "__main__":
    main()
