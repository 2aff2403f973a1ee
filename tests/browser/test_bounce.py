# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A bounce in Odoo 18's web client: the server accepted the quotation, the
customer's server refused it later, and its delivery status notification
came back the way a mail gateway hands it to Odoo (XML-RPC
mail.thread.message_process, as dev/mailgate.py does): the salesperson sees
"Email bounced", the note and the to-do."""

import re
import uuid

from dsn_fixture import dsn_for
from playwright.sync_api import expect
from test_outbox import delivery_badge, new_customer, new_document, open_document, send_document, wait_until


def test_salesperson_sees_the_bounce_on_the_quotation(odoo, rpc, smtp, login):
    smtp.reset()
    customer, email = new_customer(rpc, uuid.uuid4().hex[:6])
    order = new_document(rpc, "quotation", customer)
    send_document(rpc, "quotation", order)
    (sent,) = wait_until(
        lambda: rpc(
            "mail.delivery.log",
            "search_read",
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order),
                ("state", "=", "sent"),
                ("recipients", "ilike", email),
            ],
            ["message_id"],
        ),
        what="the quotation's mail to %s sent" % email,
    )
    raw = dsn_for("postfix_real_refused.eml", sent["message_id"], email)
    rpc("mail.thread", "message_process", False, raw.decode())
    page, shot = login("demo", "demo")
    open_document(page, odoo, "quotation", order)
    badge = delivery_badge(page)
    expect(badge).to_have_text("Email bounced")
    expect(badge).not_to_have_class(re.compile(r"\btext-bg-success\b"))
    activity = page.locator(".o-mail-Activity", has_text="Email not delivered")
    expect(activity).to_have_count(1)
    expect(activity).to_contain_text("Marc Demo")
    expect(page.locator(".o-mail-Message", has_text=email).first).to_contain_text("5.1.1")
    shot("document-bounced")
