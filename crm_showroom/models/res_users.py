from odoo import _, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_list

MANAGER_GROUP = "crm_showroom.group_showroom_manager"


class ResUsers(models.Model):
    _inherit = "res.users"

    def _showroom_is_manager(self):
        """Whether the current user is a showroom manager."""
        return self.env.user.has_group(MANAGER_GROUP)

    def _showroom_check_manager(self, message):
        """The one check of every showroom manager's power (R7.1, R8: rulings,
        inspections, fines, corrections, instructions): the current user must be a
        showroom manager, else ``AccessError(message)``. The superuser's own flows
        (crons, demo data, the system's side effects run as sudo) pass."""
        if not self.env.su and not self._showroom_is_manager():
            raise AccessError(message)

    # ------------------------------------------------------------
    # HANDOVER (G1): a leaving employee never takes customers away
    # ------------------------------------------------------------

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            self.filtered("active")._showroom_check_nothing_held()
        return super().write(vals)

    def action_showroom_hand_over(self):
        """The user form's "Hand over customers": the handover wizard, from this user."""
        self.ensure_one()
        self._showroom_check_manager(_("Only showroom managers hand over customers."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Hand over customers"),
            "res_model": "showroom.handover",
            "view_mode": "form",
            "target": "new",
            "context": {"default_user_id": self.id},
        }

    def _showroom_check_nothing_held(self):
        """G1: a user who still holds open showroom items (opportunities of
        showroom teams, base customers, vehicles, open base-customer calls, open
        showroom follow-ups) is archived only after a handover. Users holding
        none archive as in stock Odoo."""
        counts = self.env["showroom.handover"]._showroom_held_counts(self)
        labels = {
            "opportunity": _("open opportunities"),
            "customer": _("base customers"),
            "vehicle": _("vehicles"),
            "call": _("open calls"),
            "activity": _("open follow-ups"),
        }
        for user in self:
            held = [f"{counts[user.id][kind]} {label}" for kind, label in labels.items() if counts[user.id].get(kind)]
            if held:
                raise UserError(
                    _(
                        "%(user)s still holds %(items)s. Hand them over first (the user's “Hand over customers” "
                        "button, or CRM › Configuration › Showroom › Hand over customers), then archive: a "
                        "leaving employee never takes customers away.",
                        user=user.name,
                        items=format_list(self.env, held),
                    )
                )
