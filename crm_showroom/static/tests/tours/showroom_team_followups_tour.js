import { registry } from "@web/core/registry";
import { tourValue } from "./tour_values";

/**
 * The manager's Team Follow-ups: the consultant's overdue figure opens the
 * opportunities behind it.
 */
registry.category("web_tour.tours").add("crm_showroom_team_followups", {
    steps: () => [
        {
            content: "The consultant's row counts one overdue opportunity",
            trigger: `.o_data_row:contains(${tourValue("consultant")}) td[name=overdue_count]:contains(1)`,
        },
        {
            content: "Open the overdue opportunities",
            trigger: `.o_data_row:contains(${tourValue("consultant")}) button[name=action_open_leads]:has(.fa-exclamation-triangle)`,
            run: "click",
        },
        {
            content: "The overdue opportunity is listed",
            trigger: `.o_list_view .o_data_row:contains(${tourValue("lead")})`,
        },
    ],
});

/**
 * R8.3: the manager's review queue: the oldest done follow-up comes first; "Mark
 * reviewed" takes it off the queue.
 */
registry.category("web_tour.tours").add("crm_showroom_review_queue", {
    steps: () => [
        {
            content: "The done follow-up waits for review, with what the customer said",
            trigger: `.o_data_row:contains(${tourValue("lead")}):contains(Waits for the March price)`,
        },
        {
            trigger: `.o_data_row:contains(${tourValue("lead")}) button[name=action_showroom_mark_reviewed]`,
            run: "click",
        },
        {
            content: "Reviewed: off the queue",
            trigger: `.o_list_view:not(:has(.o_data_row:contains(${tourValue("lead")})))`,
        },
    ],
});
