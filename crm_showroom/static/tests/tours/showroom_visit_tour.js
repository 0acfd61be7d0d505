import { registry } from "@web/core/registry";
import { tourValue } from "./tour_values";

/**
 * R2.1, R8.1: a consultant logs the day's visitors in the editable list of visit
 * cards. A returning customer is matched to their opportunity by the mobile number;
 * a new one has none, and "Create opportunity" opens the opportunity form filled in
 * from the card: the consultant completes the entry standard, saves, and the
 * opportunity shows its visit.
 */
registry.category("web_tour.tours").add("crm_showroom_visit_cards", {
    steps: () => [
        {
            content: "Log a visitor",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=partner_name] input",
            run: "edit 孙先生",
        },
        {
            content: "The mobile as the customer says it",
            trigger: ".o_selected_row .o_field_widget[name=mobile] input",
            run: "edit 138-0013-8000",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=party_size] input",
            run: "edit 2",
        },
        {
            content: "Save the card",
            trigger: ".o_list_view .o_list_button_save",
            run: "click",
        },
        {
            content: "The card found the customer's opportunity and matches it",
            trigger: `.o_data_row:contains(孙先生):contains(+86 138 0013 8000) td[name=lead_id]:contains(${tourValue(
                "lead"
            )})`,
        },
        {
            trigger: ".o_data_row:contains(孙先生) td[name=match_state]:contains(Matched)",
        },
        {
            content: "A new visitor",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=partner_name] input",
            run: "edit 周女士",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=mobile] input",
            run: "edit 15000150000",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=test_drive] input",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_list_button_save",
            run: "click",
        },
        {
            content: "She has no opportunity yet",
            trigger: ".o_data_row:contains(周女士) td[name=match_state]:contains(No opportunity)",
        },
        {
            content: "Create her opportunity from the card",
            trigger: ".o_data_row:contains(周女士) button[name=action_create_opportunity]",
            run: "click",
        },
        {
            content: "The opportunity form is filled in from the card",
            trigger: ".o_form_view .o_showroom_entry .o_field_widget[name=mobile] input:value(+86 150 0015 0000)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=showroom_grade_id] .o_selection_badge:contains(Within 15 days)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=showroom_purchase_type] label:contains(First purchase)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_showroom_entry .o_field_widget[name=city_id] input",
            run: "edit 定州",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(保定市定州市)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_showroom_entry .o_field_widget[name=street] input",
            run: "edit 中山路 1 号",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the opportunity shows its visit",
            trigger: ".o_form_view button[name=action_showroom_open_visits]:contains(1)",
        },
    ],
});
