"""Who held an opportunity at a moment, in SQL, from ``showroom.assignment``
(R8.2: a breach is the fine of the consultant who held the opportunity on the
inspected day, not of today's holder).

The holder at a moment is the previous holder of the first change of holder
after that moment; without a later change, the opportunity's holder now (an
opportunity with no history, created before the history was kept, is its
holder's now). Rows of opportunities merged into another (``merged_from``) tell
who held those, not the one kept. Every query that asks uses these fragments.
"""


def sql_leads_maybe_held(user, moment):
    """A query of the ids of the opportunities ``user`` may have held at
    ``moment`` (SQL expressions): the ones they hold now, and those they gave up
    after it."""
    return f"""SELECT l0.id FROM crm_lead l0 WHERE l0.user_id = {user}
                UNION
               SELECT h0.lead_id FROM showroom_assignment h0
                WHERE h0.previous_user_id = {user} AND h0.date_from >= {moment} AND h0.merged_from IS NULL"""


def sql_later_change(lead_id, moment, alias):
    """A ``LEFT JOIN LATERAL`` giving ``alias.found`` and ``alias.user_id`` (the
    holder at ``moment``) when the holder of opportunity ``lead_id`` changed after
    ``moment`` (SQL expressions; a NULL ``lead_id`` finds nothing)."""
    return f"""LEFT JOIN LATERAL (
            SELECT TRUE AS found, h.previous_user_id AS user_id
              FROM showroom_assignment h
             WHERE h.lead_id = {lead_id} AND h.date_from >= {moment}
               AND h.reason <> 'created' AND h.merged_from IS NULL
             ORDER BY h.date_from, h.id
             LIMIT 1) {alias} ON TRUE"""


def sql_held_by(alias, current_user, user):
    """The condition: ``user`` held the opportunity at the moment of
    ``sql_later_change(…, alias)``, whose holder now is ``current_user``."""
    return f"(CASE WHEN {alias}.found THEN {alias}.user_id = {user} ELSE {current_user} = {user} END)"
