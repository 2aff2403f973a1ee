# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Send by email as people click it in Odoo 18's web client: the followers
are in "To"; one removed, one added, the body edited, a file attached; the
SMTP server receives exactly that, with the document's PDF, and the document
says "Email sent"."""

import pytest
from helpers import (
    ACCOUNTANT,
    ADMIN,
    FRENCH_SALESPERSON,
    KINDS,
    SALESPERSON,
    add_recipient,
    attach_file,
    chatter_message,
    delivery_badge,
    ensure_users,
    mails_to,
    new_document,
    number,
    open_document,
    open_send,
    partner,
    pdf_name,
    pdf_text,
    recipient_names,
    recipients,
    remove_recipient,
    sent,
    tag,
    write_in_body,
)
from playwright.sync_api import expect

EMAIL_SENT = {"en_US": "Email sent", "fr_FR": "E-mail envoyé"}
CUSTOMER = {"en_US": "Customer %s", "fr_FR": "Client Français %s"}
BODY_TEXT = {"en_US": "Delivery within eight days %s.", "fr_FR": "Livraison possible sous huit jours %s."}


@pytest.fixture(scope="session")
def users(rpc):
    ensure_users(rpc)


def sends(kind, odoo, rpc, smtp, login, tmp_path, user, customer_lang="en_US", ui_lang="en_US"):
    """`user`'s whole send of a new document of `kind`; returns what the
    customer received, the document and its PDF's name."""
    mark = tag()
    customer_email = "client.%s@example.com" % mark
    follower, follower_email = "Agathe Follower %s" % mark, "agathe.%s@example.com" % mark
    added, added_email = "Bruno Added %s" % mark, "bruno.%s@example.com" % mark
    customer = partner(rpc, CUSTOMER[customer_lang] % mark, customer_email, customer_lang)
    record_id = new_document(rpc, kind, customer, user[0])
    model = KINDS[kind]["model"]
    rpc(model, "message_subscribe", [record_id], [partner(rpc, follower, follower_email)])
    partner(rpc, added, added_email)
    pdf = pdf_name(rpc, kind, record_id, customer_lang)
    extra = tmp_path / "conditions.txt"
    extra.write_text("Conditions particulières de vente %s\n" % mark)
    text = BODY_TEXT[ui_lang] % mark
    smtp.reset()

    page, shot = login(*user)
    composer = open_send(page, odoo, kind, record_id, pdf)
    shot("composer")
    # The followers are the recipients, the customer first; not the sender.
    names = recipient_names(composer, kind)
    assert any(customer_email in name for name in names), names
    assert any(follower_email in name for name in names), names
    sender_email = rpc("res.users", "search_read", [("login", "=", user[0])], ["email"])[0]["email"]
    assert not any(sender_email in name for name in names), names

    remove_recipient(composer, kind, follower)
    add_recipient(page, composer, kind, added)
    write_in_body(composer, kind, text)
    attach_file(composer, kind, str(extra), "conditions.txt")
    # What "To" shows is exactly who gets the mail.
    shown = set(recipients(composer, kind).evaluate_all("tags => tags.map(tag => tag.title)"))
    assert follower_email not in shown and {customer_email, added_email} <= shown, shown
    shot("edited")
    sent(page, composer)

    mails = mails_to(smtp, shown)
    assert {rcpt for mail in mails for rcpt in mail.rcpt_tos} == shown
    document_number = number(rpc, kind, record_id)
    for mail in mails:
        assert text in mail.body_html()
        attachments = {name: data for name, data, _type in mail.attachments()}
        assert set(attachments) == {pdf, "conditions.txt"}, set(attachments)
        assert attachments["conditions.txt"] == extra.read_bytes()
        assert document_number in pdf_text(attachments[pdf])
    # The removed follower got nothing, and still follows the document.
    assert all(follower_email not in mail.rcpt_tos for mail in smtp.received)
    followers = rpc(
        "mail.followers", "search_read", [("res_model", "=", model), ("res_id", "=", record_id)], ["email"]
    )
    assert follower_email in [row["email"] for row in followers]

    open_document(page, odoo, kind, record_id)
    expect(chatter_message(page, text)).to_have_count(1)
    expect(delivery_badge(page)).to_have_text(EMAIL_SENT[ui_lang])
    shot("sent")
    chatter_message(page, text).scroll_into_view_if_needed()
    shot("chatter")
    (customer_mail,) = [mail for mail in mails if customer_email in mail.rcpt_tos]
    return customer_mail, record_id, pdf


@pytest.mark.parametrize(
    "kind, user",
    [
        ("quotation", SALESPERSON),
        ("invoice", SALESPERSON),
        ("quotation", ADMIN),
        ("invoice", ACCOUNTANT),
        ("credit_note", ACCOUNTANT),
    ],
    ids=[
        "quotation-salesperson",
        "invoice-salesperson",
        "quotation-admin",
        "invoice-accountant",
        "credit_note-accountant",
    ],
)
def test_send_from_the_form(kind, user, odoo, rpc, smtp, login, tmp_path, users):
    sends(kind, odoo, rpc, smtp, login, tmp_path, user)


# What the customer reads in French, by kind.
FRENCH = {
    "quotation": {"pdf": "Devis - ", "subject": "Devis", "body": "ci-joint notre devis", "word": "Devis"},
    "invoice": {
        "pdf": "Facture - ",
        "subject": "Facture",
        "body": "ci-joint notre facture",
        "word": "Facture",
    },
    "credit_note": {"pdf": "Avoir - ", "subject": "Avoir", "body": "ci-joint notre avoir", "word": "Avoir"},
}


@pytest.mark.parametrize("kind", ["quotation", "invoice", "credit_note"])
def test_french_salesperson_sends_to_a_french_customer(kind, odoo, rpc, smtp, login, tmp_path, users):
    mail, _record_id, pdf = sends(
        kind, odoo, rpc, smtp, login, tmp_path, FRENCH_SALESPERSON, "fr_FR", "fr_FR"
    )
    french = FRENCH[kind]
    assert pdf.startswith(french["pdf"]), pdf
    assert french["subject"] in mail.message["Subject"], mail.message["Subject"]
    assert french["body"] in mail.body_html().lower(), mail.body_html()
    (data,) = [data for name, data, _type in mail.attachments() if name == pdf]
    # The document itself is printed in the customer's language.
    assert french["word"] in pdf_text(data)
