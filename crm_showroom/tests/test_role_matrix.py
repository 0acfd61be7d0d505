import csv
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import file_open

from odoo.addons.crm_showroom.tools.vin import with_check_digit
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomCase

# G5: the roles, each the group a user of that role is given (with what it implies)
ROLES = {
    "employee": "base.group_user",
    "consultant": "crm_showroom.group_showroom_consultant",
    "manager": "crm_showroom.group_showroom_manager",
    "segment_admin": "crm_showroom.group_showroom_admin",
    "group_management": "crm_showroom.group_showroom_group_management",
    "telemarketing": "crm_showroom.group_showroom_telemarketing",
    "finance": "crm_showroom.group_showroom_finance",
    "system_admin": "base.group_system",
}
OPERATIONS = ("read", "write", "create", "unlink")
ACCESS_CSV = "crm_showroom/security/ir.model.access.csv"

# The segment admin's configuration (G5): managers read it, segment admins edit it.
CONFIG_MODELS = (
    "showroom.grade",
    "showroom.feedback.reason",
    "showroom.source.channel",
    "showroom.fine.rule",
    "showroom.mileage.milestone",
    "showroom.care.day",
    "showroom.competitor",
    "mail.activity.plan",
    "mail.activity.plan.template",
)

# Stock models the addon extends whose records are a segment's (G5); the other stock
# models keep Odoo's own multi-company behaviour (internal users are visible across
# companies, for instance).
SEGMENTED_STOCK_MODELS = ("crm.lead", "res.partner", "crm.team", "sale.order")

# Records the factory makes for the cross-company and own-record checks: for each
# stored model of the addon, a method ``_fixture_<model with underscores>(company,
# owner)`` returning the values of one record of ``company`` owned by ``owner`` (a
# consultant or telemarketing user of that company). A new model adds its own.
FIXTURE_PREFIX = "_fixture_"


