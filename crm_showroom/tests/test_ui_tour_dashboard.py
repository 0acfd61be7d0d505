from odoo.tests import HttpCase, tagged

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours")
class TestShowroomDashboardTour(HttpCase, ShowroomCase):
    """G6 in the browser: a manager opens Dashboards > Showroom and sees a figure."""

    def test_manager_opens_the_dashboard(self):
        self._create_lead()
        self.start_tour("/odoo/dashboards", "crm_showroom_dashboard", login=self.manager.login)
