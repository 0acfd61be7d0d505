import { registry } from "@web/core/registry";

const DIALOG = ".modal:has(.o_form_view .o_field_widget[name=recipient_ids])";

/**
 * From the manager's pipeline, CRM > Configuration > Hand over customers, from Li
 * Consultant, who holds two open opportunities with their follow-ups.
 */
function openHandoverOfLi() {
    return [
        {
            content: "The manager's pipeline",
            trigger: ".o_opportunity_kanban",
        },
        {
            trigger: ".o_menu_sections button[data-menu-xmlid='crm.crm_menu_config']",
            run: "click",
        },
        {
            content: "Open the handover",
            trigger: ".dropdown-item[data-menu-xmlid='crm_showroom.crm_menu_config_showroom_handover']",
            run: "click",
        },
        {
            content: "The leaving consultant",
            trigger: `${DIALOG} .o_field_widget[name=user_id] input`,
            run: "edit Li Cons",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Li Consultant)",
            run: "click",
        },
        {
            content: "What they hold is counted: two open opportunities with their follow-ups",
            trigger: `${DIALOG} .o_field_widget[name=opportunity_count]:contains(2)`,
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=activity_count]:contains(2)`,
        },
    ];
}

/**
 * G1: a leaving consultant never takes customers away. The showroom manager opens
 * CRM > Configuration > Hand over customers, chooses the leaving consultant (the
 * wizard counts what they hold), splits it evenly between two colleagues and
 * cannot run it without a reason; with one, everything moves and they are told
 * what was handed over.
 */
registry.category("web_tour.tours").add("crm_showroom_handover", {
    steps: () => [
        ...openHandoverOfLi(),
        {
            content: "Split evenly",
            trigger: `${DIALOG} .o_field_widget[name=mode] input[data-value=even]`,
            run: "click",
        },
        {
            content: "… between two colleagues",
            trigger: `${DIALOG} .o_field_widget[name=recipient_ids] input`,
            run: "edit Wang",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Wang Consultant)",
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=recipient_ids] .o_tag:contains(Wang Consultant)`,
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=recipient_ids] input`,
            run: "edit Zhang",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Zhang Consultant)",
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=recipient_ids] .o_tag:contains(Zhang Consultant)`,
        },
        {
            content: "Hand over without a reason",
            trigger: `${DIALOG} button[name=action_hand_over]`,
            run: "click",
        },
        {
            content: "Refused: the reason is required",
            trigger: ".o_notification:has(.o_notification_title:contains(Invalid fields)):contains(Reason)",
        },
        {
            content: "Nothing was run: the wizard is still open, its reason marked",
            trigger: `${DIALOG} .o_field_invalid[name=reason]`,
        },
        {
            trigger: ".o_notification .o_notification_close",
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=reason] textarea`,
            run: "edit Li leaves the company on 31 March.",
        },
        {
            trigger: `${DIALOG}:not(:has(.o_field_invalid)) button[name=action_hand_over]`,
            run: "click",
        },
        {
            content: "The manager is told what was handed over, and the wizard closes",
            trigger:
                "body:not(:has(.modal)) .o_notification:contains(Li Consultant):contains(customers are handed over: 2 × Opportunity)",
        },
    ],
});

/**
 * G1, by hand: the manager loads the items the leaving consultant holds and
 * chooses the new consultant of each.
 */
registry.category("web_tour.tours").add("crm_showroom_handover_by_hand", {
    steps: () => [
        ...openHandoverOfLi(),
        {
            content: "By hand",
            trigger: `${DIALOG} .o_field_widget[name=mode] input[data-value=manual]`,
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=reason] textarea`,
            run: "edit Li leaves the company on 31 March.",
        },
        {
            content: "Load the items Li holds",
            trigger: `${DIALOG} button[name=action_load_lines]`,
            run: "click",
        },
        {
            content: "One line per opportunity, nobody chosen yet",
            trigger: `${DIALOG} .o_field_widget[name=line_ids] .o_data_row:contains(Mr Qian - sedan) td[name=user_id]`,
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=line_ids] .o_selected_row td[name=user_id] input`,
            run: "edit Wang",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Wang Consultant)",
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=line_ids] .o_data_row:contains(Mr Sun - SUV 2.0T) td[name=user_id]`,
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=line_ids] .o_selected_row:contains(Mr Sun - SUV 2.0T) td[name=user_id] input`,
            run: "edit Zhang",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Zhang Consultant)",
            run: "click",
        },
        {
            content: "Mr Qian goes to Wang, Mr Sun to Zhang: not the even split",
            trigger:
                `${DIALOG} .o_field_widget[name=line_ids]` +
                ":has(.o_data_row:contains(Mr Qian - sedan):contains(Wang Consultant))" +
                ":has(.o_data_row:contains(Mr Sun - SUV 2.0T) td[name=user_id] input:value(Zhang Consultant))",
        },
        {
            trigger: `${DIALOG} button[name=action_hand_over]`,
            run: "click",
        },
        {
            content: "The manager is told what was handed over, and the wizard closes",
            trigger:
                "body:not(:has(.modal)) .o_notification:contains(Li Consultant):contains(customers are handed over: 2 × Opportunity)",
        },
    ],
});
