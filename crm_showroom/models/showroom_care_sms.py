from odoo import fields, models


class ShowroomCareSms(models.Model):
    """R6.2: the log of the care SMS: one line per customer, care day and day,
    written before the SMS is queued. Its unique constraint is what makes a care
    day greet a customer at most once a day, across repeated and concurrent runs
    of the cron (see ``showroom.care.day._showroom_send``).

    The SMS itself is Odoo's ``sms.sms`` in Odoo's queue; Odoo deletes it once it
    is sent, so the line keeps what telemarketing needs to see: the message, the
    day, and whether it was queued or why Odoo cancelled it."""

    _name = "showroom.care.sms"
    _description = "Care SMS"
    _order = "date desc, id desc"
    _rec_name = "care_day_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    care_day_id = fields.Many2one("showroom.care.day", string="Care day", required=True, index=True, ondelete="cascade")
    occasion = fields.Selection(related="care_day_id.occasion")
    company_id = fields.Many2one("res.company", required=True, index=True)
    date = fields.Date(required=True, help="The showroom's day the SMS was sent on.")
    sms_id = fields.Many2one("sms.sms", string="SMS", index="btree_not_null", ondelete="set null")
    body = fields.Text(string="Message", readonly=True)
    number = fields.Char(readonly=True)
    state = fields.Selection(
        [("queued", "Sent"), ("canceled", "Not sent")],
        string="Status",
        required=True,
        default="queued",
        help="Sent: handed to the SMS queue. Not sent: Odoo cancelled it (see the reason).",
    )
    failure_type = fields.Selection(
        selection=lambda self: self.env["sms.sms"]._fields["failure_type"]._description_selection(self.env),
        string="Reason",
    )

    _sql_constraints = [
        (
            "partner_care_day_date_uniq",
            "unique(partner_id, care_day_id, date)",
            "A customer receives a care day's SMS at most once a day.",
        ),
    ]
