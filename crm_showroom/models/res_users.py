from odoo import models
from odoo.exceptions import AccessError

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
