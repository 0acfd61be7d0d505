import { registry } from "@web/core/registry";
import { tourValue } from "./tour_values";

/**
 * R2.2/R5.2, R4.1: a consultant creates a showroom opportunity from the pipeline
 * of the showroom team. Adding it with a name only is refused with every missing
 * field of the entry standard listed at once (nothing is saved); once they are
 * filled it is saved and the form shows its 48-hour follow-up.
 */
registry.category("web_tour.tours").add("crm_showroom_create_opportunity", {
    steps: () => [
        {
            content: "The pipeline of the consultant's showroom team",
            trigger: ".o_opportunity_kanban .o_kanban_group",
        },
        {
            content: "Quick create an opportunity",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "The quick create form asks for the entry standard",
            trigger: ".o_kanban_quick_create .o_field_widget[name=showroom_grade_id] select",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name=name] input",
            run: "edit Mr Tang - H6 SUV",
        },
        {
            content: "Add it with a name only",
            trigger: ".o_kanban_quick_create .o_kanban_add",
            run: "click",
        },
        {
            content: "Every missing field is listed at once",
            trigger:
                ".o_notification:has(.o_notification_title:contains(Invalid fields))" +
                ":contains(Grade):contains(Contact Name):contains(Mobile):contains(Source channel)" +
                ":contains(Purchase type):contains(County / District):contains(Street)",
        },
        {
            content: "Nothing was saved: the quick create is still open, its required fields marked",
            trigger:
                ".o_kanban_quick_create:has(.o_field_invalid[name=showroom_grade_id])" +
                ":has(.o_field_invalid[name=mobile]):has(.o_field_invalid[name=street])",
        },
        {
            trigger: ".o_notification .o_notification_close",
            run: "click",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name=showroom_grade_id] select",
            run: "selectByLabel A - Within 15 days",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name=contact_name] input",
            run: "edit 唐先生",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name=mobile] input",
            run: "edit 139 0013 9000",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name=showroom_channel_id] input",
            run: "edit Walk",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Walk-in)",
            run: "click",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name=showroom_purchase_type] select",
            run: "selectByLabel First purchase",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name=city_id] input",
            run: "edit 定州",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(保定市定州市)",
            run: "click",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name=street] input",
            run: "edit 中山路 99 号",
        },
        {
            content: "Every required field is filled",
            trigger: ".o_kanban_quick_create:not(:has(.o_field_invalid))",
        },
        {
            trigger: ".o_kanban_quick_create .o_kanban_add",
            run: "click",
        },
        {
            content: "The opportunity is on the pipeline with its grade",
            trigger: ".o_kanban_record:contains(Mr Tang - H6 SUV) .badge:contains(A)",
            run: "click",
        },
        {
            content: "Its form counts down to the next follow-up",
            trigger:
                ".o_form_view:has(.o_field_widget[name=showroom_grade_id] .active:contains(A))" +
                " button[name=action_showroom_open_followups]:contains(Next follow-up)",
        },
        {
            content: "The 48-hour follow-up is in the chatter",
            trigger: ".o-mail-Activity:contains(First follow-up)",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Follow-ups)",
            run: "click",
        },
        {
            content: "… and on the Follow-ups page, due within 48 hours",
            trigger: `.o_field_widget[name=showroom_followup_ids] .o_data_row:contains(First follow-up):contains(${tourValue(
                "first_deadline"
            )})`,
        },
    ],
});
