from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# What makes a product a vehicle in stock: a storable good tracked by serial
# number, the serial number being the VIN (R5.1).
VEHICLE_STOCK_VALUES = {"type": "consu", "is_storable": True, "tracking": "serial"}


class ProductTemplate(models.Model):
    """Vehicles are products flagged ``is_vehicle``: storable and tracked by a
    unique serial number, their VIN (``stock.lot``). The template is the model;
    brand, trim and color come from its attributes (``product.attribute``'s
    vehicle role). The first-service interval (days and kilometers) is a rule
    value of each model, edited on the product form (R5.1, 2nd follow-up)."""

    _inherit = "product.template"

    is_vehicle = fields.Boolean(
        string="Vehicle",
        help="A car sold by the showroom: tracked by its VIN (the serial number); delivering it "
        "to a customer registers the vehicle and starts the post-purchase follow-ups.",
    )
    showroom_first_service_days = fields.Integer(
        string="First service after (days)",
        default=90,
        help="The first service is due this many days after delivery, or at the mileage below, whichever comes first.",
    )
    showroom_first_service_km = fields.Integer(
        string="First service at (km)",
        default=5000,
        help="The first service is due at this mileage, or after the days above, whichever comes first.",
    )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("is_vehicle", "is_storable", "tracking", "type")
    def _check_showroom_vehicle_tracking(self):
        for template in self.filtered("is_vehicle"):
            if any(template[fname] != value for fname, value in VEHICLE_STOCK_VALUES.items()):
                raise ValidationError(
                    _(
                        "“%s” is a vehicle: it is a storable good tracked by a unique serial number, "
                        "its VIN. Untick “Vehicle” to track it otherwise.",
                        template.display_name,
                    )
                )

    @api.constrains("showroom_first_service_days", "showroom_first_service_km")
    def _check_showroom_first_service(self):
        for template in self:
            if template.showroom_first_service_days < 0 or template.showroom_first_service_km < 0:
                raise ValidationError(
                    _("The first-service interval of “%s” cannot be negative.", template.display_name)
                )

    # ------------------------------------------------------------
    # ONCHANGE
    # ------------------------------------------------------------

    @api.onchange("is_vehicle")
    def _onchange_is_vehicle(self):
        if self.is_vehicle:
            self.update(VEHICLE_STOCK_VALUES)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("is_vehicle"):
                vals.update(VEHICLE_STOCK_VALUES)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("is_vehicle"):
            vals = dict(vals, **VEHICLE_STOCK_VALUES)
        return super().write(vals)
