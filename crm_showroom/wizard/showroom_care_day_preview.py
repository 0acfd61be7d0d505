from odoo import api, fields, models


class ShowroomCareDayPreview(models.TransientModel):
    """R6.2: "Preview" on a care day: how many customers receive it on the day
    (the same audience the cron sends to, less those already greeted) and the
    message rendered for one of them, with their name and car model."""

    _name = "showroom.care.day.preview"
    _description = "Care day preview"

    care_day_id = fields.Many2one("showroom.care.day", required=True, ondelete="cascade")
    date = fields.Date(
        string="On",
        compute="_compute_date",
        store=True,
        readonly=False,
        help="The day to preview: the care day's date; for birthdays and anniversaries, today by default.",
    )
    recipient_count = fields.Integer(string="Recipients", compute="_compute_preview")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        help="The customer the message is rendered for: the first recipient; choose another to compare.",
    )
    body = fields.Text(string="Message", compute="_compute_preview")

    @api.depends("care_day_id")
    def _compute_date(self):
        for preview in self:
            preview.date = preview.care_day_id.date or preview.care_day_id.company_id._showroom_today()

    @api.depends("care_day_id", "date")
    def _compute_partner_id(self):
        for preview in self:
            preview.partner_id = (
                preview.care_day_id._showroom_recipients(preview.date, limit=1) if preview.date else False
            )

    @api.depends("care_day_id", "date", "partner_id")
    def _compute_preview(self):
        for preview in self:
            care_day = preview.care_day_id
            if not care_day or not preview.date:
                preview.recipient_count, preview.body = 0, False
                continue
            preview.recipient_count = (
                self.env["res.partner"].sudo().search_count(care_day._showroom_pending_domain(preview.date))
            )
            partner = preview.partner_id._origin
            preview.body = (
                care_day.sms_template_id._render_field("body", partner.ids, compute_lang=True)[partner.id]
                if partner
                else False
            )
