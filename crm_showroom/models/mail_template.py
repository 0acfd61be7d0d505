import base64

from odoo import _, fields, models
from odoo.tools.mimetypes import guess_mimetype


class MailTemplate(models.Model):
    """R5.3: the back office sends the customer the delivery photo. A template on
    vehicles can attach each vehicle's delivery photo, when one was uploaded."""

    _inherit = "mail.template"

    showroom_attach_delivery_photo = fields.Boolean(
        string="Attach the delivery photo",
        help="On vehicle templates: attach the vehicle's delivery photo, when one was uploaded.",
    )

    def _generate_template_attachments(self, res_ids, render_fields, render_results=None):
        render_results = super()._generate_template_attachments(res_ids, render_fields, render_results=render_results)
        if (
            self.showroom_attach_delivery_photo
            and self.model == "showroom.vehicle"
            and "report_template_ids" in render_fields
        ):
            for vehicle in self.env["showroom.vehicle"].browse(res_ids).filtered("delivery_photo"):
                extension = (guess_mimetype(base64.b64decode(vehicle.delivery_photo)) or "image/jpeg").split("/")[-1]
                name = _("Delivery photo %(vin)s.%(extension)s", vin=vehicle.vin, extension=extension)
                values = render_results.setdefault(vehicle.id, {})
                values["attachments"] = [*values.get("attachments", []), (name, vehicle.delivery_photo)]
        return render_results
