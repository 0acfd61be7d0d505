import { registry } from "@web/core/registry";

const FINES = ".o_field_widget[name=fine_ids]";
const WAIVED_ROW = `${FINES} .o_data_row:contains(Tour lead A)`;
const REASON = "The customer asked us not to call during the holiday";

/**
 * R8: the manager opens the day's inspection sheet of a consultant, waives one
 * fine with a reason and confirms the sheet (which confirms the other fine).
 */
registry.category("web_tour.tours").add("crm_showroom_review_inspection", {
    steps: () => [
        {
            content: "The sheet lists the day's breaches",
            trigger: `${FINES} .o_data_row:contains(Tour lead B)`,
        },
        {
            content: "Waive the first fine",
            trigger: `${WAIVED_ROW} button[name=action_waive_dialog]`,
            run: "click",
        },
        {
            content: "Waiving needs a reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: `edit ${REASON}`,
        },
        {
            trigger: ".modal button[name=action_waive]",
            run: "click",
        },
        {
            content: "The fine is waived",
            trigger: `body:not(:has(.modal)) ${WAIVED_ROW}:contains(Waived)`,
        },
        {
            content: "Confirm the sheet",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "… knowing that confirmed fines cannot be changed",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The sheet is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Confirmed)",
        },
        {
            content: "The waiver and its reason are in the chatter",
            trigger: `.o-mail-Message:contains(Fine waived):contains(${REASON})`,
        },
    ],
});

const CALL_ROW = ".o_data_row:contains(Spot-check tour lead)";

/**
 * R8.4: the manager draws this week's sample of calls, listens to one and
 * records a breach with notes for the evening meeting (the consultant is fined
 * through the spot-check rule).
 */
registry.category("web_tour.tours").add("crm_showroom_spot_check", {
    steps: () => [
        {
            content: "Draw this week's sample",
            trigger: ".o_control_panel button[name=action_sample_this_week]",
            run: "click",
        },
        {
            content: "Open this week",
            trigger: ".o_group_header",
            run: "click",
        },
        {
            content: "The consultant's call is in the sample",
            trigger: `${CALL_ROW} td[name=verdict]`,
            run: "click",
        },
        {
            content: "Verdict: breach",
            trigger: ".o_selected_row .o_field_widget[name=verdict] select",
            run: 'select "breach"',
        },
        {
            content: "Notes for the evening meeting",
            trigger: ".o_selected_row .o_field_widget[name=notes] textarea",
            run: "edit Did not ask about the trade-in",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "The breach is recorded",
            trigger: `${CALL_ROW}:not(.o_selected_row) td[name=verdict]:contains(Breach)`,
        },
    ],
});
