from odoo import fields, models

# The parts of a vehicle's description that come from its variant (R5.1): the
# model is the product template itself.
VEHICLE_ROLES = [
    ("brand", "Brand"),
    ("trim", "Trim"),
    ("color", "Color"),
]


class ProductAttribute(models.Model):
    """An attribute may play a role in the description of a vehicle: brand,
    trim or color. ``showroom.vehicle`` shows the value of its variant (or of
    the template, for an attribute with one value) for each role."""

    _inherit = "product.attribute"

    showroom_vehicle_role = fields.Selection(
        VEHICLE_ROLES,
        string="Vehicle role",
        help="What this attribute tells about a vehicle: its values show as the brand, trim or "
        "color of the vehicles of products that use it.",
    )
