# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Send by email flow as a person clicks it in Odoo's web client."""

import re
import subprocess
import uuid

from playwright.sync_api import expect

COMPOSER = ".modal-dialog"


def pdf_text(data):
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, stdout=subprocess.PIPE, check=True
    ).stdout.decode()


def partner(rpc, name, email, lang="en_US"):
    return rpc("res.partner", "create", {"name": name, "email": email, "lang": lang})


def open_record(page, odoo, model, record_id, debug=False):
    # A full page load: changing only the hash of the page the login landed
    # on races with the web client still opening the home action.
    query = "?debug=1" if debug else "?"
    page.goto("%s/web%s#model=%s&id=%d&view_type=form" % (odoo["url"], query, model, record_id))
    page.wait_for_selector(".o_form_view .o_form_statusbar")


def open_composer(page, odoo, model, record_id, button="Send by Email"):
    open_record(page, odoo, model, record_id)
    page.locator(".o_form_statusbar button:visible", has_text=button).first.click()
    page.wait_for_selector(COMPOSER + " .o_form_view")
    # The PDF is rendered when the template is applied: it is there once the
    # attachment list shows it.
    page.wait_for_selector(COMPOSER + " .oe_attachment", timeout=90000)
    return page.locator(COMPOSER)


def recipient_badges(composer):
    return composer.locator(".o_field_many2manytags[name=partner_ids] .badge .o_badge_text")


def remove_recipient(composer, name):
    composer.locator(".o_field_many2manytags[name=partner_ids] .badge", has_text=name).locator(
        ".o_delete"
    ).click()


def add_recipient(page, composer, name):
    field = composer.locator(".o_field_many2manytags[name=partner_ids] input")
    field.fill(name)
    page.locator("ul.ui-autocomplete:visible li", has_text=name).first.click()
    expect(recipient_badges(composer).filter(has_text=name)).to_have_count(1)


def write_in_body(composer, text):
    body = composer.locator("[name=body] .note-editable")
    body.click()
    body.press("Control+End")
    body.press("Enter")
    body.type(text)


def attach_file(composer, path, name):
    composer.locator("[name=attachment_ids] input.o_input_file").set_input_files(path)
    expect(composer.locator(".oe_attachment", has_text=name)).to_have_count(1, timeout=30000)


def send(page, composer):
    composer.locator(".modal-footer").get_by_role("button", name=re.compile(r"^(Send|Envoyer)$")).click()
    page.wait_for_selector(COMPOSER, state="detached", timeout=90000)


def test_salesperson_sends_a_quotation_from_the_form(odoo, rpc, smtp, login, tmp_path):
    order_id = rpc("sale.order", "search", [("name", "=", "SO002")])[0]
    rpc("sale.order", "write", [order_id], {"user_id": rpc.ref("base.user_demo")})
    order = rpc("sale.order", "read", [order_id], ["partner_id"])[0]
    customer_email = rpc("res.partner", "read", [order["partner_id"][0]], ["email"])[0]["email"]
    users = rpc("res.users", "search_read", [("login", "in", ["admin", "demo"])], ["partner_id"])
    stale = set(rpc("sale.order", "read", [order_id], ["message_partner_ids"])[0]["message_partner_ids"])
    stale -= {user["partner_id"][0] for user in users}
    domain = [
        ("res_model", "=", "sale.order"),
        ("res_id", "=", order_id),
        ("partner_id", "in", sorted(stale)),
    ]
    rpc("mail.followers", "unlink", rpc("mail.followers", "search", domain))
    # Names of their own, so that a re-run on the same database finds them once.
    tag = uuid.uuid4().hex[:6]
    follower = "Agathe Comptable %s" % tag
    added = "Bruno Ajouté %s" % tag
    rpc(
        "sale.order",
        "message_subscribe",
        [order_id],
        [partner(rpc, follower, "agathe.%s@example.com" % tag)],
    )
    partner(rpc, added, "bruno.%s@example.com" % tag)
    extra = tmp_path / "conditions.txt"
    extra.write_text("Conditions particulières de vente\n")
    smtp.reset()

    page, shot = login("demo", "demo")
    composer = open_composer(page, odoo, "sale.order", order_id)
    shot("composer")
    # The followers are the recipients, the customer first among them.
    names = recipient_badges(composer).all_inner_texts()
    assert any(customer_email in name for name in names), names
    assert any(follower in name for name in names), names
    assert composer.locator(".oe_attachment", has_text="Quotation - SO002.pdf").count() == 1

    remove_recipient(composer, follower)
    add_recipient(page, composer, added)
    write_in_body(composer, "Livraison possible sous huit jours.")
    attach_file(composer, str(extra), "conditions.txt")
    shot("edited")
    send(page, composer)
    shot("sent")

    mails = smtp.wait_for(2, timeout=60)
    recipients = sorted(rcpt for mail in mails for rcpt in mail.rcpt_tos)
    assert recipients == sorted([customer_email, "bruno.%s@example.com" % tag])
    for mail in mails:
        assert "Livraison possible sous huit jours." in mail.body_html()
        attachments = {name: data for name, data, _ctype in mail.attachments()}
        assert set(attachments) == {"Quotation - SO002.pdf", "conditions.txt"}
        assert attachments["conditions.txt"] == extra.read_bytes()
        assert "SO002" in pdf_text(attachments["Quotation - SO002.pdf"])
    # Nobody else was told: the removed follower got nothing.
    assert all("agathe.%s@example.com" % tag not in mail.rcpt_tos for mail in smtp.received)
    assert rpc("sale.order", "read", [order_id], ["state"])[0]["state"] == "sent"
