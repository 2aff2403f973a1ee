# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run by `dev/odoo shell` on the demo database: point Odoo at the local mail
catcher and send one quotation by email for real, so that the catcher and
Settings > Technical > Emails have something to show."""

import os

env = env  # noqa: F821 (given by odoo shell)

port = int(os.environ["MDS_CATCHER_SMTP_PORT"])
ICP = env["ir.config_parameter"]
ICP.set_param("web.base.url", os.environ["MDS_DEMO_URL"])
ICP.set_param("web.base.url.freeze", "True")
env["ir.mail_server"].search([]).write({"active": False})
env["ir.mail_server"].create(
    {
        "name": "Local mail catcher (demo)",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_encryption": "none",
        "sequence": 10,
    }
)
order = env["sale.order"].search([("state", "=", "draft")], order="id", limit=1)
action = order.action_quotation_send()
composer = env["mail.compose.message"].with_context(**action["context"]).create({})
# Kept in Settings > Technical > Emails once sent: the stock template deletes it.
composer.template_id.auto_delete = False
composer.action_send_mail()
env.cr.commit()
print("demo database ready: outgoing mail goes to 127.0.0.1:%d; %s sent by email" % (port, order.name))
