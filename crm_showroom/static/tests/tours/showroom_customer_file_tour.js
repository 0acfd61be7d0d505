import { registry } from "@web/core/registry";

const FORM = ".o_form_view";

/**
 * G1, G6: a showroom manager opens a base customer, fills the customer file
 * (relationship level, an interest, the customer class) and applies the class's
 * suggested credit terms in one click: the chatter logs them, the receivables tab
 * shows the credit limit and the sales tab the payment term.
 */
registry.category("web_tour.tours").add("crm_showroom_customer_file", {
    steps: () => [
        {
            content: "A base customer: they bought a car from us",
            trigger: `${FORM} .ribbon:contains(Base customer)`,
        },
        {
            trigger: `${FORM} .o_field_widget[name=showroom_relationship_level_id] input`,
            run: "edit Trus",
        },
        {
            content: "The customer asks the consultant for advice",
            trigger: ".o-autocomplete--dropdown-item:contains(Trusted)",
            run: "click",
        },
        {
            trigger: `${FORM} .o_field_widget[name=showroom_interest_ids] input`,
            run: "edit Fish",
        },
        {
            content: "Fishing: the next gift or campaign to offer",
            trigger: ".o-autocomplete--dropdown-item:contains(Fishing)",
            run: "click",
        },
        {
            trigger: `${FORM} .o_field_widget[name=showroom_interest_ids] .o_tag:contains(Fishing)`,
        },
        {
            trigger: `${FORM} .o_field_widget[name=showroom_customer_class_id] input`,
            run: "edit on loan",
        },
        {
            content: "The class says which credit terms the customer gets",
            trigger: ".o-autocomplete--dropdown-item:contains(Private buyer on loan)",
            run: "click",
        },
        {
            content: "Apply the class's credit terms (saves the file first)",
            trigger: `${FORM} button[name=action_showroom_apply_class_credit]`,
            run: "click",
        },
        {
            content: "The chatter logs the terms applied and by whom",
            trigger:
                ".o-mail-Message:contains(Credit terms of the class Private buyer on loan applied):contains(Zhao Manager):contains(80,000.00)",
        },
        {
            content: "The file is saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Open the receivables",
            trigger: `${FORM} .o_notebook .nav-link[name=showroom_receivables]`,
            run: "click",
        },
        {
            content: "The customer's credit limit is the class's",
            trigger: `${FORM} .o_field_widget[name=showroom_credit_limit]:contains(80,000.00)`,
        },
        {
            content: "Open Sales & Purchase",
            trigger: `${FORM} .o_notebook .nav-link[name=sales_purchases]`,
            run: "click",
        },
        {
            content: "The customer's payment term is the class's",
            trigger: `${FORM} .o_field_widget[name=property_payment_term_id] input:value(Down payment)`,
        },
    ],
});
