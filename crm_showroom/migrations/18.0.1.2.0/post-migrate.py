"""18.0.1.2.0: a vehicle's mileage is a series of odometer readings (R6.1) instead
of one number. Vehicles delivered before the upgrade get the reading of their
delivery (0 km on the delivery day) and, when the old ``odometer`` column held a
mileage, a reading of it on the day it was last written (never before the
delivery nor after today). A legacy mileage the rules refuse (more km per day
than the company allows) is logged and left out: the readings of the next calls
start the forecast."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'showroom_vehicle' AND column_name = 'odometer'"
    )
    legacy = "v.odometer" if cr.fetchone() else "0"
    cr.execute(
        f"""
        SELECT v.id, v.delivery_date, {legacy}, v.write_date::date
          FROM showroom_vehicle v
         WHERE v.delivery_date IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM showroom_odometer o WHERE o.vehicle_id = v.id)
        """
    )
    rows = cr.fetchall()
    if not rows:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Reading = env["showroom.odometer"]
    Reading.create(
        [
            {"vehicle_id": vehicle_id, "date": delivered, "km": 0, "source": "delivery"}
            for vehicle_id, delivered, *_ in rows
        ]
    )
    skipped = 0
    for vehicle_id, delivered, km, written in rows:
        if not km or km <= 0:
            continue
        vehicle = env["showroom.vehicle"].browse(vehicle_id)
        day = min(max(written or delivered, delivered), vehicle.company_id._showroom_today())
        try:
            with cr.savepoint():
                Reading.create({"vehicle_id": vehicle_id, "date": day, "km": km, "source": "manual"})
        except Exception as error:  # noqa: BLE001 - a refused legacy value is logged, not fatal
            skipped += 1
            _logger.warning(
                "Vehicle %s: legacy mileage %s km of %s not kept as a reading: %s", vehicle_id, km, day, error
            )
    _logger.info(
        "Odometer readings: %s vehicles given their delivery reading, %s legacy mileages refused", len(rows), skipped
    )
