/** @odoo-module **/
// Copyright 2026 mail_document_send contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import { MailComposerTemplateSelector } from "@mail/core/web/mail_composer_template_selector";
import { patch } from "@web/core/utils/patch";

// Stock's template menu offers to overwrite and delete every template; an
// employee may change only the templates they created or are assigned,
// and gets an access error on the others. Offer only what the user may do.
patch(MailComposerTemplateSelector.prototype, {
    async fetchTemplates() {
        // The menu may be opened before the templates are loaded (stock
        // reads state.templates.length): an empty list meanwhile.
        this.state.templates ??= [];
        const [, allowed] = await Promise.all([
            super.fetchTemplates(...arguments),
            this.orm.call("mail.template", "mail_document_send_allowed_actions", [
                this.props.record.data.render_model,
            ]),
        ]);
        this.state.writableIds = allowed.write;
        this.state.deletableIds = allowed.unlink;
    },

    get writableTemplates() {
        return (this.state.templates || []).filter((t) => (this.state.writableIds || []).includes(t.id));
    },

    get deletableTemplates() {
        return (this.state.templates || []).filter((t) => (this.state.deletableIds || []).includes(t.id));
    },

    onOverwriteTemplateSearchMoreBtnClick() {
        this._mdsRestrictSearchMore(this.state.writableIds, () => super.onOverwriteTemplateSearchMoreBtnClick());
    },

    onDeleteTemplateSearchMoreBtnClick() {
        this._mdsRestrictSearchMore(this.state.deletableIds, () => super.onDeleteTemplateSearchMoreBtnClick());
    },

    /** Stock's "Search More..." lists every template of the model: only the allowed ones. */
    _mdsRestrictSearchMore(ids, open) {
        const add = this.env.services.dialog.add;
        this.env.services.dialog.add = (Component, props, options) =>
            add(Component, { ...props, domain: [...props.domain, ["id", "in", ids || []]] }, options);
        try {
            open();
        } finally {
            this.env.services.dialog.add = add;
        }
    },
});
