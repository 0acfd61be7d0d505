import { registry } from "@web/core/registry";

/**
 * R6.2: a showroom manager generates the year's holiday care days, opens the
 * Spring Festival and previews it: how many customers receive it and the message
 * one of them gets, with their name and car model.
 */
registry.category("web_tour.tours").add("crm_showroom_care_sms", {
    steps: () => [
        {
            content: "Care days can be generated for a whole year",
            trigger: ".o_list_view button:contains(Generate year)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=year] input",
            run: "edit 2028",
        },
        {
            trigger: ".modal button[name=action_generate]",
            run: "click",
        },
        {
            content: "The year's holidays come with their computed dates",
            trigger: "body:not(:has(.modal)) .o_data_row:contains(Lantern Festival 2028)",
        },
        {
            content: "Spring Festival 2028 is on 26 January",
            trigger: ".o_data_row:contains(Spring Festival 2028):contains(01/26/2028) .o_data_cell[name=name]",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_showroom_preview]",
            run: "click",
        },
        {
            content: "Two base customers receive it (the blacklisted and the opted-out do not)",
            trigger: ".modal .o_field_widget[name=recipient_count]:contains(2)",
        },
        {
            content: "The message is rendered with the customer's name and car model",
            trigger: ".modal .o_field_widget[name=body]:contains(王芳):contains(H6 SUV)",
        },
        {
            trigger: ".modal .modal-footer button:contains(Close)",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view",
        },
    ],
});
