import { registry } from "@web/core/registry";
import { tourValue } from "./tour_values";

const DIALOG = ".modal:has(.o_form_view .o_field_widget[name=reason_ids])";

/**
 * R4.2, R4.3: the consultant's calling list. My Follow-ups Today shows the
 * customer's mobile as a phone link (click to call), the grade and the car wanted;
 * the call that finds nobody is marked done from the list as "Unreachable" and the
 * next follow-up is scheduled.
 */
registry.category("web_tour.tours").add("crm_showroom_calling_list", {
    steps: () => [
        {
            content: "The calling list shows the customer with a phone link to call",
            trigger: `.o_list_view .o_data_row:contains(${tourValue("lead")}) .o_field_phone a[href^='tel:']`,
        },
        {
            content: "… the grade and the car wanted",
            trigger: `.o_data_row:contains(${tourValue("lead")}) td[name=showroom_grade_id]:contains(A)`,
        },
        {
            trigger: `.o_data_row:contains(${tourValue("lead")}) td[name=showroom_product_id]:contains(H6 SUV)`,
        },
        {
            content: "Open the follow-up from the list",
            trigger: `.o_data_row:contains(${tourValue("lead")}) .o-mail-ActivityButton`,
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityListPopoverItem:contains(First follow-up) .o-mail-ActivityListPopoverItem-markAsDone",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Called twice, no answer",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done and Schedule Next']",
            run: "click",
        },
        {
            content: "The feedback dialog: the call found nobody",
            trigger: `${DIALOG} .o_field_widget[name=reason_ids] input`,
            run: "click",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Unreachable)",
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=reason_ids] .o_tag:contains(Unreachable)`,
        },
        {
            content: "The next follow-up is due at the grade's interval",
            trigger: `${DIALOG} .o_field_widget[name=next_deadline] input:value(${tourValue("next_deadline")})`,
        },
        {
            trigger: `${DIALOG} button[name=action_done]`,
            run: "click",
        },
        {
            content: "Done: the dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
