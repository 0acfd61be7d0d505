import { registry } from "@web/core/registry";

const DIALOG = ".modal:has(.o_form_view .o_field_widget[name=call_outcome])";

/**
 * R6.1: the telemarketing user opens the call queue in the "Base Customers" app,
 * opens the entry of a customer at 50,000 km, records the call (feedback, outcome
 * "interested in a new car", km today) and sees the entry closed.
 */
registry.category("web_tour.tours").add("crm_showroom_mileage_call", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Base Customers app",
            trigger: ".o_app[data-menu-xmlid='crm_showroom.menu_showroom_care_root']",
            run: "click",
        },
        {
            content: "The call queue shows my open entry",
            trigger: ".o_list_view .o_data_row:contains(50,000 km) td[name=partner_id]",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_open_call]",
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
            run: "edit 想换一台新 H6，周末来店看车",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=call_outcome] input[data-value=interested]`,
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=odometer_km] input`,
            run: "edit 50800",
        },
        {
            trigger: `${DIALOG} button[name=action_done]`,
            run: "click",
        },
        {
            content: "The entry is closed with its outcome",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name=outcome]:contains(Interested in a new car)",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Closed)",
        },
        {
            content: "Open the customer's car",
            trigger: ".o_form_view .o_field_widget[name=vehicle_id] a",
            run: "click",
        },
        {
            content: "The vehicle form shows the mileage given today and, at the top, the chart of the readings",
            trigger: ".o_form_view .o_field_widget[name=odometer]:contains(50,800)",
        },
        {
            trigger: ".o_form_view .o_group .o_field_widget[name=odometer_chart] svg polyline",
        },
        {
            content: "The next milestone is at the top too",
            trigger: ".o_form_view .o_group .o_field_widget[name=milestone_next_id]",
        },
        {
            trigger: ".o_form_view button[name=action_record_mileage]",
        },
    ],
});

/**
 * R6.1: the consultant who sold the car finds the opportunity the call brought,
 * from the "base customer" channel, with the customer's car linked.
 */
registry.category("web_tour.tours").add("crm_showroom_mileage_consultant", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=showroom_channel_id] input:value(Base customer)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=showroom_base_vehicle_id]:contains(H6 SUV)",
        },
    ],
});
