"""Churn warning (G6): which base customers are at risk, in SQL.

Pure code, no ORM: the caller passes, for each company, its showroom day, its
churn period and its negative call outcomes. ``res.partner._showroom_churn_update``
runs the statement for the daily cron and when a customer is reached (an answered
call, a new mileage reading), so that both judge by the same rule.

A base customer (``res.partner.is_base_customer``) is at risk when

* its cars have not been *seen* for longer than the churn period: the last day
  one of its delivered cars was seen — delivered, given an odometer reading of
  any source (delivery, service visit, call, import, by hand), or the customer
  answered a base-customer call about it (any outcome but "unreachable") — is
  before the company's day minus the period (``showroom_churn_days``); with cars
  in several companies, the most lenient of their companies' limits counts;
* or the outcomes of its last two base-customer calls (by done day, then id)
  are both negative: each call is judged by the negative outcomes of its queue
  entry's company (``showroom_churn_negative_outcome_ids``, a setting; none: the
  company's calls are never negative).

Everyone else (a customer reached again, one that is no longer a base
customer) is cleared.
"""

from odoo.tools import SQL

# The outcome of a call that found nobody: the customer was not reached.
UNREACHED_OUTCOME = "unreachable"

# Reasons (res.partner.showroom_churn_reason)
REASON_NOT_SEEN = "not_seen"
REASON_NEGATIVE_CALLS = "negative_calls"
REASON_BOTH = "not_seen_negative_calls"


def churn_state_query(rules, partner_ids):
    """SQL: one row (partner_id, reason, last_seen) per partner of
    ``partner_ids``: the churn reason (NULL: not at risk) and the last day its
    cars were seen (NULL: no delivered car). ``rules`` are (company id, the
    company's day, churn period in days, negative call outcomes: a list of
    ``showroom.milestone.call.outcome`` values) of every company whose cars and
    calls count.

    The caller flushes what it reads: ``res.partner`` is_base_customer;
    ``showroom.vehicle`` active, company_id, delivery_date, partner_id, state;
    ``showroom.odometer`` date, vehicle_id; ``showroom.milestone.call``
    company_id, partner_id, vehicle_id; ``mail.activity`` active, date_done,
    res_id, res_model, showroom_call_outcome."""
    rule_rows = SQL(", ").join(
        SQL("(%s, %s::date, %s, %s::text[])", company_id, day, days, list(negative))
        for company_id, day, days, negative in rules
    )
    return SQL(
        """
        WITH rule(company_id, today, days, negative) AS (VALUES %(rules)s),
        batch AS (
            SELECT partner.id AS partner_id, partner.is_base_customer
              FROM res_partner partner
             WHERE partner.id = ANY(%(partner_ids)s)
        ),
        car AS (
            SELECT vehicle.id, vehicle.partner_id, vehicle.delivery_date, rule.today - rule.days AS threshold
              FROM showroom_vehicle vehicle
              JOIN rule ON rule.company_id = vehicle.company_id
              JOIN batch ON batch.partner_id = vehicle.partner_id AND batch.is_base_customer
             WHERE vehicle.state = 'delivered' AND vehicle.active
        ),
        call_done AS (
            SELECT call.partner_id, call.vehicle_id, activity.id, activity.date_done,
                   activity.showroom_call_outcome AS outcome,
                   COALESCE(activity.showroom_call_outcome = ANY(rule.negative), FALSE) AS negative
              FROM mail_activity activity
              JOIN showroom_milestone_call call ON call.id = activity.res_id
              JOIN batch ON batch.partner_id = call.partner_id AND batch.is_base_customer
         -- LEFT: a call of a company without rules (archived) is still an answer, never negative
         LEFT JOIN rule ON rule.company_id = call.company_id
             WHERE activity.res_model = 'showroom.milestone.call'
               AND activity.active IS NOT TRUE
               AND activity.date_done IS NOT NULL
               AND activity.showroom_call_outcome IS NOT NULL
        ),
        reading_last AS (
            SELECT reading.vehicle_id, MAX(reading.date) AS day
              FROM showroom_odometer reading
              JOIN car ON car.id = reading.vehicle_id
          GROUP BY reading.vehicle_id
        ),
        answered_last AS (
            SELECT call_done.vehicle_id, MAX(call_done.date_done) AS day
              FROM call_done
             WHERE call_done.outcome != %(unreached)s
          GROUP BY call_done.vehicle_id
        ),
        seen AS (
            SELECT car.partner_id, MIN(car.threshold) AS threshold,
                   GREATEST(MAX(car.delivery_date), MAX(reading_last.day), MAX(answered_last.day)) AS last_seen
              FROM car
         LEFT JOIN reading_last ON reading_last.vehicle_id = car.id
         LEFT JOIN answered_last ON answered_last.vehicle_id = car.id
          GROUP BY car.partner_id
        ),
        negative AS (
            SELECT ranked.partner_id
              FROM (SELECT call_done.partner_id, call_done.negative,
                           ROW_NUMBER() OVER (PARTITION BY call_done.partner_id
                                              ORDER BY call_done.date_done DESC, call_done.id DESC) AS position
                      FROM call_done) ranked
             WHERE ranked.position <= 2
          GROUP BY ranked.partner_id
            HAVING COUNT(*) = 2 AND BOOL_AND(ranked.negative)
        )
        SELECT batch.partner_id,
               CASE WHEN seen.last_seen < seen.threshold AND negative.partner_id IS NOT NULL THEN %(both)s
                    WHEN seen.last_seen < seen.threshold THEN %(not_seen)s
                    WHEN negative.partner_id IS NOT NULL THEN %(negative_calls)s
               END AS reason,
               seen.last_seen
          FROM batch
     LEFT JOIN seen ON seen.partner_id = batch.partner_id
     LEFT JOIN negative ON negative.partner_id = batch.partner_id
        """,
        rules=rule_rows,
        partner_ids=list(partner_ids),
        unreached=UNREACHED_OUTCOME,
        both=REASON_BOTH,
        not_seen=REASON_NOT_SEEN,
        negative_calls=REASON_NEGATIVE_CALLS,
    )


def churn_update_query(rules, partner_ids, skip_locked=False):
    """SQL: write the churn state of ``churn_state_query`` on the partners whose
    state changed (a second run writes nothing), returning their ids.
    ``skip_locked``: leave the partners another transaction is writing (a
    concurrent run or a call being recorded, which update them themselves)."""
    lock = SQL("FOR NO KEY UPDATE SKIP LOCKED") if skip_locked else SQL("FOR NO KEY UPDATE")
    return SQL(
        """
        WITH state AS (%(state)s),
        locked AS (SELECT partner.id FROM res_partner partner WHERE partner.id = ANY(%(partner_ids)s) %(lock)s)
        UPDATE res_partner partner
           SET showroom_churn_risk = state.reason IS NOT NULL,
               showroom_churn_reason = state.reason,
               showroom_churn_last_seen = state.last_seen
          FROM state
          JOIN locked ON locked.id = state.partner_id
         WHERE partner.id = state.partner_id
           AND (COALESCE(partner.showroom_churn_risk, FALSE), partner.showroom_churn_reason,
                partner.showroom_churn_last_seen)
               IS DISTINCT FROM (state.reason IS NOT NULL, state.reason, state.last_seen)
     RETURNING partner.id
        """,
        state=churn_state_query(rules, partner_ids),
        partner_ids=list(partner_ids),
        lock=lock,
    )
