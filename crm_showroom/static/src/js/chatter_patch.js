import { Chatter } from "@mail/chatter/web_portal/chatter";
import "@mail/chatter/web/chatter_patch";
import { patch } from "@web/core/utils/patch";

/**
 * The showroom opportunity form shows the follow-up history and the next
 * follow-up: reload it when an activity changes in its chatter (marked done,
 * edited, cancelled) so that both stay current.
 */
patch(Chatter.prototype, {
    onActivityChanged(thread) {
        super.onActivityChanged(thread);
        const record = this.props.webRecord;
        if (record && "showroom_followup_ids" in record.activeFields && record.data.is_showroom) {
            this.reloadParentView();
        }
    },
});
