"""18.0.1.3.0: one definition per rule in Python and SQL (R2.1, R4.3, R5.1, R8.1).

* Visit cards and opportunities store the keys of their names
  (``showroom.visit.name_key``, ``crm.lead.showroom_name_keys``): new stored
  computed fields, which the upgrade computes for every row.
* Mobiles are read width-folded: a mobile stored with full-width digits before is
  stored again as the same ASCII number. One that is no valid number is logged
  and left as it is.
* ``showroom.vehicle.plan_launched``: a vehicle with an activity of a plan had its
  plan launched (what the inspection read until now); the next delivery of the
  vehicle asks for a new one.
* ``crm.lead.showroom_registered_at`` is "First registered on" (报备时间, R7.2), no
  longer the licence-plate date's 上牌日期: its old Chinese label is dropped, so the
  module's new translation fills it (Odoo keeps an existing one otherwise)."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

NON_ASCII = "[^\\x01-\\x7f]"


def migrate(cr, version):
    cr.execute(
        """
        UPDATE ir_model_fields
           SET field_description = field_description - 'zh_CN'
         WHERE model = 'crm.lead' AND name = 'showroom_registered_at'
        """
    )
    cr.execute(
        """
        UPDATE showroom_vehicle v
           SET plan_launched = TRUE
         WHERE EXISTS (SELECT 1 FROM mail_activity a
                        WHERE a.res_model = 'showroom.vehicle' AND a.res_id = v.id AND a.showroom_plan_id IS NOT NULL)
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    refused = 0
    for model in ("crm.lead", "showroom.visit"):
        Model = env[model].with_context(active_test=False)
        cr.execute(f"SELECT id FROM {Model._table} WHERE mobile ~ %s", [NON_ASCII])  # noqa: S608 - a model's table
        for record in Model.browse([row[0] for row in cr.fetchall()]):
            try:
                with cr.savepoint():
                    if model == "crm.lead":
                        record._showroom_normalize_mobile()
                    else:
                        record.mobile = record.mobile  # written mobiles are normalised
            except Exception as error:  # noqa: BLE001 - a refused legacy value is logged, not fatal
                refused += 1
                _logger.warning("%s %s: mobile %r left as it was: %s", model, record.id, record.mobile, error)
    if refused:
        _logger.warning("%s mobiles with non-ASCII characters could not be normalised", refused)
