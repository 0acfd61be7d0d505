from odoo import _, api, models
from odoo.exceptions import ValidationError

from ..tools.vin import normalize_vin, vin_problem


class StockLot(models.Model):
    """The serial number of a vehicle is its VIN (R5.1): stored upper case
    without spaces, 17 characters without I, O or Q, with the check digit of
    ISO 3779 / GB 16735 at position 9, and unique among the vehicles of a
    company (whatever their product)."""

    _inherit = "stock.lot"

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("name", "product_id", "company_id")
    def _check_showroom_vin(self):
        vehicle_lots = self.filtered("product_id.is_vehicle")
        for lot in vehicle_lots:
            problem = vin_problem(lot.name)
            if problem:
                raise ValidationError(self._showroom_vin_message(lot.name, *problem))
        if vehicle_lots:
            vehicle_lots._showroom_check_vin_unique()

    def _showroom_check_vin_unique(self):
        # sudo: a VIN must be unique in the company even among lots the user cannot
        # read; only the fact that the VIN exists is told.
        others = self.sudo().search(
            [
                ("name", "in", self.mapped("name")),
                ("product_id.is_vehicle", "=", True),
                ("id", "not in", self.ids),
                ("company_id", "in", [*self.company_id.ids, False]),
            ]
        )
        taken = {}
        for lot in others | self.sudo():
            taken.setdefault(lot.name, []).append(lot)
        for lot in self:
            twins = [
                twin
                for twin in taken.get(lot.name, [])
                if twin.id != lot.id
                and (not twin.company_id or not lot.company_id or twin.company_id == lot.company_id)
            ]
            if twins:
                raise ValidationError(
                    _(
                        "The VIN “%(vin)s” is already registered for another vehicle (%(product)s). "
                        "A VIN identifies one car: check the number on the vehicle.",
                        vin=lot.name,
                        product=twins[0].product_id.display_name,
                    )
                )

    @api.model
    def _showroom_vin_message(self, vin, kind, details):
        """The translated explanation of a VIN problem found by ``tools.vin.vin_problem``."""
        if kind == "length":
            return _(
                "“%(vin)s” is not a VIN: it has %(length)s characters, a VIN has 17.",
                vin=vin,
                length=details["length"],
            )
        if kind == "forbidden_letter":
            return _(
                "“%(vin)s” is not a VIN: it contains the letter %(char)s at position %(position)s, "
                "and VINs never use I, O or Q (they read like 1 and 0).",
                vin=vin,
                **details,
            )
        if kind == "invalid_char":
            return _(
                "“%(vin)s” is not a VIN: it contains “%(char)s” at position %(position)s, and a VIN "
                "has only digits and capital letters.",
                vin=vin,
                **details,
            )
        return _(
            "“%(vin)s” is not a valid VIN: its check digit (position 9) should be %(expected)s, "
            "not %(found)s. Check the number for a typing error.",
            vin=vin,
            **details,
        )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        product_ids = {vals.get("product_id") or self.env.context.get("default_product_id") for vals in vals_list}
        vehicle_ids = set(
            self.env["product.product"].browse(pid for pid in product_ids if pid).filtered("is_vehicle").ids
        )
        for vals in vals_list:
            product_id = vals.get("product_id") or self.env.context.get("default_product_id")
            if product_id in vehicle_ids and vals.get("name"):
                vals["name"] = normalize_vin(vals["name"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("name"):
            product = (
                self.env["product.product"].browse(vals["product_id"]) if vals.get("product_id") else self.product_id
            )
            if any(product.mapped("is_vehicle")):
                vals = dict(vals, name=normalize_vin(vals["name"]))
        return super().write(vals)
