from datetime import date, timedelta

from odoo.addons.mail.tests.common import mail_new_test_user

from .common_vehicle import ShowroomVehicleCase


class ShowroomMileageCase(ShowroomVehicleCase):
    """The vehicle fixture plus the telemarketing team of R6.1: two telemarketing
    users working the shipped milestones, a base customer who meets the entry
    standard (an opportunity can be made from a call), and a helper that makes a
    delivered vehicle with readings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tm1 = mail_new_test_user(
            cls.env,
            login="sr_tm1",
            name="Meng Telemarketing",
            tz="Asia/Shanghai",
            groups="crm_showroom.group_showroom_telemarketing",
        )
        cls.tm2 = mail_new_test_user(
            cls.env,
            login="sr_tm2",
            name="Xu Telemarketing",
            tz="Asia/Shanghai",
            groups="crm_showroom.group_showroom_telemarketing",
        )
        cls.m50 = cls.env.ref("crm_showroom.milestone_50k")
        cls.m100 = cls.env.ref("crm_showroom.milestone_100k")
        cls.renewal = cls.env.ref("crm_showroom.milestone_insurance_renewal")
        (cls.m50 | cls.m100 | cls.env.ref("crm_showroom.milestone_150k") | cls.renewal).write(
            {"user_ids": [(6, 0, (cls.tm1 | cls.tm2).ids)]}
        )
        cls.company.write(
            {"showroom_max_km_per_day": 1500, "showroom_default_km_per_day": 50, "showroom_call_cap": 100}
        )
        cls.customer.write(
            {
                "country_id": cls.china.id,
                "state_id": cls.hebei.id,
                "city_id": cls.county.id,
                "city": cls.county.name,
                "street": "中山路 88 号",
            }
        )
        # the opportunity the car was sold from: its team is the showroom team
        cls.origin_lead = cls._create_lead(partner_id=cls.customer.id)
        cls.call_type = cls.env.ref("crm_showroom.activity_type_base_call")
        cls.channel_base = cls.env.ref("crm_showroom.channel_base_customer")

    @classmethod
    def _make_vehicle(cls, readings=(), delivered=None, product=None, partner=None, **values):
        """A delivered vehicle (made directly, as an import of past sales would) of
        ``product`` sold by the consultant, with ``readings`` (``(date, km)``)."""
        lot = cls._stock_vehicles(product=product)
        delivered = delivered or (readings[0][0] if readings else date(2025, 3, 10))
        vehicle = cls.env["showroom.vehicle"].create(
            {
                "lot_id": lot.id,
                "state": "delivered",
                "partner_id": (partner or cls.customer).id,
                "user_id": cls.consultant.id,
                "opportunity_id": cls.origin_lead.id,
                "delivery_date": delivered,
                **values,
            }
        )
        cls.env["showroom.odometer"].create([{"vehicle_id": vehicle.id, "date": day, "km": km} for day, km in readings])
        return vehicle

    @classmethod
    def _linear(cls, last_day, last_km, per_day=10, days=1000):
        """Two readings on a line of ``per_day`` km a day ending at ``last_km`` on ``last_day``."""
        return [(last_day - timedelta(days=days), last_km - per_day * days), (last_day, last_km)]

    def _calls(self, vehicles):
        return self.env["showroom.milestone.call"].search([("vehicle_id", "in", vehicles.ids)], order="id")

    def _open_call_activity(self, call):
        return self.env["mail.activity"].search(
            [("res_model", "=", call._name), ("res_id", "=", call.id), ("activity_type_id", "=", self.call_type.id)]
        )

    def _work_call(self, call, outcome, user=None, km=0, text="Asked about the new model"):
        """The telemarketing user marks the call done in the feedback dialog."""
        user = user or call.user_id
        activity = self._open_call_activity(call)
        self.assertEqual(len(activity), 1, "an open entry carries exactly one open call")
        wizard = (
            self.env["showroom.followup.done"]
            .with_user(user)
            .create(
                {
                    "activity_id": activity.id,
                    "reason_ids": [(6, 0, self.reason_price.ids)],
                    "feedback": text,
                    "call_outcome": outcome,
                    "odometer_km": km,
                }
            )
        )
        wizard.action_done()
        return activity
