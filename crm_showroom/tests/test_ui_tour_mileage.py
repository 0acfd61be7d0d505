from datetime import date, timedelta

from odoo.tests import HttpCase, tagged

from .common_mileage import ShowroomMileageCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours", "showroom_mileage")
class TestMileageTour(HttpCase, ShowroomMileageCase):
    """R6.1 in the browser: a telemarketing user opens the call queue from the
    "Base Customers" app, records the call of a customer at 50,000 km as
    "interested in a new car" with the mileage given; the consultant who sold the
    car then finds the new opportunity, from the "base customer" channel."""

    def test_work_an_entry_to_interested(self):
        today = self.company._showroom_today(self.tm1)
        vehicle = self._make_vehicle(self._linear(today - timedelta(days=1), 50500), delivered=date(2023, 1, 1))
        self.env["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=vehicle.ids)
        call = self._calls(vehicle)
        self.assertEqual(call.user_id, self.tm1)

        self.start_tour("/odoo", "crm_showroom_mileage_call", login=self.tm1.login)

        self.assertRecordValues(call, [{"state": "closed", "outcome": "interested", "attempt_count": 1}])
        done = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("res_model", "=", call._name), ("res_id", "=", call.id)])
        )
        self.assertRecordValues(
            done,
            [
                {
                    "active": False,
                    "showroom_call_outcome": "interested",
                    "showroom_feedback": "想换一台新 H6，周末来店看车",
                }
            ],
        )
        self.assertEqual(vehicle.odometer_last_km, 50800)
        lead = self.env["crm.lead"].with_user(self.consultant).search([("showroom_base_vehicle_id", "=", vehicle.id)])
        self.assertRecordValues(
            lead,
            [{"user_id": self.consultant.id, "showroom_channel_id": self.channel_base.id, "team_id": self.team.id}],
        )
        self.assertEqual(len(self._open_followups(lead)), 1, "with its 48-hour follow-up")

        self.start_tour(f"/odoo/crm/{lead.id}", "crm_showroom_mileage_consultant", login=self.consultant.login)

    def test_manager_opens_a_waiting_entry(self):
        """R6.1: over the cap, a base customer waits; the manager sees the backlog on
        the queue's screen and hands the entry to a telemarketing user by hand."""
        self.company.showroom_call_cap = 1
        today = self.company._showroom_today(self.tm1)
        vehicles = self.env["showroom.vehicle"].concat(
            *(self._make_vehicle(self._linear(today - timedelta(days=1), 50500 + 100 * n)) for n in range(3))
        )
        self.env["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=vehicles.ids)
        waiting = self._calls(vehicles).filtered(lambda call: call.state == "waiting")
        self.assertEqual(len(waiting), 1, "one user each has the cap: the third entry waits")

        self.start_tour(
            "/odoo/action-crm_showroom.showroom_milestone_call_action_all",
            "crm_showroom_queue_backlog",
            login=self.manager.login,
        )

        self.assertRecordValues(waiting, [{"state": "open", "user_id": self.tm1.id}])
        self.assertEqual(len(waiting.activity_ids), 1, "with its first call")
