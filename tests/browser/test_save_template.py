# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Save as new template, as a salesperson clicks it: the name is asked, the
message comes back as it was, and it still sends."""

import uuid

from playwright.sync_api import expect
from test_send_flow import COMPOSER, open_composer, prepare_document, send, write_in_body


def test_save_as_new_template_asks_a_name_and_comes_back(odoo, rpc, smtp, login):
    tag = uuid.uuid4().hex[:6]
    record_id, customer_email = prepare_document(rpc, "quotation", tag)
    number = rpc("sale.order", "read", [record_id], ["name"])[0]["name"]
    smtp.reset()
    page, shot = login("demo", "demo")
    composer = open_composer(page, odoo, "quotation", record_id, button="Send by Email")
    write_in_body(composer, "Spring offer %s: ten percent off." % tag)
    composer.locator(".modal-footer button", has_text="Save as new template").click()

    # The composer's dialog gives way to the one asking the name.
    name_field = page.locator(COMPOSER + " .o_field_widget[name=name]")
    expect(name_field).to_be_visible()
    assert name_field.input_value().startswith("Quotation: ")
    shot("name-asked")
    name_field.fill("Spring offer %s" % tag)
    page.locator(COMPOSER + " .modal-footer button", has_text="Save").click()

    # Back to the very message, the new template selected.
    composer = page.locator(COMPOSER)
    expect(composer.locator("[name=template_id] input")).to_have_value("Spring offer %s" % tag)
    expect(composer.locator("[name=body] .note-editable")).to_contain_text("ten percent off")
    shot("composer-again")
    template = rpc(
        "mail.template", "search_read", [("name", "=", "Spring offer %s" % tag)], ["model", "body_html"]
    )
    assert len(template) == 1 and template[0]["model"] == "sale.order"
    assert "${object.name}" in template[0]["body_html"] and number not in template[0]["body_html"]

    # The composer opened again still knows its document: it sends and
    # marks the quotation sent.
    send(page, composer)
    mails = smtp.wait_for(1, timeout=60)
    assert [customer_email] in [mail.rcpt_tos for mail in mails]
    assert all("ten percent off" in mail.body_html() for mail in mails)
    assert rpc("sale.order", "read", [record_id], ["state"])[0]["state"] == "sent"
