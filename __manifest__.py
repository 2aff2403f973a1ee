# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Send documents by email, with a delivery you can trust",
    "summary": "Send quotations, orders and invoices by email; follow, "
    "classify and retry every delivery",
    "version": "18.0.1.0.0",
    "category": "Productivity/Discuss",
    "website": "https://github.com/mail-document-send/mail_document_send",
    "author": "mail_document_send contributors",
    "license": "AGPL-3",
    "depends": ["mail", "sale_management", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/mail_delivery_log_security.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_mail_actions.xml",
        "data/mail_template_data.xml",
        "views/mail_mail_views.xml",
        "views/mail_delivery_log_views.xml",
        "views/sale_order_delivery_state_views.xml",
        "views/account_move_delivery_state_views.xml",
        "views/mail_template_views.xml",
        "wizard/mail_compose_message_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "mail_document_send/static/src/mail_composer/template_selector.js",
            "mail_document_send/static/src/mail_composer/template_selector.xml",
        ],
    },
    "uninstall_hook": "uninstall_hook",
}
