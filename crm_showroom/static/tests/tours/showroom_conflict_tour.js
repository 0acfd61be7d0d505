import { registry } from "@web/core/registry";
import { tourValue } from "./tour_values";

/**
 * R7: a consultant enters, on their opportunity, the mobile of a customer a
 * colleague already holds. Saving opens an ownership conflict, and the form tells
 * them at once who holds the customer and since when (nothing of the colleague's
 * follow-ups).
 */
registry.category("web_tour.tours").add("crm_showroom_conflict", {
    steps: () => [
        {
            content: "The consultant's opportunity, without a conflict",
            trigger: ".o_form_view .o_field_widget[name=mobile] input",
        },
        {
            content: "Enter the customer's mobile as the customer says it",
            trigger: ".o_form_view .o_field_widget[name=mobile] input",
            run: "edit 138-0013-8000",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The form says who holds the customer and since when",
            trigger: `.o_showroom_conflict_warning:contains(held by ${tourValue("holder")} since ${tourValue(
                "since"
            )})`,
        },
    ],
});
