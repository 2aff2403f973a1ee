# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The check before sending, as the salesperson meets it in the browser:
bad addresses among the followers give ONE message naming each of them, and
nothing is sent or posted; a follower without any address is asked for one
by Odoo 18's recipient widget before Send."""

import pytest
from helpers import (
    COMPOSER,
    KINDS,
    SALESPERSON,
    chatter_message,
    click_send,
    new_document,
    open_document,
    open_send,
    partner,
    pdf_name,
    recipient_names,
    tag,
)
from playwright.sync_api import expect


@pytest.mark.parametrize("kind", ["quotation", "invoice"])
def test_bad_addresses_are_named_in_one_message_and_nothing_is_sent(kind, odoo, rpc, smtp, login):
    mark = tag()
    customer = partner(rpc, "Customer %s" % mark, "client.%s@example.com" % mark)
    record_id = new_document(rpc, kind, customer, SALESPERSON[0])
    malformed = "agathe.%s@@example" % mark
    accented = "josé.%s@example.com" % mark
    model = KINDS[kind]["model"]
    rpc(
        model,
        "message_subscribe",
        [record_id],
        [
            partner(rpc, "Agathe Malformed %s" % mark, malformed),
            partner(rpc, "José Accented %s" % mark, accented),
        ],
    )
    messages = rpc("mail.message", "search_count", [("model", "=", model), ("res_id", "=", record_id)])
    smtp.reset()

    page, shot = login(*SALESPERSON)
    composer = open_send(page, odoo, kind, record_id, pdf_name(rpc, kind, record_id))
    names = recipient_names(composer, kind)
    assert any(malformed in name for name in names) and any(accented in name for name in names), names
    body = composer.locator("[name=%s] .note-editable" % KINDS[kind]["body"])
    body.click()
    body.press("Control+End")
    body.press_sequentially(" Not to be sent %s." % mark)
    click_send(composer)

    # One message, in front of the composer, naming both.
    error = page.locator(".o_error_dialog")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("This email cannot be sent")
    expect(error).to_contain_text("Agathe Malformed %s" % mark)
    expect(error).to_contain_text(malformed)
    expect(error).to_contain_text("José Accented %s" % mark)
    expect(error).to_contain_text(accented)
    shot("one-message")
    error.locator(".modal-footer button").first.click()
    expect(error).to_have_count(0)
    # The composer is still there, as it was: fix and send again.
    expect(page.locator(COMPOSER).locator("[name=%s] .note-editable" % KINDS[kind]["body"])).to_contain_text(
        "Not to be sent %s." % mark
    )
    shot("composer-kept")

    # Nothing sent, nothing posted.
    assert smtp.received == [] and smtp.attempts == []
    assert rpc("mail.mail", "search_count", [("model", "=", model), ("res_id", "=", record_id)]) == 0
    assert (
        rpc("mail.message", "search_count", [("model", "=", model), ("res_id", "=", record_id)]) == messages
    )
    page.locator(COMPOSER).locator(".modal-footer button[special=cancel]").click()
    open_document(page, odoo, kind, record_id)
    expect(page.locator(".o-mail-Chatter")).to_be_visible()
    expect(chatter_message(page, "Not to be sent %s." % mark)).to_have_count(0)
    assert smtp.received == []


@pytest.mark.parametrize("kind", ["quotation", "invoice"])
def test_follower_without_email_is_asked_for_one_before_send(kind, odoo, rpc, smtp, login):
    """Odoo 18's recipient widget (many2many_tags_email) opens the contact
    of a recipient without email as soon as the composer opens, named in
    its title; discarded, the contact leaves "To" (visibly) and gets
    nothing; the others still get the document."""
    mark = tag()
    customer_email = "client.%s@example.com" % mark
    customer = partner(rpc, "Customer %s" % mark, customer_email)
    record_id = new_document(rpc, kind, customer, SALESPERSON[0])
    rpc(
        KINDS[kind]["model"], "message_subscribe", [record_id], [partner(rpc, "Nadia Nomail %s" % mark, None)]
    )
    smtp.reset()

    page, shot = login(*SALESPERSON)
    open_document(page, odoo, kind, record_id)
    page.locator(".o_form_statusbar button[name=%s]:visible" % KINDS[kind]["button"]).first.click()
    asked = page.locator(".modal-dialog", has_text="Edit: Nadia Nomail %s" % mark)
    expect(asked).to_have_count(1)
    expect(asked.locator(".o_field_widget[name=email] input")).to_have_value("")
    shot("email-asked")
    asked.locator(".modal-footer button", has_text="Discard").click()
    expect(asked).to_have_count(0)
    composer = page.locator(COMPOSER)
    expect(
        composer.locator(KINDS[kind]["attachments"], has_text=pdf_name(rpc, kind, record_id))
    ).to_have_count(1, timeout=90000)
    names = recipient_names(composer, kind)
    assert not any("Nadia Nomail" in name for name in names), names
    assert any(customer_email in name for name in names), names
    shot("left-to")
    click_send(composer)
    expect(composer).to_have_count(0, timeout=90000)
    mails = smtp.wait_for(1, timeout=60)
    assert customer_email in [rcpt for mail in mails for rcpt in mail.rcpt_tos]
