import threading

from odoo import api, models


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _showroom_batch_done(self, done, remaining):
        """A showroom cron finished a batch: report its progress and, when it runs as
        a cron job, commit, so that a later failure or timeout keeps the batches
        done and a second run goes on from there.

        Only a cron job commits (``ir_cron_progress_id`` is in the context of
        scheduled and manually triggered jobs): the same method called from a
        button, from the demo data or in a test stays in its caller's transaction (a
        test thread is flagged ``testing``, by Odoo's test runner and pytest-odoo alike).
        """
        self._notify_progress(done=done, remaining=remaining)
        if self.env.context.get("ir_cron_progress_id") and not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit
