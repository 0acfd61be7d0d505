import { registry } from "@web/core/registry";

const DIALOG = ".modal:has(.o_field_widget[name=showroom_competitor_id])";

/**
 * G3: a consultant marks a showroom opportunity lost: the dialog says the manager
 * approves, asks for the competitor that won, and the opportunity stays open with
 * the request shown.
 */
registry.category("web_tour.tours").add("crm_showroom_lost_request", {
    steps: () => [
        {
            trigger: ".o_form_view .o_form_statusbar button:contains(Lost)",
            run: "click",
        },
        {
            content: "The consultant is told the manager approves",
            trigger: `${DIALOG} .alert:contains(The showroom manager approves the loss)`,
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=lost_reason_id] input`,
            run: "click",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Too expensive)",
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=showroom_competitor_id] input`,
            run: "edit Han",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(BYD Han)",
            run: "click",
        },
        {
            content: "Not Mark as Lost: a request",
            trigger: `${DIALOG}:not(:has(button:contains(Mark as Lost))) button:contains(Ask to Mark Lost)`,
            run: "click",
        },
        {
            content: "The opportunity stays open, the request shown",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_showroom_lost_requested:contains(Lost requested):contains(Too expensive)",
        },
        {
            content: "No Lost ribbon",
            trigger: ".o_form_view:not(:has(.ribbon:contains(Lost)))",
        },
    ],
});
