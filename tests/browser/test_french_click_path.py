# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, the click path of a French salesperson (and of the English
one, and of both administrators): the composer's template menu offers
only what the user may do, and a template saved from one quotation
carries nothing of it to another customer."""

import pytest
from helpers import (
    ADMIN,
    COMPOSER,
    FRENCH_ADMIN,
    FRENCH_SALESPERSON,
    SALESPERSON,
    ensure_users,
    mails_to,
    new_document,
    number,
    open_send,
    partner,
    pdf_name,
    sent,
    tag,
    user_id,
    write_in_body,
)
from playwright.sync_api import expect

TEMPLATE_MENU = ".mail-composer-template-dropdown"
# Stock's labels, and Odoo's own French for them (addons/mail/i18n/fr.po).
LABELS = {
    "en_US": {"save": "Save as Template", "delete": "Delete Template", "more": "Search More..."},
    "fr_FR": {
        "save": "Enregistrer comme modèle",
        "delete": "Supprimer le modèle",
        "more": "Rechercher plus...",
    },
}
USERS = {
    "salesperson": (SALESPERSON, "en_US", False),
    "french-salesperson": (FRENCH_SALESPERSON, "fr_FR", False),
    "admin": (ADMIN, "en_US", True),
    "french-admin": (FRENCH_ADMIN, "fr_FR", True),
}


@pytest.fixture(scope="module", autouse=True)
def users(rpc):
    ensure_users(rpc)


def open_menu(page, composer):
    # Close what is open, a submenu first (one Escape too many would close
    # the composer).
    for count in range(page.locator(TEMPLATE_MENU).count(), 0, -1):
        page.keyboard.press("Escape")
        expect(page.locator(TEMPLATE_MENU)).to_have_count(count - 1)
    composer.locator(".modal-footer [name=template_id] .mail-composer-template-dropdown-btn").click()
    menu = page.locator(TEMPLATE_MENU).first
    expect(menu).to_be_visible()
    return menu


def item_names(menu, labels):
    names = [name.strip() for name in menu.locator(":scope > .dropdown-item").all_inner_texts()]
    return [name for name in names if name and name not in (labels["save"], labels["delete"], labels["more"])]


def open_submenu(page, composer, labels, label):
    """The main menu's template names, and the names the submenu `label`
    lists (None when the main menu does not offer it)."""
    menu = open_menu(page, composer)
    inserted = item_names(menu, labels)
    toggle = menu.locator(":scope > .dropdown-item", has_text=label)
    if not toggle.count():
        return inserted, None
    toggle.first.click()
    submenu = page.locator(TEMPLATE_MENU).nth(1)
    expect(submenu).to_be_visible()
    return inserted, item_names(submenu, labels)


@pytest.mark.parametrize("who", list(USERS))
def test_template_menu_offers_only_what_the_user_may_change(who, odoo, rpc, smtp, login):
    (login_name, password), lang, admin = USERS[who]
    labels = LABELS[lang]
    mark = tag()
    sale_model = rpc("ir.model", "search", [("model", "=", "sale.order")])[0]
    # One template of the user's own, beside the shared ones of the database.
    own = "Own %s" % mark
    rpc("mail.template", "create", {"name": own, "model_id": sale_model, "user_id": user_id(rpc, login_name)})
    customer = partner(rpc, "Menu Customer %s" % mark, "menu.%s@example.com" % mark)
    record_id = new_document(rpc, "quotation", customer, login_name)
    page, shot = login(login_name, password)
    composer = open_send(page, odoo, "quotation", record_id, pdf_name(rpc, "quotation", record_id))

    inserted, overwritten = open_submenu(page, composer, labels, labels["save"])
    shot("save-submenu")
    assert own in inserted, inserted
    shared = [name for name in inserted if name != own]
    assert shared, "the database has shared templates of quotations"
    # Who may change what: stock's rule (own or assigned) unless editor.
    writable = rpc(
        "mail.template",
        "search_read",
        [
            ("name", "in", inserted),
            "|",
            ("create_uid", "=", user_id(rpc, login_name)),
            ("user_id", "=", user_id(rpc, login_name)),
        ],
        ["name"],
    )
    expected = inserted if admin else [name for name in inserted if name in {t["name"] for t in writable}]
    assert overwritten == expected, (overwritten, expected)
    if not admin:
        assert not set(shared) & set(overwritten) - {t["name"] for t in writable}

    inserted, deleted = open_submenu(page, composer, labels, labels["delete"])
    shot("delete-submenu")
    assert deleted == expected, (deleted, expected)


@pytest.mark.parametrize("who", ["french-salesperson", "french-admin", "salesperson"])
def test_saved_template_carries_nothing_of_its_quotation(who, odoo, rpc, smtp, login):
    (login_name, password), lang, _admin = USERS[who]
    labels = LABELS[lang]
    mark = tag()
    first_email, second_email = "deco.%s@example.com" % mark, "second.%s@example.com" % mark
    first_name = "Deco Addict %s" % mark
    first = new_document(rpc, "quotation", partner(rpc, first_name, first_email, "en_US"), login_name)
    second = new_document(
        rpc, "quotation", partner(rpc, "Client Second %s" % mark, second_email, "fr_FR"), login_name
    )
    # Another amount than the first quotation's.
    lines = rpc("sale.order", "read", [second], ["order_line"])[0]["order_line"]
    rpc("sale.order.line", "write", lines, {"product_uom_qty": 5})
    first_pdf, second_pdf = pdf_name(rpc, "quotation", first), pdf_name(rpc, "quotation", second, "fr_FR")
    amount = rpc("sale.order", "read", [first], ["amount_total"])[0]["amount_total"]
    name = "Devis promo %s" % mark
    smtp.reset()
    page, shot = login(login_name, password)
    composer = open_send(page, odoo, "quotation", first, first_pdf)
    write_in_body(composer, "quotation", "Promo %s for %s." % (mark, first_name))

    menu = open_menu(page, composer)
    menu.locator(":scope > .dropdown-item", has_text=labels["save"]).first.click()
    page.locator(TEMPLATE_MENU).nth(1).locator(".dropdown-item", has_text=labels["save"]).last.click()
    name_field = page.locator(COMPOSER + " .o_field_widget[name=template_name] input")
    expect(name_field).to_be_visible()
    name_field.fill(name)
    # Before saving, the dialog says the quotation's PDF stays out.
    expect(page.locator(COMPOSER + " .o_mail_document_send_template_files")).to_be_visible()
    shot("save-template-dialog")
    page.locator(COMPOSER + " .modal-footer button[name=create_mail_template]").click()
    expect(page.locator(".o_error_dialog, %s .o_mail_composer_form" % COMPOSER).first).to_be_visible()
    assert not page.locator(".o_error_dialog").count(), page.locator(".modal-dialog").last.inner_text()
    expect(composer.locator("[name=body] .note-editable")).to_contain_text("Promo %s" % mark)
    (template,) = rpc("mail.template", "search_read", [("name", "=", name)], ["attachment_ids", "lang"])
    assert template["attachment_ids"] == [], template
    for body_lang in ("en_US", "fr_FR"):
        (text,) = rpc(
            "mail.template", "read", [template["id"]], ["subject", "body_html"], context={"lang": body_lang}
        )
        for value in (number(rpc, "quotation", first), first_name):
            assert value not in text["subject"] + text["body_html"], (body_lang, value, text)
    composer.locator(".modal-footer button[special=cancel]").click()
    expect(page.locator(COMPOSER)).to_have_count(0)

    # Another customer's quotation, the template picked from the same menu.
    composer = open_send(page, odoo, "quotation", second, second_pdf)
    open_menu(page, composer).locator(":scope > .dropdown-item", has_text=name).first.click()
    body = composer.locator("[name=body] .note-editable")
    expect(body).to_contain_text("Promo %s" % mark)
    expect(body).to_contain_text("Client Second %s" % mark)
    expect(composer.locator("[name=attachment_ids] li")).to_have_count(1, timeout=90000)
    shot("template-used")
    sent(page, composer)
    (mail,) = [mail for mail in mails_to(smtp, [second_email]) if second_email in mail.rcpt_tos]
    text = mail.message["Subject"] + mail.body_html()
    for value in (number(rpc, "quotation", first), first_name, first_pdf):
        assert value not in text, value
    assert number(rpc, "quotation", second) in text
    for written in ("%.2f" % amount, ("%.2f" % amount).replace(".", ",")):
        assert written not in text, written
    assert [attachment[0] for attachment in mail.attachments()] == [second_pdf]
    assert all(first_email not in received.rcpt_tos for received in smtp.received)
