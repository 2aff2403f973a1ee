# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run by `dev/odoo shell` on the demo database, Odoo's server up (the PDFs
load their CSS from it): point Odoo at the local mail catcher, and leave one
mail in each state Settings > Technical > Emails shows, each sent for real
with stock 18's Send flows through an SMTP server scripted to accept, defer
or refuse it:

* sent: a quotation, delivered to the catcher (badge "Email sent");
* waiting for its automatic retry: a quotation whose customer's server
  answered 451 (badge "Email queued"; the queue delivers it to the catcher
  when it is due, 5 minutes later);
* failed for good: an invoice whose customer's address was refused with a
  550 (badge "Email failed", a note and an activity for the salesperson);
* bounced: a quotation the server accepted, whose customer's server then
  refused it: its DSN comes back the way a mail gateway hands it to Odoo
  (mail.thread.message_process, as dev/mailgate.py does), badge "Email
  bounced", a note and an activity.

What the scripted server accepted (the followers' copies) is handed on to
the catcher, so that it shows every delivered mail, with its PDF."""

import os
import smtplib
import sys

env = env  # noqa: F821 (given by odoo shell)
sys.path.insert(0, os.path.join(os.environ["MDS_ROOT"], "tests"))
from dsn_fixture import dsn_for  # noqa: E402
from smtp_server import ScriptedSmtpServer  # noqa: E402

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
# The templates delete a mail once sent: kept, so that Settings >
# Technical > Emails lists the sent ones too.
for xmlid in ("mail_document_send.mail_template_sale_order", "mail_document_send.mail_template_account_move"):
    env.ref(xmlid).auto_delete = False
# The demo data's activities were created without a mail server: their
# "assigned to you" mails failed then. Not the demo's story.
env["mail.mail"].search([("state", "=", "exception"), ("failure_class", "=", False)]).unlink()
env.cr.commit()


def send_quotation(order):
    """Send by email as the quotation's button does: the composer, with its
    template and the PDF."""
    action = order.action_quotation_send()
    composer = env[action["res_model"]].with_context(**action["context"]).create({})
    composer.action_send_mail()
    # The addon sends a document's mails once the send is committed.
    env.cr.commit()


def send_invoice(invoice):
    """Send as the invoice's Send button does: 18's send wizard."""
    action = invoice.action_invoice_sent()
    wizard = env[action["res_model"]].with_context(**action["context"]).create({})
    wizard.action_send_and_print()
    env.cr.commit()


def customer_mail(document):
    return env["mail.mail"].search(
        [
            ("model", "=", document._name),
            ("res_id", "=", document.id),
            ("recipient_ids", "in", document.partner_id.ids),
        ],
        order="id desc",
        limit=1,
    )


orders = env["sale.order"].search(
    [("state", "=", "draft"), ("partner_id.email", "!=", False)], order="id", limit=3
)
invoice = env["account.move"].search(
    [("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("partner_id.email", "!=", False)],
    order="id",
    limit=1,
)
assert len(orders) == 3 and invoice, "the demo data has no draft quotations or posted invoices"

# 1. Sent: straight to the catcher.
send_quotation(orders[0])

# 2. and 3. Through the scripted server, the only one Odoo uses meanwhile.
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
env.cr.commit()
try:
    smtp.refuse(orders[1].partner_id.email, "451 4.3.0 <%s>: Mailbox temporarily unavailable")
    send_quotation(orders[1])
    smtp.recipient_replies.clear()
    smtp.refuse(invoice.partner_id.email, "550 5.1.1 <%s>: Recipient address rejected: User unknown")
    send_invoice(invoice)
finally:
    smtp.stop()
    scripted.unlink()
    env.cr.commit()
# What the scripted server accepted, on to the catcher.
with smtplib.SMTP("127.0.0.1", port) as catcher:
    for received in smtp.received:
        catcher.sendmail(received.mail_from, received.rcpt_tos, received.data)

# 4. Bounced: accepted by the catcher, then refused by the customer's server,
# whose DSN (Postfix's own format) comes back through the mail gateway's call.
send_quotation(orders[2])
bounced_mail = env["mail.delivery.log"].search(
    [
        ("model", "=", "sale.order"),
        ("res_id", "=", orders[2].id),
        ("state", "=", "sent"),
        ("recipients", "ilike", orders[2].partner_id.email),
    ],
    order="id desc",
    limit=1,
)
assert bounced_mail, "the quotation to bounce was not sent"
env["mail.thread"].message_process(
    False, dsn_for("postfix_real_refused.eml", bounced_mail.message_id, orders[2].partner_id.email)
)
env.cr.commit()

env.invalidate_all()
expected = [
    (orders[0], "sent", "sent"),
    (orders[1], "outgoing", "queued"),
    (invoice, "exception", "failed"),
    (orders[2], "sent", "bounced"),
]
print("demo database ready: outgoing mail goes to 127.0.0.1:%d" % port)
for document, mail_state, badge in expected:
    mail = customer_mail(document)
    print(
        "  %-16s %-12s mail %-9s %s%s"
        % (
            document.name,
            document.email_delivery_state,
            mail.state,
            mail.failure_smtp_reply or "",
            " (next attempt %s UTC)" % mail.next_attempt_date if mail.next_attempt_date else "",
        )
    )
    assert (mail.state, document.email_delivery_state) == (mail_state, badge), (document.name, mail.state)
failed_type = env.ref("mail_document_send.mail_activity_type_email_failed")
assert invoice.activity_ids.filtered(lambda activity: activity.activity_type_id == failed_type), (
    "the failed invoice has no activity"
)
