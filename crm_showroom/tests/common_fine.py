from contextlib import contextmanager
from datetime import date, datetime

from freezegun import freeze_time

from .common_vehicle import ShowroomVehicleCase

DAY = date(2026, 3, 10)
# Shanghai is UTC+8: 10 March ends at 16:00 UTC.
BEFORE_END_OF_DAY = "2026-03-10 15:59:00"  # 10 March 23:59 in Shanghai
AFTER_END_OF_DAY = "2026-03-10 16:01:00"  # 11 March 00:01 in Shanghai
NEXT_MORNING = "2026-03-11 01:00:00"  # 11 March 09:00 in Shanghai


class ShowroomFineCase(ShowroomVehicleCase):
    """The showroom fixture with the fine rules, and helpers to make breaches on
    ``DAY`` (10 March 2026, Shanghai) and inspect it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Inspection = cls.env["showroom.inspection"]
        cls.Fine = cls.env["showroom.fine"]
        cls.rules = {
            kind: cls.env.ref(f"crm_showroom.fine_rule_{kind}")
            for kind in (
                "visit_unmatched",
                "followup_late",
                "no_followup",
                "feedback_missing",
                "plan_missing",
                "spot_check",
            )
        }
        cls.consultants = cls.consultant | cls.consultant_2

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @contextmanager
    def _at(self, when):
        """``freeze_time(when)``, flushing before it ends: stored computes (the done
        date of a follow-up) run at the flush, which must see the frozen clock."""
        with freeze_time(when):
            yield
            self.env.flush_all()

    def _set_create_date(self, records, when):
        """``create_date`` is the transaction's time, which freeze_time does not move."""
        records.flush_recordset()
        self.env.cr.execute(
            f"UPDATE {records._table} SET create_date = %s WHERE id = ANY(%s)",  # noqa: S608 - a model's table
            [datetime.fromisoformat(when), records.ids],
        )
        records.invalidate_recordset(["create_date"])

    def _lead_without_followup(self, when="2026-03-09 02:00:00", **values):
        lead = self.env["crm.lead"].with_context(mail_activity_automation_skip=True).create(self._lead_values(**values))
        self._set_create_date(lead, when)
        return lead

    def _followup(self, lead, when="2026-03-09 02:00:00", deadline=date(2026, 3, 14)):
        with self._at(when):
            followup = lead.with_context(mail_activity_automation_skip=False)._showroom_create_followups(
                deadline=deadline
            )
        self._set_create_date(followup, when)
        return followup

    def _inspect(self, day=DAY, users=None, when=NEXT_MORNING):
        with self._at(when):
            self.Inspection.with_user(self.manager).inspect_day(day, (users or self.consultants).ids)
        return self._fines(day)

    def _fines(self, day=DAY, states=("draft", "confirmed", "waived")):
        return self.Fine.search([("day", "=", day), ("user_id", "in", self.consultants.ids), ("state", "in", states)])

    def _breaches(self, fines):
        """``{(rule kind, record): ...}`` of ``fines``, to compare with what is expected."""
        return {(fine.rule_id.kind, self.env[fine.res_model].browse(fine.res_id)) for fine in fines}

    def _sheet(self, user=None, day=DAY):
        return self.Inspection.search([("user_id", "=", (user or self.consultant).id), ("day", "=", day)])

    def _draft_fines(self, count=2, user=None):
        """``count`` leads of ``user`` left without a follow-up on ``DAY``: a sheet
        with ``count`` draft fines."""
        for index in range(count):
            self._lead_without_followup(name=f"Fine lead {index}", user_id=(user or self.consultant).id)
        self._inspect(users=user or self.consultant)
        return self._sheet(user)
