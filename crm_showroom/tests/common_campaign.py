from datetime import timedelta

from odoo import Command

from .common_vehicle import ShowroomVehicleCase


class ShowroomCampaignCase(ShowroomVehicleCase):
    """The vehicle fixture plus R6.3 campaigns: a 500-yuan referral coupon (a
    coupon program of Odoo's loyalty app), a dash cam in stock for gifts, a
    running referral campaign around ``TODAY`` and helpers that sell a car to a
    referred prospect through the real sale and delivery flow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coupon_program = cls.env["loyalty.program"].create(
            {
                "name": "Referral coupon 500",
                "program_type": "coupons",
                "trigger": "with_code",
                "applies_on": "current",
                "company_id": cls.company.id,
                "reward_ids": [
                    Command.create(
                        {"reward_type": "discount", "discount_mode": "per_order", "discount": 500, "required_points": 1}
                    )
                ],
            }
        )
        cls.dashcam = cls.env["product.product"].create(
            {"name": "Dash cam", "is_storable": True, "standard_price": 300.0, "list_price": 599.0}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.dashcam, cls.stock_location, 10)
        cls.referral_campaign = cls._create_campaign(name="Spring referral", budget=1000.0)

    @classmethod
    def _create_campaign(cls, **values):
        vals = {
            "name": "Campaign",
            "campaign_type": "referral",
            "date_start": cls.TODAY - timedelta(days=10),
            "date_end": cls.TODAY + timedelta(days=30),
            "user_id": cls.manager.id,
            "reward_type": "loyalty",
            "loyalty_program_id": cls.coupon_program.id,
            "reward_points": 1.0,
            "reward_cost": 500.0,
            "state": "running",
        }
        if values.get("reward_type") == "gift_product":
            # the gift's cost is computed from the product
            vals.update(gift_product_id=cls.dashcam.id, loyalty_program_id=False)
            del vals["reward_cost"]
        vals.update(values)
        return cls.env["showroom.campaign"].create(vals)

    def _sell(self, referrer=None, partner=None, **lead_values):
        """A showroom opportunity (referred by ``referrer`` when given) sold and
        delivered to ``partner`` (default: the fixture's customer): its vehicle."""
        if referrer:
            lead_values.update(showroom_channel_id=self.referral.id, showroom_referrer_id=referrer.id)
        lead = self._create_lead(**lead_values)
        order = self._create_order(lead, partner=partner)
        order.action_confirm()
        return self._deliver_order(order)

    def _delivery_picking(self, vehicle):
        return vehicle.sale_order_id.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")

    def _rewards(self, **domain):
        return self.env["showroom.campaign.reward"].search([(key, "=", value) for key, value in domain.items()])
