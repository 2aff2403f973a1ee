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
        "data/mail_template_data.xml",
        "views/mail_template_views.xml",
        "wizard/mail_compose_message_views.xml",
    ],
    "uninstall_hook": "uninstall_hook",
}
