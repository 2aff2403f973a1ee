# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the send browser tests share: the people who send, the documents
they send, and the clicks of Odoo 18's composer (quotations, orders:
mail.compose.message) and invoice send wizard (account.move.send.wizard)."""

import subprocess
import time
import uuid

from playwright.sync_api import expect

COMPOSER = ".modal-dialog"

# What differs between the two send dialogs.
KINDS = {
    "quotation": {
        "model": "sale.order",
        "action": "sale.action_quotations_with_onboarding",
        "button": "action_quotation_send",
        "to": "partner_ids",
        "body": "body",
        # The composer's footer paperclip and the list of files above it.
        "file_input": ".modal-footer [name=attachment_ids] input.o_input_file",
        "attachments": "[name=attachment_ids] li",
    },
    "invoice": {
        "model": "account.move",
        "action": "account.action_move_out_invoice_type",
        "button": "action_invoice_sent",
        "to": "mail_partner_ids",
        "body": "mail_body",
        "file_input": "[name=mail_attachments_widget] input.o_input_file",
        "attachments": "[name=mail_attachments_widget] .o_attachment",
    },
    "credit_note": {
        "model": "account.move",
        "action": "account.action_move_out_refund_type",
        "button": "action_invoice_sent",
        "to": "mail_partner_ids",
        "body": "mail_body",
        "file_input": "[name=mail_attachments_widget] input.o_input_file",
        "attachments": "[name=mail_attachments_widget] .o_attachment",
    },
}

SALESPERSON = ("demo", "demo")
ADMIN = ("admin", "admin")
ACCOUNTANT = ("accountant", "accountant")
FRENCH_SALESPERSON = ("vendeuse", "vendeuse")
FRENCH_ADMIN = ("administratrice", "administratrice")


def tag():
    """Names of their own: a re-run on the same database finds its records once."""
    return uuid.uuid4().hex[:6]


def pdf_text(data):
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, stdout=subprocess.PIPE, check=True
    ).stdout.decode()


def partner(rpc, name, email, lang="en_US"):
    values = {"name": name, "lang": lang}
    if email is not None:
        values["email"] = email
    return rpc("res.partner", "create", values)


def ensure_users(rpc):
    """The accountant and the French salesperson, created over XML-RPC once
    (demo, the salesperson, and admin come with the demo data)."""
    people = [
        (ACCOUNTANT, "Anna Accountant", "en_US", ["account.group_account_manager"]),
        (
            FRENCH_SALESPERSON,
            "Valérie Vendeuse",
            "fr_FR",
            ["sales_team.group_sale_salesman", "account.group_account_invoice"],
        ),
        (
            FRENCH_ADMIN,
            "Adèle Administratrice",
            "fr_FR",
            ["base.group_system", "sales_team.group_sale_manager", "account.group_account_manager"],
        ),
    ]
    for (login, password), name, lang, groups in people:
        if rpc("res.users", "search", [("login", "=", login)]):
            continue
        rpc(
            "res.users",
            "create",
            {
                "name": name,
                "login": login,
                "password": password,
                "email": "%s@example.com" % login,
                "lang": lang,
                "groups_id": [(6, 0, [rpc.ref(group) for group in groups])],
            },
        )


def user_id(rpc, login):
    return rpc("res.users", "search", [("login", "=", login)])[0]


def new_document(rpc, kind, customer, login):
    """A fresh quotation, or a posted invoice / credit note, of `customer`,
    whose salesperson is `login` (created by admin: admin follows it)."""
    product = rpc.ref("product.product_product_4")
    if kind == "quotation":
        return rpc(
            "sale.order",
            "create",
            {
                "partner_id": customer,
                "user_id": user_id(rpc, login),
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 2})],
            },
        )
    move = rpc(
        "account.move",
        "create",
        {
            "move_type": "out_invoice" if kind == "invoice" else "out_refund",
            "partner_id": customer,
            "invoice_user_id": user_id(rpc, login),
            "invoice_line_ids": [(0, 0, {"product_id": product, "quantity": 1, "price_unit": 120})],
        },
    )
    rpc("account.move", "action_post", [move])
    return move


def number(rpc, kind, record_id):
    return rpc(KINDS[kind]["model"], "read", [record_id], ["name"])[0]["name"]


def pdf_name(rpc, kind, record_id, lang="en_US"):
    return (
        rpc(KINDS[kind]["model"], "mail_document_send_filename", [record_id], context={"lang": lang}) + ".pdf"
    )


def open_document(page, odoo, kind, record_id):
    page.goto("%s/odoo/action-%s/%d" % (odoo["url"], KINDS[kind]["action"], record_id))
    expect(page.locator(".o_form_view .o_form_statusbar")).to_be_visible()
    return page.locator(".o_form_view")


def open_send(page, odoo, kind, record_id, pdf):
    """Open the document and its send dialog; wait for its PDF `pdf` in the
    attachments (the composer renders it when the template is applied, the
    invoice wizard shows the one it will generate)."""
    open_document(page, odoo, kind, record_id)
    page.locator(".o_form_statusbar button[name=%s]:visible" % KINDS[kind]["button"]).first.click()
    composer = page.locator(COMPOSER)
    expect(composer.locator(KINDS[kind]["attachments"], has_text=pdf)).to_have_count(1, timeout=90000)
    return composer


def recipients(composer, kind):
    return composer.locator(".o_field_widget[name=%s] .o_tag .o_badge_text" % KINDS[kind]["to"])


def recipient_names(composer, kind):
    return recipients(composer, kind).all_inner_texts()


def remove_recipient(composer, kind, name):
    badge = composer.locator(".o_field_widget[name=%s] .o_tag" % KINDS[kind]["to"], has_text=name)
    expect(badge).to_have_count(1)
    badge.locator(".o_delete").click()
    expect(badge).to_have_count(0)


def add_recipient(page, composer, kind, name):
    field = composer.locator(".o_field_widget[name=%s] input.o-autocomplete--input" % KINDS[kind]["to"])
    field.fill(name)
    choice = page.locator(".o-autocomplete--dropdown-item a", has_text=name).first
    choice.click()
    expect(recipients(composer, kind).filter(has_text=name)).to_have_count(1)


def write_in_body(composer, kind, text):
    body = composer.locator("[name=%s] .note-editable" % KINDS[kind]["body"])
    body.click()
    body.press("Control+End")
    body.press("Enter")
    body.press_sequentially(text)
    expect(body).to_contain_text(text)


def attach_file(composer, kind, path, name):
    composer.locator(KINDS[kind]["file_input"]).set_input_files(path)
    expect(composer.locator(KINDS[kind]["attachments"], has_text=name)).to_have_count(1, timeout=30000)


def click_send(composer):
    composer.locator(".modal-footer button.o_mail_send:visible").click()


def sent(page, composer):
    """Send, and wait for the dialog to close (the document form reloads)."""
    click_send(composer)
    expect(page.locator(COMPOSER)).to_have_count(0, timeout=90000)


def chatter_message(page, text):
    return page.locator(".o-mail-Chatter .o-mail-Message", has_text=text)


def delivery_badge(page):
    return page.locator(".o_form_view .o_field_widget[name=email_delivery_state]")


def mails_to(smtp, addresses, timeout=60):
    """The mails accepted so far once every one of `addresses` got one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received = list(smtp.received)
        if set(addresses) <= {rcpt for mail in received for rcpt in mail.rcpt_tos}:
            return received
        time.sleep(0.05)
    raise AssertionError(
        "%s never got a mail; received: %s" % (addresses, [m.rcpt_tos for m in smtp.received])
    )
