import { registry } from "@web/core/registry";
import { tourValue } from "./tour_values";

/**
 * G4: a consultant opens CRM > Sales > Pool, the unassigned opportunities of their
 * showroom team. They claim one from its row (it leaves the pool at once), then
 * open another, claim it from its form and see it become theirs: they are its
 * salesperson, the Claim button is gone, the day it would return to the pool is
 * shown, and their 48-hour follow-up is planned.
 */
registry.category("web_tour.tours").add("crm_showroom_pool_claim", {
    steps: () => [
        {
            content: "The consultant's pipeline",
            trigger: ".o_opportunity_kanban",
        },
        {
            trigger: ".o_menu_sections button[data-menu-xmlid='crm.crm_menu_sales']",
            run: "click",
        },
        {
            content: "Open the pool of my showroom teams",
            trigger: ".dropdown-item[data-menu-xmlid='crm_showroom.crm_menu_showroom_pool']",
            run: "click",
        },
        {
            content: "The pool lists the customers nobody holds",
            trigger: ".o_list_view .o_data_row:contains(Mr Qian - sedan)",
        },
        {
            content: "Claim Mr Zhou from his row",
            trigger: ".o_list_view .o_data_row:contains(Mr Zhou - SUV) button[name=action_showroom_pool_claim]",
            run: "click",
        },
        {
            content: "Mr Zhou has left the pool; Mr Qian is still there",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains(Mr Zhou - SUV))) .o_data_row:contains(Mr Qian - sedan) td[name=name]",
            run: "click",
        },
        {
            content: "Mr Qian's form: nobody holds him, he can be claimed",
            trigger: ".o_form_view .o_form_statusbar button[name=action_showroom_pool_claim]:contains(Claim)",
            run: "click",
        },
        {
            content: "The customer is mine: no Claim button any more, and I am the salesperson",
            trigger:
                ".o_form_view:not(:has(button[name=action_showroom_pool_claim]))" +
                " .o_field_widget[name=user_id]:has(input:value(Li Consultant)), " +
                ".o_form_view:not(:has(button[name=action_showroom_pool_claim]))" +
                " .o_field_widget[name=user_id]:contains(Li Consultant)",
        },
        {
            content: "The day the customer would return to the pool is shown",
            trigger: ".o_form_view .o_field_widget[name=showroom_release_date]",
        },
        {
            content: "The 48-hour follow-up is planned",
            trigger: ".o_form_view button[name=action_showroom_open_followups]:contains(Next follow-up)",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Follow-ups)",
            run: "click",
        },
        {
            content: "… for me, due within 48 hours",
            trigger: `.o_field_widget[name=showroom_followup_ids] .o_data_row:contains(First follow-up):contains(Li Consultant):contains(${tourValue(
                "first_deadline"
            )})`,
        },
        {
            content: "Back to the pool",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Pool)",
            run: "click",
        },
        {
            content: "Both customers claimed: the pool is empty",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Mr Qian - sedan))):not(:has(.o_data_row:contains(Mr Zhou - SUV)))",
        },
    ],
});

/**
 * G4: a Chinese consultant who has claimed as many customers today as the team
 * allows tries one more from the pool: the refusal is in Chinese, and the
 * customer stays in the pool.
 */
registry.category("web_tour.tours").add("crm_showroom_pool_claim_cap", {
    steps: () => [
        {
            content: "Claim Ms Wu from the pool",
            trigger: ".o_list_view .o_data_row:contains(Ms Wu - MPV) button[name=action_showroom_pool_claim]",
            run: "click",
        },
        {
            content: "The daily limit, told in Chinese",
            trigger: ".modal:contains(您每天最多可从Test Showroom的公海领取 1 位客户，今天已领取 1 位。)",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Ms Wu is still in the pool",
            trigger: "body:not(:has(.modal)) .o_list_view .o_data_row:contains(Ms Wu - MPV)",
        },
    ],
});
