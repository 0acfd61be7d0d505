import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";
import { tourValue } from "./tour_values";

const DIALOG = ".modal:has(.o_form_view .o_field_widget[name=reason_ids])";

/**
 * R4.3, R4.1: a document uploaded to mark a follow-up done (a follow-up type of the
 * "Upload Document" category) opens the feedback dialog and stays attached to the
 * done message, as with stock Mark Done. "Mark Done" on the 48-hour follow-up opens
 * the feedback dialog too; saving it without reasons or details is refused; "Done &
 * Schedule Next" records the feedback and schedules the next follow-up at the
 * grade's interval.
 */
registry.category("web_tour.tours").add("crm_showroom_mark_done", {
    steps: () => [
        {
            content: "Upload the signed visit card to mark the document follow-up done",
            trigger: ".o-mail-Activity:contains(Signed visit card) button:has(.fa-upload):contains(Signed visit card)",
            async run() {
                const file = new File(["%PDF-1.4 signed visit card"], "visit_card.pdf", {
                    type: "application/pdf",
                });
                await inputFiles(".o_input_file", [file], {
                    target: this.anchor.closest(".o-mail-Activity"),
                });
            },
        },
        {
            content: "The feedback dialog shows the uploaded document",
            trigger: `${DIALOG} .o_field_widget[name=attachment_ids]:contains(visit_card.pdf)`,
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=reason_ids] input`,
            run: "click",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Financing concern)",
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=reason_ids] .o_tag:contains(Financing concern)`,
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=feedback] textarea`,
            run: "edit Signed the visit card, asks for a loan offer",
        },
        {
            trigger: `${DIALOG} button[name=action_done]`,
            run: "click",
        },
        {
            content: "The done message carries the document",
            trigger:
                "body:not(:has(.modal)) .o-mail-Message:contains(Signed the visit card)" +
                " .o-mail-AttachmentCard:contains(visit_card.pdf)",
        },
        {
            content: "The document follow-up left the planned activities",
            trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity:contains(Signed visit card)))",
        },
        {
            content: "Mark the 48-hour follow-up done",
            trigger: ".o-mail-Activity:contains(First follow-up) .o-mail-Activity-markDone",
            run: "click",
        },
        {
            content: "Stock Mark Done popover: write what the customer said",
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Wants to think it over",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done and Schedule Next']",
            run: "click",
        },
        {
            content: "The feedback dialog opens with the text of the popover",
            trigger: `${DIALOG} .o_field_widget[name=feedback] textarea:value(Wants to think it over)`,
            run: "clear",
        },
        {
            content: "Save it without reasons or details",
            trigger: `${DIALOG} button[name=action_done]`,
            run: "click",
        },
        {
            content: "Refused: the reasons and the details are missing",
            trigger:
                ".o_notification:has(.o_notification_title:contains(Invalid fields))" +
                ":contains(Customer feedback):contains(What the customer said)",
        },
        {
            content: "The dialog stays open with both fields marked",
            trigger: `${DIALOG}:has(.o_field_invalid[name=reason_ids]):has(.o_field_invalid[name=feedback])`,
        },
        {
            trigger: ".o_notification .o_notification_close",
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=reason_ids] input`,
            run: "click",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Waiting for a price drop)",
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=reason_ids] .o_tag:contains(Waiting for a price drop)`,
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=feedback] textarea`,
            run: "edit Waits for the spring promotion; test drive on Saturday",
        },
        {
            content: "The next follow-up defaults to the grade's interval",
            trigger: `${DIALOG} .o_field_widget[name=next_deadline] input:value(${tourValue(
                "next_deadline"
            )})`,
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=next_summary] input`,
            run: "edit Call about the test drive",
        },
        {
            trigger: `${DIALOG} button[name=action_done]`,
            run: "click",
        },
        {
            content: "The done message carries the customer's feedback",
            trigger:
                "body:not(:has(.modal)) .o-mail-Message:contains(Waiting for a price drop)" +
                ":contains(Waits for the spring promotion)",
        },
        {
            content: "The next follow-up is in the chatter",
            trigger: ".o-mail-Activity:contains(Call about the test drive)",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Follow-ups)",
            run: "click",
        },
        {
            content: "History: the done follow-up with its feedback",
            trigger:
                ".o_field_widget[name=showroom_followup_ids] .o_data_row:contains(First follow-up)" +
                ":contains(Waits for the spring promotion):has(.o_tag:contains(Waiting for a price drop))",
        },
        {
            content: "… and the next one, due at the grade's interval",
            trigger: `.o_field_widget[name=showroom_followup_ids] .o_data_row:contains(Call about the test drive):contains(${tourValue(
                "next_deadline"
            )})`,
        },
        {
            content: "… and the document follow-up, done with its feedback",
            trigger:
                ".o_field_widget[name=showroom_followup_ids] .o_data_row:contains(Signed visit card)" +
                ":contains(Signed the visit card, asks for a loan offer):has(.o_tag:contains(Financing concern))",
        },
    ],
});
