import { Activity } from "@mail/core/web/activity_model";
import { patch } from "@web/core/utils/patch";

/**
 * Showroom follow-ups are marked done with the customer's feedback (reasons and
 * details) and bring their next follow-up (rule book R4.1, R4.3). "Mark Done" on a
 * follow-up the rule book governs (``showroom_feedback_required``: those of
 * opportunities of showroom teams and of showroom vehicles) therefore opens the
 * server's "Follow-up done" dialog instead of closing the activity straight away,
 * and resolves once that dialog is closed so that the chatter and the view reload
 * afterwards. The documents uploaded to mark it done reach the dialog, which posts
 * them with the done message as stock ``action_feedback`` does.
 *
 * Every other activity, follow-ups of other teams included, is marked done by
 * stock Odoo. "Done & Schedule Next" needs no patch: the stock call
 * (``action_feedback_schedule_next``) returns the same dialog for such follow-ups.
 */
patch(Activity.prototype, {
    /** @param {number[]} attachmentIds */
    async markAsDone(attachmentIds = []) {
        if (!this.showroom_feedback_required) {
            return super.markAsDone(...arguments);
        }
        const action = await this.store.env.services.orm.call(
            "mail.activity",
            "action_feedback_schedule_next",
            [[this.id]],
            { attachment_ids: attachmentIds, feedback: this.feedback }
        );
        if (action) {
            await new Promise((resolve) =>
                this.store.env.services.action.doAction(action, { onClose: resolve })
            );
        }
        this.store.activityBroadcastChannel?.postMessage({
            type: "RELOAD_CHATTER",
            payload: { id: this.res_id, model: this.res_model },
        });
    },
});
