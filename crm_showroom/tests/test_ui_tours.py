from datetime import timedelta
from urllib.parse import quote

from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from .common_vehicle import ShowroomVehicleCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours")
class TestShowroomTours(HttpCase, ShowroomVehicleCase):
    """The web client in a real browser (Odoo tours, ``static/tests/tours/``): the
    entry standard of the quick create (R2.2, R5.2), the 48-hour follow-up (R4.1),
    Mark Done with feedback and the next follow-up (R4.3, R3), documents uploaded
    to mark a follow-up done, manager instructions (R8.3) and the post-purchase
    follow-ups of a vehicle (R5.1). After each tour the server state is checked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A follow-up type of the "Upload Document" category: marking such a
        # follow-up done is uploading a document (stock Odoo's attachment path).
        cls.document_type = cls.env["mail.activity.type"].create(
            {
                "name": "Showroom document follow-up",
                "category": "upload_file",
                "res_model": "crm.lead",
                "icon": "fa-upload",
                "keep_done": True,
                "is_showroom_followup": True,
            }
        )

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _today(self, user):
        """The calendar day of ``user`` (the showroom's day, R4.1)."""
        return self.company._showroom_today(user)

    def _user_date(self, user, value):
        """``value`` as the web client shows it to ``user``."""
        return format_date(self.env, value, lang_code=user.lang)

    def _start_tour(self, url, tour, user, **values):
        """Run ``tour`` at ``url`` as ``user``; ``values`` reach it as cookies
        (``tour_values.js``)."""
        cookies = {f"crm_showroom_tour_{key}": quote(str(value), safe="") for key, value in values.items()}
        self.start_tour(url, tour, login=user.login, cookies=cookies)

    @staticmethod
    def _lead_url(lead):
        return f"/odoo/crm/{lead.id}"

    # ------------------------------------------------------------
    # TOURS
    # ------------------------------------------------------------

    def test_create_opportunity_from_pipeline(self):
        today = self._today(self.consultant)
        first_deadline = today + timedelta(days=self.team.showroom_first_followup_days)
        self._start_tour(
            "/odoo/crm",
            "crm_showroom_create_opportunity",
            self.consultant,
            first_deadline=self._user_date(self.consultant, first_deadline),
        )
        lead = self.env["crm.lead"].search([("name", "=", "Mr Tang - H6 SUV")])
        self.assertEqual(len(lead), 1, "saved once, after the refused attempt")
        self.assertRecordValues(
            lead,
            [
                {
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "user_id": self.consultant.id,
                    "showroom_grade_id": self.grades["A"].id,
                    "contact_name": "唐先生",
                    "mobile": "+86 139 0013 9000",
                    "showroom_channel_id": self.walk_in.id,
                    "showroom_purchase_type": "first",
                    "city_id": self.county.id,
                    "street": "中山路 99 号",
                }
            ],
        )
        followups = self._all_followups(lead)
        self.assertEqual(len(followups), 1)
        self.assertRecordValues(
            followups,
            [{"active": True, "user_id": self.consultant.id, "date_deadline": first_deadline}],
        )

    def test_mark_done_with_feedback_and_document(self):
        lead = self._create_lead(user=self.consultant, name="Mr Sun - H6 SUV")
        first = self._open_followups(lead)
        self.assertEqual(len(first), 1)
        document_followup = lead.with_user(self.consultant).activity_schedule(
            activity_type_id=self.document_type.id,
            summary="Signed visit card",
            user_id=self.consultant.id,
            date_deadline=self._today(self.consultant) + timedelta(days=1),
        )
        next_deadline = self._today(self.consultant) + timedelta(days=self.grades["A"].followup_interval_days)

        self._start_tour(
            self._lead_url(lead),
            "crm_showroom_mark_done",
            self.consultant,
            next_deadline=self._user_date(self.consultant, next_deadline),
        )

        # the 48-hour follow-up: done with the feedback, the next one at the grade's interval
        self.assertRecordValues(
            first,
            [{"active": False, "showroom_feedback": "Waits for the spring promotion; test drive on Saturday"}],
        )
        self.assertEqual(first.showroom_feedback_reason_ids, self.reason_price)
        open_followups = self._open_followups(lead)
        self.assertEqual(len(open_followups), 1, "the document follow-up is done too")
        self.assertRecordValues(
            open_followups,
            [
                {
                    "summary": "Call about the test drive",
                    "activity_type_id": self.followup_type.id,
                    "user_id": self.consultant.id,
                    "date_deadline": next_deadline,
                }
            ],
        )
        # the document follow-up: done, the uploaded document on it and on its done message
        self.assertFalse(document_followup.active)
        self.assertEqual(document_followup.showroom_feedback, "Signed the visit card, asks for a loan offer")
        self.assertEqual(document_followup.showroom_feedback_reason_ids.name, "Financing concern")
        document = self.env["ir.attachment"].search(
            [("name", "=", "visit_card.pdf"), ("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        self.assertEqual(len(document), 1)
        self.assertEqual(document_followup.attachment_ids, document)
        message = self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", lead.id), ("attachment_ids", "in", document.ids)]
        )
        self.assertEqual(len(message), 1, "one done message carries the document")
        self.assertEqual(message.mail_activity_type_id, self.document_type)
        self.assertIn("Signed the visit card", message.body)
        self.assertEqual(self._all_followups(lead), first | document_followup | open_followups)

    def test_manager_instruction_seen_by_consultant(self):
        lead = self._create_lead(user=self.consultant, name="Mr Zhou - H6 SUV")
        done = self._open_followups(lead)
        self._mark_done(done.with_user(self.consultant), text="Asked for the trade-in price of his Jetta")
        self.assertFalse(done.active)

        self.start_tour(self._lead_url(lead), "crm_showroom_write_instruction", login=self.manager.login)
        self.assertRecordValues(
            done,
            [
                {
                    "showroom_instruction": "Invite him to the trade-in day on Saturday",
                    "showroom_instruction_user_id": self.manager.id,
                }
            ],
        )
        notice = self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", lead.id), ("body", "ilike", "trade-in day")]
        )
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.author_id, self.manager.partner_id)
        self.assertIn(self.consultant.partner_id, notice.partner_ids, "the consultant is notified")

        self.start_tour(self._lead_url(lead), "crm_showroom_read_instruction", login=self.consultant.login)
        self.assertEqual(done.showroom_instruction, "Invite him to the trade-in day on Saturday", "read, not changed")

    def test_vehicle_form_shows_post_purchase_followups(self):
        lead = self._create_lead(user=self.consultant, name="Mr Sun - H6 SUV")
        order = self._create_order(lead)
        order.with_user(self.consultant).action_confirm()
        lot = self._stock_vehicles()
        pickings = order.picking_ids
        pickings.action_assign()
        self._validate(pickings, lot)
        vehicle = self.env["showroom.vehicle"].search([("lot_id", "=", lot.id)])
        self.assertEqual(len(vehicle), 1)

        followups = self._vehicle_followups(vehicle)
        self.assertEqual(len(followups), 4)
        survey = followups.filtered(lambda act: act.showroom_window_end)
        self.assertEqual(len(survey), 1, "only the survey reminder has a window")
        delivered = vehicle.delivery_date
        expected_end = (
            delivered.replace(day=25) if delivered.day <= 15 else (delivered + relativedelta(months=1)).replace(day=10)
        )
        self.assertEqual(survey.showroom_window_end, expected_end, "R5.1: day 1-15 → to the 25th, else to the 10th")

        self._start_tour(
            f"/odoo/action-crm_showroom.showroom_vehicle_action/{vehicle.id}",
            "crm_showroom_vehicle_followups",
            self.consultant,
            vin=vehicle.vin,
            survey_window_end=self._user_date(self.consultant, expected_end),
        )
        self.assertEqual(self._vehicle_followups(vehicle), followups, "the form changed nothing")

    def test_calling_list(self):
        """Issue 7: the consultant calls from My Follow-ups Today and records a call
        that found nobody."""
        lead = self._create_lead(showroom_product_id=self.suv_white.id).with_env(self.env)
        today = self._today(self.consultant)
        followup = self._open_followups(lead)
        followup.date_deadline = today
        self._start_tour(
            "/odoo/action-crm_showroom.crm_lead_action_my_followups_today",
            "crm_showroom_calling_list",
            self.consultant,
            lead=lead.name,
            next_deadline=self._user_date(self.consultant, today + timedelta(days=7)),
        )
        self.assertFalse(followup.active)
        unreachable = self.env.ref("crm_showroom.feedback_reason_unreachable")
        self.assertEqual(followup.showroom_feedback_reason_ids, unreachable)
        self.assertEqual(followup.showroom_feedback, "Called twice, no answer")
        self.assertEqual(self._open_followups(lead).date_deadline, today + timedelta(days=7))

