import { Activity } from "@mail/core/web/activity_model";
import { patch } from "@web/core/utils/patch";

/**
 * Showroom follow-ups are marked done with the customer's feedback (reasons and
 * details) and bring their next follow-up (rule book R4.1, R4.3). "Mark Done" on a
 * follow-up therefore opens the server's "Follow-up done" dialog instead of
 * closing the activity straight away, and resolves once that dialog is closed so
 * that the chatter and the view reload afterwards.
 */
patch(Activity.prototype, {
    async markAsDone(attachmentIds = []) {
        if (!this.is_showroom_followup) {
            return super.markAsDone(...arguments);
        }
        const action = await this.store.env.services.orm.call(
            "mail.activity",
            "action_feedback_schedule_next",
            [[this.id]],
            { feedback: this.feedback }
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
