# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The composer says, before Send, that no outgoing mail server is set up."""

import uuid

from playwright.sync_api import expect
from test_send_flow import open_composer, prepare_document

WARNING = "No outgoing mail server is set up"


def test_composer_warns_when_no_outgoing_server_is_set_up(odoo, rpc, login):
    record_id, _email = prepare_document(rpc, "quotation", uuid.uuid4().hex[:6])
    page, shot = login("demo", "demo")
    composer = open_composer(page, odoo, "quotation", record_id, button="Send by Email")
    expect(composer.locator(".alert-warning", has_text=WARNING)).to_have_count(0)

    servers = rpc("ir.mail_server", "search", [])
    rpc("ir.mail_server", "write", servers, {"active": False})
    try:
        composer = open_composer(page, odoo, "quotation", record_id, button="Send by Email")
        alert = composer.locator(".alert-warning", has_text=WARNING)
        expect(alert).to_be_visible()
        expect(alert).to_contain_text("Outgoing Mail Servers")
        shot("no-outgoing-server")
    finally:
        rpc("ir.mail_server", "write", servers, {"active": True})
