import { registry } from "@web/core/registry";

/**
 * R6.1, the queue's backlog: a showroom manager opens Customer Care > All Calls, sees
 * how many base customers wait per state in the search panel, opens the waiting entry
 * and hands it to a telemarketing user, which opens it with its first call.
 */
registry.category("web_tour.tours").add("crm_showroom_queue_backlog", {
    url: "/odoo/action-crm_showroom.showroom_milestone_call_action_all",
    steps: () => [
        {
            content: "The search panel counts the waiting entries",
            trigger: ".o_search_panel_filter_value:contains(Waiting) .o_search_panel_counter:contains(1)",
        },
        {
            content: "Show the waiting entries only",
            trigger: ".o_search_panel_filter_value:contains(Waiting) input",
            run: "click",
        },
        {
            content: "Open the waiting entry",
            trigger: ".o_list_view .o_data_row:contains(Waiting) td[name=vehicle_id]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Waiting)",
        },
        {
            content: "Hand it to a telemarketing user",
            trigger: ".o_form_view .o_field_widget[name=user_id] input",
            run: "edit Meng",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Meng Telemarketing)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The entry is open, with its call",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Open)",
        },
    ],
});
