from datetime import date, timedelta

from lunardate import LunarDate

from odoo.tests import BaseCase, tagged

from odoo.addons.crm_showroom.tools.care_calendar import (
    birthday_key,
    holiday_dates,
    keys_on,
    lunar_birthday_in,
    next_birthday,
)


@tagged("post_install", "-at_install", "crm_showroom", "care_sms")
class TestCareCalendar(BaseCase):
    """R6.2: the holidays of a year and the day of a (lunar) birthday, computed."""

    def test_holidays_of_two_years(self):
        self.assertEqual(
            holiday_dates(2026),
            {
                "new_year": date(2026, 1, 1),
                "spring_festival": date(2026, 2, 17),
                "lantern": date(2026, 3, 3),
                "qingming": date(2026, 4, 5),
                "dragon_boat": date(2026, 6, 19),
                "mid_autumn": date(2026, 9, 25),
                "national_day": date(2026, 10, 1),
            },
        )
        self.assertEqual(
            holiday_dates(2027),
            {
                "new_year": date(2027, 1, 1),
                "spring_festival": date(2027, 2, 6),
                "lantern": date(2027, 2, 20),
                "qingming": date(2027, 4, 5),
                "dragon_boat": date(2027, 6, 9),
                "mid_autumn": date(2027, 9, 15),
                "national_day": date(2027, 10, 1),
            },
        )

    def test_mid_autumn_on_national_day(self):
        """2020: Mid-Autumn fell on 1 October, one day holding two holidays."""
        dates = holiday_dates(2020)
        self.assertEqual(dates["mid_autumn"], date(2020, 10, 1))
        self.assertEqual(dates["national_day"], date(2020, 10, 1))
        self.assertEqual(dates["qingming"], date(2020, 4, 4))

    def test_years_out_of_range(self):
        for year in (2007, 2100):
            with self.assertRaises(ValueError):
                holiday_dates(year)

    def test_lunar_calendar_range(self):
        """lunardate converts 31 January 1900 to 2099 only (and returns nonsense
        before): a lunar birthday outside is refused, not mangled."""
        with self.assertRaises(ValueError):
            birthday_key(date(1899, 5, 1), lunar=True)
        self.assertEqual(birthday_key(date(1900, 1, 31), lunar=True), "L:01-01")
        self.assertEqual(birthday_key(date(1899, 5, 1)), "S:05-01", "a solar birthday has no range")

    def test_solar_birthday(self):
        self.assertEqual(birthday_key(date(1985, 3, 9)), "S:03-09")
        self.assertIsNone(birthday_key(False))
        self.assertIn("S:03-09", keys_on(date(2026, 3, 9)))
        self.assertEqual(next_birthday(date(1985, 3, 9), False, date(2026, 3, 9)), date(2026, 3, 9))
        self.assertEqual(next_birthday(date(1985, 3, 9), False, date(2026, 3, 10)), date(2027, 3, 9))

    def test_solar_29_february(self):
        self.assertIn("S:02-29", keys_on(date(2026, 2, 28)))
        self.assertNotIn("S:02-29", keys_on(date(2028, 2, 28)))
        self.assertIn("S:02-29", keys_on(date(2028, 2, 29)))
        self.assertEqual(next_birthday(date(1988, 2, 29), False, date(2026, 1, 1)), date(2026, 2, 28))
        self.assertEqual(next_birthday(date(1988, 2, 29), False, date(2027, 3, 1)), date(2028, 2, 29))

    def test_lunar_birthday(self):
        """Born 15 September 1986 = lunar 8/12: in 2026 lunar 8/12 is 22 September."""
        birth = date(1986, 9, 15)
        self.assertEqual(birthday_key(birth, lunar=True), "L:08-12")
        self.assertEqual(next_birthday(birth, True, date(2026, 1, 1)), date(2026, 9, 22))
        self.assertIn("L:08-12", keys_on(date(2026, 9, 22)))
        self.assertNotIn("L:08-12", keys_on(date(2026, 9, 15)))
        # past this year's: next lunar year's (8/12 of 2027 is 12 September)
        self.assertEqual(next_birthday(birth, True, date(2026, 9, 24)), date(2027, 9, 12))

    def test_lunar_birthday_in_the_twelfth_month_falls_next_solar_year(self):
        """Lunar 12/20 of lunar year 2026 is 27 January 2027."""
        self.assertEqual(lunar_birthday_in(2026, 12, 20), date(2027, 1, 27))
        self.assertEqual(next_birthday(date(2000, 1, 26), True, date(2026, 12, 1)), date(2027, 1, 27))

    def test_leap_month(self):
        """Born in leap month 6 of 2025 (1 August 2025 = leap 6/8): 2026 has no leap
        sixth month, so the birthday is the ordinary 6/8; the key matches it."""
        birth = date(2025, 8, 1)
        self.assertEqual(birthday_key(birth, lunar=True), "L:06-08:leap")
        self.assertEqual(lunar_birthday_in(2025, 6, 8, leap=True), birth)
        ordinary = lunar_birthday_in(2026, 6, 8, leap=True)
        self.assertEqual(ordinary, lunar_birthday_in(2026, 6, 8))
        self.assertIn("L:06-08:leap", keys_on(ordinary))
        self.assertIn("L:06-08", keys_on(ordinary))
        # in 2025 the ordinary 6/8 belongs to the ordinary-born only
        self.assertNotIn("L:06-08:leap", keys_on(lunar_birthday_in(2025, 6, 8)))
        self.assertEqual(next_birthday(birth, True, date(2026, 1, 1)), ordinary)

    def test_thirtieth_of_a_short_month(self):
        """The 30th of a 29-day lunar month is celebrated on the 29th: lunar 2/30
        does not exist in 2026."""
        with self.assertRaises(ValueError):
            LunarDate(2026, 2, 30).to_solar_date()
        day = lunar_birthday_in(2026, 2, 30)
        self.assertEqual(day, lunar_birthday_in(2026, 2, 29))
        self.assertEqual({"L:02-29", "L:02-30"} & keys_on(day), {"L:02-29", "L:02-30"})

    def test_every_key_is_celebrated_on_its_day(self):
        """Over two years, every lunar key a day celebrates converts back to that
        day, and every day celebrates the lunar key of its own date."""
        day = date(2026, 1, 1)
        while day < date(2028, 1, 1):
            keys = keys_on(day)
            self.assertIn(birthday_key(day, lunar=True), keys)
            self.assertIn(birthday_key(day), keys)
            day += timedelta(days=1)
