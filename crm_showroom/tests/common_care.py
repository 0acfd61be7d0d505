from datetime import date

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.sms.tests.common import SMSCase

from .common_vehicle import ShowroomVehicleCase


class ShowroomCareCase(ShowroomVehicleCase, SMSCase):
    """The vehicle fixture plus base customers for care SMS (R6.2): 王芳 and 周强
    bought an H6 SUV, 吴磊's number is blacklisted, 郑敏 opted out of care SMS and
    钱多多 bought nothing. SMS are real ``sms.sms`` records; only the IAP gateway is
    mocked (``mockSMSGateway``), as in Odoo's own SMS tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # keep demo data out of the audiences: the care days and customers are the fixture's
        cls.env["showroom.care.day"].search([]).active = False
        cls.env["showroom.vehicle"].search([]).active = False
        Partner = cls.env["res.partner"]
        cls.wang = Partner.create({"name": "王芳", "mobile": "+86 138 1111 0001"})
        cls.zhou = Partner.create({"name": "周强", "mobile": "+86 138 1111 0002"})
        cls.wu = Partner.create({"name": "吴磊", "mobile": "+86 138 1111 0003"})
        cls.zheng = Partner.create({"name": "郑敏", "mobile": "+86 138 1111 0004", "showroom_care_sms_optout": True})
        cls.qian = Partner.create({"name": "钱多多", "mobile": "+86 138 1111 0005"})
        cls.env["phone.blacklist"]._add(["+8613811110003"])
        cls.customers = cls.wang | cls.zhou | cls.wu | cls.zheng
        for partner in cls.customers:
            cls._create_vehicle(partner, date(2024, 3, 10))
        cls.holiday_template = cls.env.ref("crm_showroom.sms_template_care_holiday")
        cls.care_cron = cls.env.ref("crm_showroom.ir_cron_care_sms")
        # G5: care days are the segment admin's configuration
        cls.segment_admin = mail_new_test_user(
            cls.env, login="sr_care_admin", name="Qian Admin", tz="Asia/Shanghai",
            groups="crm_showroom.group_showroom_admin",
        )

    @classmethod
    def _create_vehicle(cls, partner, delivery_date, company=None):
        lot = cls._stock_vehicles(1)
        return cls.env["showroom.vehicle"].create(
            {
                "lot_id": lot.id,
                "partner_id": partner.id,
                "state": "delivered",
                "delivery_date": delivery_date,
                "user_id": cls.consultant.id,
                "company_id": (company or cls.company).id,
            }
        )

    @classmethod
    def _create_care_day(cls, occasion="spring_festival", day=date(2027, 2, 6), **values):
        return cls.env["showroom.care.day"].create(
            {
                "name": f"{occasion} {day or ''}",
                "occasion": occasion,
                "date": day,
                "sms_template_id": cls.holiday_template.id,
                "company_id": cls.company.id,
                **values,
            }
        )

    def _logs(self, care_day):
        return self.env["showroom.care.sms"].search([("care_day_id", "=", care_day.id)])
