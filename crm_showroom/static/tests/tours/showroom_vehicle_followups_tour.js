import { registry } from "@web/core/registry";
import { tourValue } from "./tour_values";

const FOLLOWUPS = ".o_field_widget[name=post_purchase_activity_ids]";

/**
 * R5.1: the vehicle form shows the four post-purchase follow-ups created on
 * delivery day, the satisfaction survey with the end of its window.
 */
registry.category("web_tour.tours").add("crm_showroom_vehicle_followups", {
    steps: () => [
        {
            content: "The vehicle form shows its VIN",
            trigger: `.o_form_view .o_field_widget[name=vin]:contains(${tourValue("vin")})`,
        },
        {
            content: "Four post-purchase follow-ups, no more",
            trigger: `${FOLLOWUPS} tbody:has(.o_data_row:nth-child(4)):not(:has(.o_data_row:nth-child(5)))`,
        },
        {
            trigger: `${FOLLOWUPS} .o_data_row:contains(48-hour call)`,
        },
        {
            trigger: `${FOLLOWUPS} .o_data_row:contains(first-service reminder)`,
        },
        {
            content: "The survey reminder with the end of its window",
            trigger: `${FOLLOWUPS} .o_data_row:contains(Satisfaction-survey reminder) td[name=showroom_window_end]:contains(${tourValue(
                "survey_window_end"
            )})`,
        },
        {
            trigger: `${FOLLOWUPS} .o_data_row:contains(One-month call)`,
        },
        {
            content: "Only the survey has a window (dates are written with slashes)",
            trigger: `${FOLLOWUPS}:not(:has(.o_data_row:not(:contains(Satisfaction-survey reminder)) td[name=showroom_window_end]:contains(/)))`,
        },
    ],
});
