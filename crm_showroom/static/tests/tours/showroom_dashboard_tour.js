import { registry } from "@web/core/registry";

/**
 * G6: a manager opens Dashboards > Showroom and sees its figures: the live
 * spreadsheet and its chart of the opportunities by grade.
 */
registry.category("web_tour.tours").add("crm_showroom_dashboard", {
    steps: () => [
        {
            content: "Open the Showroom dashboard",
            trigger: ".o_spreadsheet_dashboard_search_panel li[data-name=Showroom]",
            run: "click",
        },
        {
            content: "It is the active dashboard",
            trigger: ".o_spreadsheet_dashboard_search_panel li.active[data-name=Showroom]",
        },
        {
            content: "The spreadsheet is loaded with its chart of opportunities by grade",
            trigger: ".o_renderer .o-spreadsheet .o-figure canvas",
        },
    ],
});
