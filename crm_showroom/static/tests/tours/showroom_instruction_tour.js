import { registry } from "@web/core/registry";

const HISTORY = ".o_field_widget[name=showroom_followup_ids]";
const DONE_ROW = `${HISTORY} .o_data_row:contains(Asked for the trade-in price of his Jetta)`;
const INSTRUCTION = "Invite him to the trade-in day on Saturday";

/**
 * R8.3: a showroom manager writes an instruction on a done follow-up from the
 * Follow-ups page of the opportunity.
 */
registry.category("web_tour.tours").add("crm_showroom_write_instruction", {
    steps: () => [
        {
            trigger: ".o_notebook .nav-link:contains(Follow-ups)",
            run: "click",
        },
        {
            content: "The manager may instruct on the done follow-up",
            trigger: `${DONE_ROW} button[name=action_showroom_instruct]`,
            run: "click",
        },
        {
            content: "The instruction dialog shows what the customer said",
            trigger:
                ".modal .o_field_widget[name=feedback]:contains(Asked for the trade-in price of his Jetta)",
        },
        {
            trigger: ".modal .o_field_widget[name=instruction] textarea",
            run: `edit ${INSTRUCTION}`,
        },
        {
            trigger: ".modal button[name=action_save]",
            run: "click",
        },
        {
            content: "The instruction is beside the follow-up",
            trigger: `body:not(:has(.modal)) ${DONE_ROW}:contains(${INSTRUCTION})`,
        },
        {
            content: "… and logged in the chatter for the consultant",
            trigger: `.o-mail-Message:contains(Instruction on the follow-up):contains(${INSTRUCTION})`,
        },
    ],
});

/**
 * R8.3: the consultant opens the opportunity and reads the manager's instruction
 * beside the follow-up it concerns (and cannot write instructions).
 */
registry.category("web_tour.tours").add("crm_showroom_read_instruction", {
    steps: () => [
        {
            content: "The chatter tells the consultant about the instruction",
            trigger: `.o-mail-Message:contains(Instruction on the follow-up):contains(${INSTRUCTION})`,
        },
        {
            trigger: ".o_notebook .nav-link:contains(Follow-ups)",
            run: "click",
        },
        {
            content: "The instruction is beside the done follow-up in the history",
            trigger: `${DONE_ROW}:contains(${INSTRUCTION})`,
        },
        {
            content: "Consultants do not write instructions",
            trigger: `${HISTORY}:has(.o_data_row):not(:has(button[name=action_showroom_instruct]))`,
        },
    ],
});