@tagged("post_install", "-at_install", "crm_showroom", "showroom_security")
class TestRoleMatrix(ShowroomCase):
    """G5: every role's reach (create, read, write, unlink) on every model of the
    addon, generated from ``security/ir.model.access.csv`` so that a new model
    cannot escape it; no record of one company (segment) reaches a user of
    another; consultants see only their own records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_create_nolog=True, mail_notrack=True))
        cls.company_a = cls.company
        cls.company_b = cls.env["res.company"].create(
            {"name": "Shijiazhuang Store", "country_id": cls.china.id, "showroom_tz": "Asia/Shanghai"}
        )
        cls.role_users = {
            role: mail_new_test_user(
                cls.env,
                login=f"matrix_{role}",
                groups=group,
                company_id=cls.company_a.id,
                company_ids=[Command.set(cls.company_a.ids)],
            )
            for role, group in ROLES.items()
        }
        cls.group_management_ab = mail_new_test_user(
            cls.env,
            login="matrix_group_management_ab",
            groups=ROLES["group_management"],
            company_id=cls.company_a.id,
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
        )
        # owners of the records: two consultants and two telemarketing users per company
        cls.owners = {
            (company, role, index): mail_new_test_user(
                cls.env,
                login=f"matrix_{role}_{company.id}_{index}",
                groups=ROLES[role],
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
                tz="Asia/Shanghai",
            )
            for company in (cls.company_a, cls.company_b)
            for role in ("consultant", "telemarketing")
            for index in (1, 2)
        }
        cls.vehicle_product = cls.env["product.product"].create(
            {"name": "Matrix SUV", "is_vehicle": True, "type": "consu", "is_storable": True, "tracking": "serial"}
        )
        cls.sms_template = cls.env["sms.template"].create(
            {"name": "Matrix greeting", "model_id": cls.env.ref("base.model_res_partner").id, "body": "Hello"}
        )
        cls._cache = {}
        cls._vin_counter = 0
        cls.addon_models = cls._addon_models()
        cls.records = {}  # (model, company, owner) -> record
        for model in cls._stored_models():
            factory = getattr(cls, FIXTURE_PREFIX + model.replace(".", "_"), None)
            if not factory:
                continue  # test_every_stored_model_has_a_fixture names it
            for company in (cls.company_a, cls.company_b):
                for index in (1, 2):
                    owner = cls._owner(company, model, index)
                    cls.records[model, company, owner] = cls._make(model, company, factory(company, owner))

    # ------------------------------------------------------------
    # THE MATRIX
    # ------------------------------------------------------------

    @classmethod
    def _addon_models(cls):
        """Models of ir.model the addon defines or extends (its ``model_*`` xmlids),
        abstract ones aside (they have no table nor access)."""
        model_ids = cls.env["ir.model.data"].search([("module", "=", "crm_showroom"), ("model", "=", "ir.model")])
        names = cls.env["ir.model"].browse(model_ids.mapped("res_id")).mapped("model")
        return sorted(name for name in names if name in cls.env and not cls.env[name]._abstract)

    @classmethod
    def _owned(cls, model):
        """Whether the addon defines ``model`` (not only extends it)."""
        return cls.env[model]._original_module == "crm_showroom"

    @classmethod
    def _stored_models(cls):
        """Models of the addon with records of their own: defined here, not transient, not SQL views."""
        return [
            name
            for name in cls.addon_models
            if cls._owned(name) and not cls.env[name]._transient and cls.env[name]._auto
        ]

    def _access_lines(self):
        """``{model: [(group or None, {operation: bool})]}``: the addon's access csv,
        plus the lines other modules give to the models the addon only extends; and
        the addon's accesses made outside the csv (they would escape the matrix)."""
        lines, csv_ids = {}, set()
        with file_open(ACCESS_CSV) as handle:
            for row in csv.DictReader(handle):
                csv_ids.add(row["id"])
                model_xmlid = row["model_id:id"] if "." in row["model_id:id"] else f"crm_showroom.{row['model_id:id']}"
                group_xmlid = row["group_id:id"]
                if group_xmlid and "." not in group_xmlid:
                    group_xmlid = f"crm_showroom.{group_xmlid}"
                model = self.env.ref(model_xmlid).model
                group = self.env.ref(group_xmlid) if group_xmlid else None
                perms = {operation: row[f"perm_{operation}"] == "1" for operation in OPERATIONS}
                lines.setdefault(model, []).append((group, perms))
        ours = self.env["ir.model.data"].search([("module", "=", "crm_showroom"), ("model", "=", "ir.model.access")])
        others = self.env["ir.model.access"].search(
            [("model_id.model", "in", self.addon_models), ("id", "not in", ours.mapped("res_id"))]
        )
        for access in others:
            perms = {operation: access[f"perm_{operation}"] for operation in OPERATIONS}
            lines.setdefault(access.model_id.model, []).append((access.group_id or None, perms))
        outside = ours.filtered(lambda xmlid: xmlid.name not in csv_ids).mapped("complete_name")
        outside += others.filtered(lambda access: self._owned(access.model_id.model)).mapped("name")
        return lines, outside

    def test_every_model_has_access_lines(self):
        """A model of the addon without an access line in the csv fails here, by name;
        so does an access of an addon model made outside the csv (it would escape the matrix)."""
        lines, outside = self._access_lines()
        without = [model for model in self.addon_models if self._owned(model) and model not in lines]
        self.assertFalse(without, f"models of crm_showroom without any line in {ACCESS_CSV}")
        self.assertFalse(outside, "accesses made outside the csv")

    def test_role_matrix_matches_access_csv(self):
        """Each role can do exactly what the union of its groups' lines grants, on
        every model of the addon and for every operation."""
        lines, _outside = self._access_lines()
        mismatches = []
        for role, user in self.role_users.items():
            groups = user.groups_id
            for model in self.addon_models:
                for operation in OPERATIONS:
                    expected = any(
                        perms[operation] and (group is None or group in groups) for group, perms in lines.get(model, [])
                    )
                    actual = self.env[model].with_user(user).browse().has_access(operation)
                    if actual != expected:
                        mismatches.append(f"{role} {operation} {model}: {actual}, the csv says {expected}")
        self.assertFalse(mismatches, "\n".join(mismatches))

    def test_segment_admins_configure_managers_operate(self):
        """G5: configuration is the segment admin's; the manager reads it and keeps
        the operational rights (fines, inspections, instructions, campaigns)."""
        manager, admin = self.role_users["manager"], self.role_users["segment_admin"]
        for model in CONFIG_MODELS:
            with self.subTest(model=model):
                Model = self.env[model]
                self.assertTrue(Model.with_user(manager).has_access("read"))
                for operation in ("write", "create", "unlink"):
                    self.assertFalse(Model.with_user(manager).has_access(operation), operation)
                    self.assertTrue(Model.with_user(admin).has_access(operation), operation)
        for model in ("showroom.fine", "showroom.inspection", "showroom.campaign", "showroom.spot.check"):
            self.assertTrue(self.env[model].with_user(manager).has_access("write"), model)
        self.assertTrue(self.env["showroom.followup.instruction"].with_user(manager).has_access("create"))

    def test_user_form_offers_the_roles(self):
        """G5: the user form picks one showroom role from the chain consultant <
        manager < segment admin < group management."""
        chain = [self.env.ref(ROLES[role]) for role in ("consultant", "manager", "segment_admin", "group_management")]
        fields = self.env["res.users"].fields_get(attributes=["selection"])
        choices = [
            {value for value, _label in description["selection"] if value}
            for name, description in fields.items()
            if name.startswith("sel_groups_")
        ]
        self.assertIn({group.id for group in chain}, choices)

    # ------------------------------------------------------------
    # SEGMENTS: NO RECORD OF ANOTHER COMPANY
    # ------------------------------------------------------------

    def test_every_showroom_model_has_a_company(self):
        """Every showroom model (views included) carries ``company_id`` and a global
        multi-company rule."""
        Rule = self.env["ir.rule"]
        missing = []
        for model in self.addon_models:
            Model = self.env[model]
            if not model.startswith("showroom.") or Model._transient:
                continue
            rules = Rule.search([("model_id.model", "=", model), ("global", "=", True)])
            if "company_id" not in Model._fields or not any("company_ids" in rule.domain_force for rule in rules):
                missing.append(model)
        self.assertFalse(missing, "showroom models without company_id or a multi-company rule")

    def test_every_stored_model_has_a_fixture(self):
        missing = [
            model for model in self._stored_models() if not hasattr(self, FIXTURE_PREFIX + model.replace(".", "_"))
        ]
        self.assertFalse(missing, f"models without a record factory: add a {FIXTURE_PREFIX}<model> method")

    def test_no_record_of_another_company(self):
        """Whatever their role, users of company A find, read and count no record of
        company B; group management allowed both companies reaches both."""
        leaks = []
        for model in self.addon_models:
            Model = self.env[model]
            if Model._transient or not (self._owned(model) or model in SEGMENTED_STOCK_MODELS):
                continue
            for role, user in self.role_users.items():
                as_user = Model.with_user(user)
                if not as_user.has_access("read"):
                    continue
                if as_user.search_count([("company_id", "=", self.company_b.id)]):
                    leaks.append(f"{role} finds records of {model} of the other company")
                for record in self._records_of(model, self.company_b):
                    if record.with_user(user).has_access("read"):
                        leaks.append(f"{role} reads {model} {record.id} of the other company")
        self.assertFalse(leaks, "\n".join(leaks))
        both = self.company_a | self.company_b
        for model in self._stored_models():
            records = self._records_of(model, self.company_a) | self._records_of(model, self.company_b)
            Model = self.env[model].with_user(self.group_management_ab).with_context(allowed_company_ids=both.ids)
            if Model.has_access("read"):
                self.assertEqual(Model.search([("id", "in", records.ids)]), records, model)

    def test_views_of_both_companies_exist(self):
        """The factory gives the reporting views rows in both companies, so the check
        above proves something for them too."""
        for model in ("showroom.campaign.report", "showroom.fine.statement"):
            companies = self.env[model].search([]).mapped("company_id")
            self.assertIn(self.company_b, companies, model)

    # ------------------------------------------------------------
    # WITHIN A COMPANY: OWN RECORDS
    # ------------------------------------------------------------

    def test_consultants_see_only_their_own(self):
        """Where a record rule restricts consultants (or telemarketing users) to their
        own records, each sees their own and not their colleague's."""
        checked = []
        for model in self._stored_models():
            first, second = (self._owner(self.company_a, model, index) for index in (1, 2))
            role = "telemarketing" if first.has_group(ROLES["telemarketing"]) else "consultant"
            if not self._has_own_rule(model, role):
                continue
            if (model, self.company_a, first) not in self.records:
                continue  # test_every_stored_model_has_a_fixture names it
            mine, theirs = self.records[model, self.company_a, first], self.records[model, self.company_a, second]
            Model = self.env[model].with_user(first)
            self.assertEqual(Model.search([("id", "in", (mine | theirs).ids)]), mine, f"{role}: {model}")
            with self.assertRaises(AccessError, msg=f"{role}: {model}"):
                theirs.with_user(first).read(["display_name"])
            checked.append(model)
        for model in (
            "showroom.visit",
            "showroom.fine",
            "showroom.inspection",
            "showroom.vehicle",
            "showroom.milestone.call",
        ):
            self.assertIn(model, checked)
        consultant, colleague = (self.owners[self.company_a, "consultant", index] for index in (1, 2))
        leads = self._lead(self.company_a, consultant) | self._lead(self.company_a, colleague)
        visible = self.env["crm.lead"].with_user(consultant).search([("id", "in", leads.ids)])
        self.assertEqual(visible, self._lead(self.company_a, consultant))

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @classmethod
    def _has_own_rule(cls, model, role):
        """Whether a rule of ``role``'s group on ``model`` restricts it to some records."""
        rules = cls.env["ir.rule"].search(
            [("model_id.model", "=", model), ("groups", "in", cls.env.ref(ROLES[role]).ids)]
        )
        return any("user.id" in rule.domain_force for rule in rules)

    @classmethod
    def _owner(cls, company, model, index):
        """The owner of the ``index``th record of ``model`` in ``company``: a
        telemarketing user for the models whose rules restrict telemarketing only."""
        telemarketing = cls._has_own_rule(model, "telemarketing") and not cls._has_own_rule(model, "consultant")
        return cls.owners[company, "telemarketing" if telemarketing else "consultant", index]

    def _records_of(self, model, company):
        return self.env[model].union(
            *(
                record
                for (name, of_company, _owner), record in self.records.items()
                if (name, of_company) == (model, company)
            )
        )

    @classmethod
    def _make(cls, model, company, values):
        """One record of ``model`` for ``company``: the fixture's values over the
        model's defaults in that company (``company_id`` unless the fixture gives it;
        ``None``: a related company, the parent's)."""
        values = dict(values)
        if "company_id" not in values:
            values["company_id"] = company.id
        elif values["company_id"] is None:  # a related company: the parent's
            del values["company_id"]
        return cls.env[model].with_company(company).create(values)

    @classmethod
    def _memo(cls, key, build):
        if key not in cls._cache:
            cls._cache[key] = build()
        return cls._cache[key]

    @classmethod
    def _team(cls, company):
        return cls._memo(
            ("team", company),
            lambda: cls.env["crm.team"].create(
                {"name": f"Showroom {company.name}", "is_showroom": True, "company_id": company.id}
            ),
        )

    @classmethod
    def _lead(cls, company, owner):
        return cls._memo(
            ("lead", company, owner),
            lambda: (
                cls.env["crm.lead"]
                .with_company(company)
                .create(
                    cls._lead_values(
                        name=f"Lead of {owner.name}",
                        team_id=cls._team(company).id,
                        user_id=owner.id,
                        company_id=company.id,
                    )
                )
            ),
        )

    @classmethod
    def _partner(cls, company, owner):
        return cls._memo(
            ("partner", company, owner),
            lambda: cls.env["res.partner"].create(
                {"name": f"Customer of {owner.name}", "mobile": "+86 138 0013 8000", "company_id": company.id}
            ),
        )

    @classmethod
    def _vehicle(cls, company, owner):
        def build():
            lot = cls.env["stock.lot"].create(
                {
                    "name": cls._next_vin(),
                    "product_id": cls.vehicle_product.id,
                    "company_id": company.id,
                }
            )
            return (
                cls.env["showroom.vehicle"]
                .with_company(company)
                .create(
                    {
                        "lot_id": lot.id,
                        "company_id": company.id,
                        "partner_id": cls._partner(company, owner).id,
                        "user_id": owner.id,
                        "state": "delivered",
                        "delivery_date": date(2025, 3, 1),
                        "opportunity_id": cls._lead(company, owner).id,
                    }
                )
            )

        return cls._memo(("vehicle", company, owner), build)

    @classmethod
    def _campaign(cls, company):
        return cls._memo(
            ("campaign", company),
            lambda: (
                cls.env["showroom.campaign"]
                .with_company(company)
                .create(
                    {
                        "name": f"Referral gifts {company.name}",
                        "campaign_type": "referral",
                        "reward_type": "gift_product",
                        "date_start": date(2026, 1, 1),
                        "date_end": date(2026, 12, 31),
                        "user_id": cls.owners[company, "consultant", 1].id,
                        "company_id": company.id,
                    }
                )
            ),
        )

    @classmethod
    def _next_vin(cls):
        cls._vin_counter += 1
        return with_check_digit(f"LGWEF4A50TR{cls._vin_counter:06d}")

    @classmethod
    def _inspection(cls, company, owner):
        return cls._memo(
            ("inspection", company, owner),
            lambda: cls.env["showroom.inspection"].create(
                {"user_id": owner.id, "day": date(2026, 3, 9), "company_id": company.id}
            ),
        )

    @classmethod
    def _milestone(cls):
        return cls.env.ref("crm_showroom.milestone_50k")

    # ------------------------------------------------------------
    # FIXTURES (one per stored model of the addon)
    # ------------------------------------------------------------

    @classmethod
    def _fixture_showroom_grade(cls, company, owner):
        return {"code": f"M{owner.id % 1000}", "name": "Exhibition", "followup_interval_days": 3}

    @classmethod
    def _fixture_showroom_feedback_reason(cls, company, owner):
        return {"name": f"Reason of {owner.name}"}

    @classmethod
    def _fixture_showroom_source_channel(cls, company, owner):
        return {"name": f"Channel of {owner.name}"}

    @classmethod
    def _fixture_showroom_fine_rule(cls, company, owner):
        return {"code": f"R{owner.id}", "name": "Spot check", "kind": "spot_check", "amount": 50}

    @classmethod
    def _fixture_showroom_mileage_milestone(cls, company, owner):
        return {"name": f"Milestone of {owner.name}", "kind": "mileage", "km": 70000 + owner.id}

    @classmethod
    def _fixture_showroom_care_day(cls, company, owner):
        day = date(2026, 5, 1 + owner.id % 28)
        return {"name": f"Care day of {owner.name}", "date": day, "sms_template_id": cls.sms_template.id}

    @classmethod
    def _fixture_showroom_care_sms(cls, company, owner):
        care_day = cls._make(
            "showroom.care.day",
            company,
            {
                "name": f"Sent to {owner.name}",
                "date": date(2026, 6, 1 + owner.id % 28),
                "sms_template_id": cls.sms_template.id,
            },
        )
        return {"partner_id": cls._partner(company, owner).id, "care_day_id": care_day.id, "date": date(2026, 5, 1)}

    @classmethod
    def _fixture_showroom_campaign(cls, company, owner):
        return {
            "name": f"Campaign of {owner.name}",
            "campaign_type": "other",
            "date_start": date(2026, 1, 1),
            "date_end": date(2026, 12, 31),
            "user_id": owner.id,
        }

    @classmethod
    def _fixture_showroom_campaign_reward(cls, company, owner):
        vehicle = cls._vehicle(company, owner)
        return {
            "campaign_id": cls._campaign(company).id,
            "kind": "referral",
            "partner_id": vehicle.partner_id.id,
            "vehicle_id": vehicle.id,
            "lead_id": vehicle.opportunity_id.id,
            "company_id": None,  # related to the campaign's
        }

    @classmethod
    def _fixture_showroom_inspection(cls, company, owner):
        return {"user_id": owner.id, "day": date(2026, 3, 8)}

    @classmethod
    def _fixture_showroom_fine(cls, company, owner):
        lead = cls._lead(company, owner)
        return {
            "inspection_id": cls._inspection(company, owner).id,
            "rule_id": cls.env["showroom.fine.rule"].search([("kind", "=", "no_followup")], limit=1).id,
            "user_id": owner.id,
            "currency_id": company.currency_id.id,
            "amount": 50,
            "day": date(2026, 3, 9),
            "res_model": "crm.lead",
            "res_id": lead.id,
        }

    @classmethod
    def _fixture_showroom_spot_check(cls, company, owner):
        activity = cls._open_followups(cls._lead(company, owner))[:1]
        return {"activity_id": activity.id, "user_id": owner.id, "week_start": date(2026, 3, 9)}

    @classmethod
    def _fixture_showroom_visit(cls, company, owner):
        return {"user_id": owner.id, "partner_name": f"Visitor of {owner.name}", "visit_type": "first"}

    @classmethod
    def _fixture_showroom_vehicle(cls, company, owner):
        lot = cls.env["stock.lot"].create(
            {
                "name": cls._next_vin(),
                "product_id": cls.vehicle_product.id,
                "company_id": company.id,
            }
        )
        return {"lot_id": lot.id, "user_id": owner.id, "partner_id": cls._partner(company, owner).id, "state": "stock"}

    @classmethod
    def _fixture_showroom_odometer(cls, company, owner):
        return {
            "vehicle_id": cls._vehicle(company, owner).id,
            "date": date(2026, 3, 1),
            "km": 12000,
            "company_id": None,
        }

    @classmethod
    def _fixture_showroom_milestone_call(cls, company, owner):
        return {
            "vehicle_id": cls._vehicle(company, owner).id,
            "milestone_id": cls._milestone().id,
            "user_id": owner.id,
            "date_open": date(2026, 3, 1),
        }

    @classmethod
    def _fixture_showroom_assignment(cls, company, owner):
        # a closed row: the current one of the opportunity is written by its creation
        return {
            "lead_id": cls._lead(company, owner).id,
            "user_id": owner.id,
            "date_from": "2026-03-01 02:00:00",
            "date_to": "2026-03-02 02:00:00",
        }

    @classmethod
    def _fixture_showroom_competitor(cls, company, owner):
        return {"name": f"Rival brand of {owner.name}"}

    @classmethod
    def _fixture_showroom_relationship_level(cls, company, owner):
        return {"name": f"Level of {owner.name}"}

    @classmethod
    def _fixture_showroom_interest(cls, company, owner):
        return {"name": f"Interest of {owner.name}"}

    @classmethod
    def _fixture_showroom_customer_class(cls, company, owner):
        return {"name": f"Class of {owner.name}", "customer_kind": "person", "nature": "private"}

    @classmethod
    def _fixture_showroom_conflict(cls, company, owner):
        # the owner claims a customer that a colleague outside the owners holds
        holder = cls._memo(
            ("conflict holder", company),
            lambda: mail_new_test_user(
                cls.env,
                login=f"matrix_holder_{company.id}",
                groups=ROLES["consultant"],
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            ),
        )
        return {
            "name": f"Customer claimed by {owner.name}",
            "company_id": company.id,
            "holder_user_id": holder.id,
            "claimant_user_id": owner.id,
            "pair_key": f"matrix-{holder.id}-{owner.id}",
        }

    @classmethod
    def _fixture_showroom_conflict_key(cls, company, owner):
        return {"company_id": company.id, "key": f"mobile:matrix-{owner.id}"}

    @classmethod
    def _fixture_showroom_grade_history(cls, company, owner):
        return {
            "lead_id": cls._lead(company, owner).id,
            "old_grade_id": cls.grades["B"].id,
            "new_grade_id": cls.grades["A"].id,
            "day": date(2026, 3, 9),
            "user_id": owner.id,
        }
