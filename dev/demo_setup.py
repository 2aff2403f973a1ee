# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run by `dev/odoo shell` on the demo database: point Odoo at the local mail
catcher, and leave one mail in each state Settings > Technical > Emails
shows (sent, failed for good, waiting for its automatic retry), each sent
for real through an SMTP server scripted to accept, refuse or defer it."""

import os
import sys

env = env  # noqa: F821 (given by odoo shell)
sys.path.insert(0, os.path.join(os.environ["MDS_ROOT"], "tests"))
from smtp_server import ScriptedSmtpServer  # noqa: E402

port = int(os.environ["MDS_CATCHER_SMTP_PORT"])
ICP = env["ir.config_parameter"]
ICP.set_param("web.base.url", os.environ["MDS_DEMO_URL"])
ICP.set_param("web.base.url.freeze", "True")
env["ir.mail_server"].search([]).write({"active": False})
catcher = env["ir.mail_server"].create(
    {
        "name": "Local mail catcher (demo)",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_encryption": "none",
        "sequence": 10,
    }
)


def send(document, action, reply=None, keep=False):
    """Send `document` by email as its Send button does, the SMTP server
    answering `reply` to its customer's address (None: accepted)."""
    context = dict(action["context"], mail_notify_force_send=True)
    composer = env["mail.compose.message"].with_context(**context).create({})
    composer.onchange_template_id_wrapper()
    template = composer.template_id
    auto_delete = template.auto_delete
    # Auto-delete would remove the sent mail from the list at once.
    template.auto_delete = auto_delete and not keep
    smtp.reset()
    if reply:
        smtp.refuse(document.partner_id.email, reply)
    composer.send_mail()
    template.auto_delete = auto_delete
    # The addon sends a document's mails once the send is committed.
    env.cr.commit()


def customer_invoice(offset):
    return env["account.invoice"].search([("type", "=", "out_invoice"), ("state", "=", "open")])[offset]


smtp = ScriptedSmtpServer().start()
scripted = env["ir.mail_server"].create(
    {
        "name": "Scripted server (demo setup)",
        "smtp_host": smtp.host,
        "smtp_port": smtp.port,
        "smtp_encryption": "none",
        "sequence": 1,
    }
)
orders = env["sale.order"].search([("state", "=", "draft")], order="id", limit=2)
try:
    send(orders[0], orders[0].action_quotation_send(), keep=True)
    send(
        customer_invoice(0),
        customer_invoice(0).action_invoice_sent(),
        "550 5.1.1 Recipient address rejected",
    )
    send(orders[1], orders[1].action_quotation_send(), "451 4.3.0 Mailbox temporarily unavailable")
finally:
    smtp.stop()
    scripted.unlink()
env.cr.commit()
print("demo database ready: outgoing mail goes to 127.0.0.1:%d" % port)
for mail in env["mail.mail"].search([], order="id"):
    print(
        "  mail %s: %s %s %s"
        % (mail.subject, mail.state, mail.failure_type or "", mail.next_attempt_date or "")
    )
