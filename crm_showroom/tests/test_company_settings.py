from psycopg2.errors import CheckViolation

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install", "crm_showroom")
class TestCompanySettings(TransactionCase):
    """The showroom's company settings are never negative, at every door: the
    database refuses them (a CHECK each), not only the settings form."""

    def test_negative_settings_are_refused_by_the_database(self):
        company = self.env.company
        for fname in (
            "showroom_max_km_per_day",
            "showroom_default_km_per_day",
            "showroom_call_cap",
            "showroom_spot_check_size",
        ):
            with self.subTest(field=fname), mute_logger("odoo.sql_db"), self.assertRaises(CheckViolation):
                with self.env.cr.savepoint():
                    company.write({fname: -1})
                    company.flush_recordset([fname])
