"""The care calendar of R6.2 (DESIGN.md): China's holidays and customers' own days.

Pure functions, no ORM. ``showroom.care.day`` and ``res.partner`` are their callers.

Holidays are computed, not typed: the dates of the public holidays come from the
China calendar of ``holidays`` (python-holidays, kept current with the State
Council's yearly arrangement; it computes the lunar festivals and the solar term
of Qingming); the Lantern Festival (元宵节), not a public holiday, is the 15th day
of the first lunar month, from ``lunardate``. A holiday's care day is its first
day (a holiday of several days is greeted once).

Birthdays: a customer's birthday is their date of birth. A lunar birthday is
celebrated each year on the lunar month and day of birth (``lunardate``
converts), with two edge cases:

- born in a leap month: in that leap month in the years that have it, else in
  the ordinary month of the same number;
- born on the 30th of a lunar month: on the 29th (the month's last day) in the
  years that month has 29 days.

A solar birthday (or purchase anniversary) on 29 February falls on 28 February
in common years.

Customers are matched to a day by keys: ``"S:MM-DD"`` for a solar month and day,
``"L:MM-DD"`` for a lunar one and ``"L:MM-DD:leap"`` in a leap month.
``birthday_key`` gives a customer's key, ``keys_on`` every key celebrated on a
day: a stored key and one ``IN`` make the day's audience a single query.
"""

import calendar
import datetime

import holidays
from lunardate import LunarDate

# The occasions a year generates, with the English name of the holiday in
# ``holidays``' China calendar (None: not a public holiday, computed here).
HOLIDAY_NAMES = {
    "new_year": "New Year's Day",
    "spring_festival": "Chinese New Year (Spring Festival)",
    "lantern": None,
    "qingming": "Tomb-Sweeping Day",
    "dragon_boat": "Dragon Boat Festival",
    "mid_autumn": "Mid-Autumn Festival",
    "national_day": "National Day",
}
# Qingming, Dragon Boat and Mid-Autumn are public holidays since 2008; lunardate
# knows lunar years up to 2099.
FIRST_YEAR = 2008
LAST_YEAR = 2099
# the solar dates lunardate converts (lunar years 1900 to 2099)
FIRST_LUNAR_DAY = datetime.date(1900, 1, 31)
LAST_LUNAR_DAY = datetime.date(2099, 12, 31)


def holiday_dates(year):
    """``{occasion: date}``: the first day of each holiday of ``HOLIDAY_NAMES`` in
    ``year``. Raises ``ValueError`` outside ``FIRST_YEAR``..``LAST_YEAR`` or when
    the library no longer knows one of the holidays (a renamed holiday must not
    vanish silently)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year} is out of range [{FIRST_YEAR}, {LAST_YEAR}]")
    calendar = holidays.China(years=year, language="en_US")
    result = {}
    for occasion, name in HOLIDAY_NAMES.items():
        if name is None:
            result[occasion] = LunarDate(year, 1, 15).to_solar_date()
            continue
        dates = calendar.get_named(name, lookup="exact")
        if not dates:
            raise ValueError(f"the China calendar has no {name!r} in {year}")
        result[occasion] = min(dates)
    return result


# ------------------------------------------------------------
# BIRTHDAYS AND ANNIVERSARIES
# ------------------------------------------------------------


def solar_key(month, day):
    return f"S:{month:02d}-{day:02d}"


def lunar_key(month, day, leap=False):
    return f"L:{month:02d}-{day:02d}" + (":leap" if leap else "")


def birthday_key(birth_date, lunar=False):
    """The key of a birthday (see the module's docstring); ``None`` without a date.
    Raises ``ValueError`` for a lunar birthday ``lunardate`` cannot convert
    (before 31 January 1900 or after 2099)."""
    if not birth_date:
        return None
    if not lunar:
        return solar_key(birth_date.month, birth_date.day)
    birth = _lunar_of(birth_date)
    return lunar_key(birth.month, birth.day, birth.is_leap_month)


def keys_on(day):
    """Every key (solar and lunar) celebrated on the solar date ``day``."""
    keys = {solar_key(day.month, day.day)}
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        keys.add(solar_key(2, 29))
    lunar = _lunar_of(day)
    month, lunar_day, leap = lunar.month, lunar.day, lunar.is_leap_month
    days = [lunar_day]
    if lunar_day == 29 and _month_length(lunar.year, month, leap) == 29:
        days.append(30)
    # born in a leap month: celebrated in the ordinary month when the year has no such leap month
    leaps = {leap} if leap or LunarDate.leap_month_for_year(lunar.year) == month else {False, True}
    keys.update(lunar_key(month, each_day, each_leap) for each_day in days for each_leap in leaps)
    return keys


def lunar_birthday_in(lunar_year, month, day, leap=False):
    """The solar date on which a lunar birthday (``month``, ``day``, ``leap``) is
    celebrated in ``lunar_year`` (the two edge cases of the module's docstring)."""
    if leap and LunarDate.leap_month_for_year(lunar_year) != month:
        leap = False
    day = min(day, _month_length(lunar_year, month, leap))
    return LunarDate(lunar_year, month, day, leap).to_solar_date()


def next_birthday(birth_date, lunar, today):
    """The first day on or after ``today`` on which the birthday ``birth_date``
    (lunar or solar) is celebrated; ``None`` without a date or beyond 2099 for a
    lunar one."""
    if not birth_date:
        return None
    if not lunar:
        candidate = _solar_in(today.year, birth_date.month, birth_date.day)
        return candidate if candidate >= today else _solar_in(today.year + 1, birth_date.month, birth_date.day)
    birth = _lunar_of(birth_date)
    this_lunar_year = _lunar_of(today).year
    for lunar_year in (this_lunar_year, this_lunar_year + 1):
        try:
            candidate = lunar_birthday_in(lunar_year, birth.month, birth.day, birth.is_leap_month)
        except ValueError:  # beyond the library's last year
            return None
        if candidate >= today:
            return candidate
    return None


def _lunar_of(solar_date):
    """The lunar date of ``solar_date``; ``ValueError`` outside the library's
    range (it returns nonsense there instead of failing)."""
    if not FIRST_LUNAR_DAY <= solar_date <= LAST_LUNAR_DAY:
        raise ValueError(f"{solar_date} is out of the lunar calendar's range")
    return LunarDate.from_solar_date(solar_date.year, solar_date.month, solar_date.day)


def _solar_in(year, month, day):
    if (month, day) == (2, 29) and not calendar.isleap(year):
        day = 28
    return datetime.date(year, month, day)


def _month_length(lunar_year, month, leap):
    try:
        LunarDate(lunar_year, month, 30, leap).to_solar_date()
    except ValueError:
        return 29
    return 30
