from collections import defaultdict

from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date


class MailActivityPlan(models.Model):
    """Plans launched by the system on many records at once.

    R5.1: the post-purchase plan is launched on every vehicle delivered, for its
    consultant, from its delivery date — possibly a thousand vehicles validated in
    one batch. Plans opt in with ``is_showroom_plan`` (set on the post-purchase
    plan); other plans behave as stock Odoo. ``_showroom_launch`` is the batch counterpart of the "Launch plan"
    dialog (``mail.activity.schedule.action_schedule_plan``): it reads the plan's
    templates as the admins edited them (date rules, responsible, summary, note
    with placeholders) and creates all the activities in one ``create``."""

    _inherit = "mail.activity.plan"

    is_showroom_plan = fields.Boolean(
        string="Showroom plan",
        help="The activities this plan creates are linked to it and keep the end of their "
        "day-of-month window, and placeholders in its notes (such as {{ object.first_service_date }}) "
        "are rendered when it is launched. Off: the plan behaves as a standard Odoo plan.",
    )

    def _showroom_launch(self, records, plan_dates=None, responsibles=None, intros=None):
        """Launch the plan ``self`` on ``records``.

        :param dict plan_dates: ``{record id: date}``, the plan date of each
            record (default: today);
        :param dict responsibles: ``{record id: res.users}``, the user of the
            templates assigned "at launch" (default: the current user);
        :param dict intros: ``{record id: text}``, what the chatter message of the
            start of the plan begins with (e.g. the delivery it follows);
        :return: the activities created (``mail.activity``), each linked to the
            plan (``showroom_plan_id``) and carrying its window end, if any.

        No notification mail is sent (the activities show in the assignees'
        activities); the start of the plan is logged on each record's chatter."""
        self.ensure_one()
        Activity = self.env["mail.activity"]
        intros = intros or {}
        if not records or not self.template_ids:
            if records and intros:
                records._message_log_batch(intros)
            return Activity
        if self.res_model and self.res_model != records._name:
            raise UserError(
                _(
                    "The plan “%(plan)s” applies to %(model)s records only.",
                    plan=self.name,
                    model=self.res_model_id.name,
                )
            )
        plan_dates = plan_dates or {}
        responsibles = responsibles or {}
        # without a plan date, the plan starts today in the day of whom it is for
        on_demand_users = {record.id: responsibles.get(record.id) or self.env.user for record in records}
        today_by_user = self.env["res.company"]._showroom_today_by_user(
            self.env["res.users"].concat(*on_demand_users.values())
        )
        model_id = self.env["ir.model"]._get_id(records._name)
        templates = self.template_ids
        # (record, template, responsible, deadline, window end) of each activity
        rows = []
        for record in records:
            on_demand = on_demand_users[record.id]
            plan_date = plan_dates.get(record.id) or today_by_user[on_demand.id]
            for template in templates:
                responsible = template._determine_responsible(on_demand, record)["responsible"] or on_demand
                rows.append((record, template, responsible, *template._showroom_get_date_window(plan_date)))
        texts = self._showroom_texts_by_language(rows)
        vals_list = []
        descriptions = defaultdict(list)
        # translated once, formatted per activity (thousands of activities in a batch)
        line_format = _("%(activity)s, assigned to %(name)s, due on the %(deadline)s")
        formatted_dates = {}
        for record, template, responsible, deadline, window_end in rows:
            summary, notes = texts[template, responsible.sudo().lang]
            vals_list.append(
                {
                    "activity_type_id": template.activity_type_id.id,
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "summary": summary,
                    "note": notes[record.id],
                    "user_id": responsible.id,
                    "date_deadline": deadline,
                    "showroom_window_end": window_end,
                    "showroom_plan_id": self.id,
                    "automated": True,
                }
            )
            if deadline not in formatted_dates:
                formatted_dates[deadline] = format_date(self.env, deadline)
            descriptions[record.id].append(
                line_format
                % {
                    "activity": template.summary or template.activity_type_id.summary or template.activity_type_id.name,
                    "name": responsible.name,
                    "deadline": formatted_dates[deadline],
                }
            )
        # mail.activity.create subscribes each assignee to the records of its
        # activities, once per activity: subscribe them first, once per record, so
        # that several activities of one record do not subscribe its assignee twice.
        records_by_user = defaultdict(set)
        for vals in vals_list:
            records_by_user[vals["user_id"]].add(vals["res_id"])
        users = self.env["res.users"].browse(records_by_user)
        for user in users:
            records.browse(sorted(records_by_user[user.id])).message_subscribe(partner_ids=user.partner_id.ids)
        activities = Activity.with_context(mail_activity_quick_update=True).create(vals_list)
        header = _('The plan "%(plan_name)s" has been started', plan_name=self.name)
        records._message_log_batch(
            {
                record.id: Markup("%s%s<ul>%s</ul>")
                % (
                    Markup("<p>%s</p>") % intros[record.id] if record.id in intros else "",
                    header,
                    Markup().join(Markup("<li>%s</li>") % line for line in descriptions[record.id]),
                )
                for record in records
            }
        )
        return activities

    def _showroom_texts_by_language(self, rows):
        """``{(template, language): (summary, {record id: note})}``: each activity's
        summary and rendered note in its assignee's language (the templates' summary
        and note are translatable), one rendering per template and language."""
        record_ids = defaultdict(set)
        for record, template, responsible, _deadline, _window_end in rows:
            # sudo: a colleague's language is no secret
            record_ids[template, responsible.sudo().lang].add(record.id)
        texts = {}
        for (template, lang), ids in record_ids.items():
            localized = template.with_context(lang=lang or self.env.lang)
            summary = localized.summary or localized.activity_type_id.summary
            texts[template, lang] = (summary, localized._showroom_render_note(rows[0][0].browse(sorted(ids))))
        return texts

