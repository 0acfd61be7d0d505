import { registry } from "@web/core/registry";

const OPPORTUNITY = "Mr Qiao - Sedan 1.5T";
const REQUEST_ROW = `.o_list_view .o_data_row:contains(${OPPORTUNITY})`;
const INSTRUCTION = "Invite him to the test-drive day on Saturday and offer the trade-in bonus";

/**
 * G3: the showroom manager works the list of lost requests (CRM > Reporting >
 * Lost Requests): a consultant's request shows its reason and the competitor that
 * won; Approve makes the opportunity lost and takes it off the list.
 */
registry.category("web_tour.tours").add("crm_showroom_lost_approve", {
    steps: () => [
        {
            content: "The consultant's request waits with its reason and competitor",
            trigger: `${REQUEST_ROW}:contains(Too expensive):contains(BYD Han):contains(Li Consultant)`,
        },
        {
            content: "Approve it",
            trigger: `${REQUEST_ROW} button[name=action_showroom_lost_approve]`,
            run: "click",
        },
        {
            content: "The opportunity is lost: no longer waiting",
            trigger: `.o_list_view:not(:has(.o_data_row:contains(${OPPORTUNITY})))`,
        },
    ],
});

/**
 * G3, R8.3: the showroom manager opens an opportunity whose consultant asked to
 * mark it lost, rejects the request with an instruction for the consultant; the
 * opportunity stays open and the instruction is in the chatter.
 */
registry.category("web_tour.tours").add("crm_showroom_lost_reject", {
    steps: () => [
        {
            content: "The manager sees who asked, why and for which competitor",
            trigger:
                ".o_form_view .o_showroom_lost_requested:contains(Lost requested):contains(Li Consultant):contains(Too expensive):contains(BYD Han)",
        },
        {
            content: "Reject the request",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_showroom_lost_reject]",
            run: "click",
        },
        {
            content: "A rejection says what the consultant does next",
            trigger: ".modal .o_field_widget[name=instruction] textarea",
            run: `edit ${INSTRUCTION}`,
        },
        {
            trigger: ".modal button[name=action_reject]",
            run: "click",
        },
        {
            content: "The instruction is in the chatter for the consultant",
            trigger: `body:not(:has(.modal)) .o-mail-Message:contains(Lost request rejected):contains(${INSTRUCTION})`,
        },
        {
            content: "The opportunity stays open, the request no longer pending",
            trigger:
                ".o_form_view:not(:has(.o_showroom_lost_requested)):not(:has(.ribbon:contains(Lost))) .o_statusbar_buttons:not(:has(button[name=action_showroom_lost_approve]))",
        },
    ],
});
