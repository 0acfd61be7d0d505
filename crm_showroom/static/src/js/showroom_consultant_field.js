import {
    Many2OneAvatarUserField,
    many2OneAvatarUserField,
} from "@mail/views/web/fields/many2one_avatar_user_field/many2one_avatar_user_field";
import { registry } from "@web/core/registry";

/**
 * The consultant of a row of Team Follow-ups (R8): a row without one counts the
 * unassigned opportunities, and says so ("Unassigned") instead of an empty cell.
 */
export class ShowroomConsultantField extends Many2OneAvatarUserField {
    static template = "crm_showroom.ShowroomConsultantField";
}

registry.category("fields").add("showroom_consultant", {
    ...many2OneAvatarUserField,
    component: ShowroomConsultantField,
});
