"""The showroom's day (DESIGN.md, Conventions: Time).

A "day" in a rule of the rule book is the calendar day of the person it concerns
(the assignee of a follow-up, the consultant of a vehicle), else the calendar day
in the company's time zone. Never the context's ``tz`` (a cron has none) nor UTC.
These pure functions do the conversion; ``res.company._showroom_today`` and
``res.company._showroom_date_of`` choose the time zone and are the only callers
in the models.
"""

from datetime import datetime, time, timedelta

import pytz

DEFAULT_TZ = "Asia/Shanghai"


def valid_tz(tz_name):
    """``tz_name`` if it is a time zone pytz knows, else ``None``."""
    return tz_name if tz_name and tz_name in pytz.all_timezones_set else None


def local_date(utc_datetime, tz_name):
    """The calendar date, in ``tz_name``, of the naive UTC datetime ``utc_datetime``
    (how Odoo stores datetimes)."""
    return pytz.utc.localize(utc_datetime).astimezone(pytz.timezone(tz_name)).date()


def day_bounds_utc(day, tz_name):
    """The naive UTC datetimes at which the calendar day ``day`` of ``tz_name``
    starts and ends (the next day's midnight): the bounds of "that day" in a
    query on UTC timestamps (``create_date``)."""
    tz = pytz.timezone(tz_name)

    def midnight(value):
        return tz.localize(datetime.combine(value, time.min)).astimezone(pytz.utc).replace(tzinfo=None)

    return midnight(day), midnight(day + timedelta(days=1))
