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
