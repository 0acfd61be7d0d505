import { registry } from "@web/core/registry";
import { tourValue } from "./tour_values";

/**
 * R6.3: a showroom manager opens CRM > Campaigns, creates a referral campaign
 * that rewards each referral with a coupon of the loyalty app (the program, the
 * cost per reward, the budget, the period from today), starts it and sees it
 * running with its budget untouched.
 */
registry.category("web_tour.tours").add("crm_showroom_campaign", {
    steps: () => [
        {
            content: "The campaigns of the showroom",
            trigger: ".o_list_view",
        },
        {
            content: "New campaign",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Spring referral gift",
        },
        {
            content: "Referral is the default type",
            trigger: ".o_field_widget[name=campaign_type] select:has(option:selected:contains(Referral))",
        },
        {
            content: "The campaign ends in a month",
            trigger: ".o_field_widget[name=date_end] input",
            run: `edit ${tourValue("date_end")}`,
        },
        {
            content: "The reward: a coupon of the loyalty app",
            trigger: ".o_field_widget[name=loyalty_program_id] input",
            run: "edit Referral coupon",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Referral coupon 500)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=reward_cost] input",
            run: "edit 500",
        },
        {
            trigger: ".o_field_widget[name=budget] input",
            run: "edit 5000",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, start it",
            trigger: ".o_form_saved button[name=action_start]",
            run: "click",
        },
        {
            content: "The campaign runs",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Running)",
        },
        {
            content: "Nothing spent yet",
            trigger: ".o_field_widget[name=spent]:contains(0.00)",
        },
    ],
});
