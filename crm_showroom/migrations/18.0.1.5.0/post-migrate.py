"""18.0.1.5.0: the grade history and the funnel (R3, G6).

* ``showroom.grade.history`` gets the grade changes of the past from the grade's
  mail tracking (``mail.tracking.value`` of ``crm.lead.showroom_grade_id``): one
  row per tracked change, dated by its message and made by the message's author
  user, plus one row for the grade each opportunity was created with (the first
  tracked change's old grade, else the grade it has now), dated by its creation.
  An opportunity that already has rows is left alone. A grade or user that no
  longer exists is left empty.
* Grade H gets its order window of 7 days (the grades are ``noupdate`` data)."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        "UPDATE showroom_grade SET order_window_days = 7 WHERE code = 'H' AND COALESCE(order_window_days, 0) = 0"
    )
    cr.execute(
        SQL(
            """
            WITH %(company_day)s,
                 tracked AS (
                    SELECT msg.res_id AS lead_id, tv.id AS tracking_id,
                           (SELECT id FROM showroom_grade WHERE id = tv.old_value_integer) AS old_grade_id,
                           (SELECT id FROM showroom_grade WHERE id = tv.new_value_integer) AS new_grade_id,
                           msg.date, msg.create_uid AS user_id
                      FROM mail_tracking_value tv
                      JOIN ir_model_fields field
                        ON field.id = tv.field_id AND field.model = 'crm.lead' AND field.name = 'showroom_grade_id'
                      JOIN mail_message msg ON msg.id = tv.mail_message_id AND msg.model = 'crm.lead'
                 ),
                 first_tracked AS (
                    SELECT DISTINCT ON (lead_id) lead_id, old_grade_id
                      FROM tracked
                  ORDER BY lead_id, date, tracking_id
                 ),
                 change AS (
                    SELECT lead.id AS lead_id, NULL::int AS old_grade_id,
                           CASE WHEN first_tracked.lead_id IS NULL THEN lead.showroom_grade_id
                                ELSE first_tracked.old_grade_id END AS new_grade_id,
                           lead.create_date AS date, lead.create_uid AS user_id
                      FROM crm_lead lead
                 LEFT JOIN first_tracked ON first_tracked.lead_id = lead.id
                     UNION ALL
                    SELECT lead_id, old_grade_id, new_grade_id, date, user_id
                      FROM tracked
                 )
            INSERT INTO showroom_grade_history (lead_id, old_grade_id, new_grade_id, date, day, user_id,
                                                company_id, team_id, create_uid, create_date, write_uid, write_date)
            SELECT change.lead_id, change.old_grade_id, change.new_grade_id, change.date,
                   (change.date AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(company_day.tz, %(default_tz)s))::date,
                   users.id, COALESCE(lead.company_id, team.company_id), lead.team_id,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM change
              JOIN crm_lead lead ON lead.id = change.lead_id
         LEFT JOIN crm_team team ON team.id = lead.team_id
         LEFT JOIN res_users users ON users.id = change.user_id
         LEFT JOIN company_day ON company_day.company_id = COALESCE(lead.company_id, team.company_id)
             WHERE change.old_grade_id IS DISTINCT FROM change.new_grade_id
               AND change.date IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM showroom_grade_history hist WHERE hist.lead_id = change.lead_id)
            """,
            company_day=env["res.company"]._showroom_company_day_sql(),
            default_tz=env.company._showroom_tz_name(),
            uid=SUPERUSER_ID,
        )
    )
    _logger.info("grade history: %s past grade changes recorded from the mail tracking", cr.rowcount)
