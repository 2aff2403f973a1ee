# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The composer says, above the recipients and before Send, that no
outgoing mail server is set up."""

from helpers import COMPOSER, SALESPERSON, new_document, open_send, partner, pdf_name, tag
from playwright.sync_api import expect

WARNING = "No outgoing mail server is set up"


def test_composer_warns_when_no_outgoing_server_is_set_up(odoo, rpc, login):
    mark = tag()
    customer = partner(rpc, "Customer %s" % mark, "client.%s@example.com" % mark)
    record_id = new_document(rpc, "quotation", customer, SALESPERSON[0])
    pdf = pdf_name(rpc, "quotation", record_id)
    page, shot = login(*SALESPERSON)
    composer = open_send(page, odoo, "quotation", record_id, pdf)
    expect(composer.locator(".o_mail_document_send_server_warning")).to_be_hidden()
    expect(composer.get_by_text(WARNING)).to_have_count(0)
    shot("server-set-up")
    composer.locator(".modal-footer button[special=cancel]").click()
    expect(page.locator(COMPOSER)).to_have_count(0)

    servers = rpc("ir.mail_server", "search", [])
    rpc("ir.mail_server", "write", servers, {"active": False})
    try:
        composer = open_send(page, odoo, "quotation", record_id, pdf)
        alert = composer.locator(".alert-warning", has_text=WARNING)
        expect(alert).to_be_visible()
        expect(alert).to_contain_text("Outgoing Mail Servers")
        # Above the recipients.
        to_field = composer.locator(".o_field_widget[name=partner_ids]")
        assert alert.bounding_box()["y"] < to_field.bounding_box()["y"]
        shot("no-outgoing-server")
    finally:
        rpc("ir.mail_server", "write", servers, {"active": True})
