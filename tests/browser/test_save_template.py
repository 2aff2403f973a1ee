# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Save as template, as people click it in Odoo 18's composer (the template
menu of its footer): the name is asked, the message comes back and still
sends; on another quotation the template is picked from the same menu and
speaks of that quotation, with its own PDF."""

import pytest
from helpers import (
    ADMIN,
    COMPOSER,
    SALESPERSON,
    mails_to,
    new_document,
    number,
    open_send,
    partner,
    pdf_name,
    sent,
    tag,
    write_in_body,
)
from playwright.sync_api import expect

TEMPLATE_MENU = ".mail-composer-template-dropdown"


def open_template_menu(page, composer):
    composer.locator(".modal-footer [name=template_id] .mail-composer-template-dropdown-btn").click()
    menu = page.locator(TEMPLATE_MENU).first
    expect(menu).to_be_visible()
    return menu


def save_as_template(page, composer, shot, name):
    """Footer menu > Save as Template > Save as Template, then the name."""
    open_template_menu(page, composer)
    # A submenu: overwrite one of the templates, or save a new one.
    page.locator(TEMPLATE_MENU).get_by_text("Save as Template", exact=True).first.click()
    expect(page.get_by_text("Overwrite Template")).to_be_visible()
    items = page.locator(TEMPLATE_MENU).locator(".dropdown-item", has_text="Save as Template")
    expect(items).to_have_count(2)
    shot("template-menu")
    items.last.click()
    # The name is asked in a dialog of its own.
    name_field = page.locator(COMPOSER + " .o_field_widget[name=template_name] input")
    expect(name_field).to_be_visible()
    name_field.fill(name)
    shot("name-asked")
    page.locator(COMPOSER + " .modal-footer button[name=create_mail_template]").click()
    # Either back to the composer, or an error: say which.
    expect(page.locator(".o_error_dialog, %s .o_mail_composer_form" % COMPOSER).first).to_be_visible()
    assert not page.locator(".o_error_dialog").count(), page.locator(".modal-dialog").last.inner_text()
    return page.locator(COMPOSER)


def saved_template(rpc, name):
    template = rpc(
        "mail.template", "search_read", [("name", "=", name)], ["model", "body_html", "attachment_ids"]
    )
    assert len(template) == 1 and template[0]["model"] == "sale.order", template
    return template[0]


# A salesperson is no Mail Template Editor (Odoo 18 restricts template
# rendering by default): the placeholders the addon writes are the ones
# the documents allow anyone (mail_allowed_qweb_expressions), so the
# salesperson saves as the administrator does.
@pytest.mark.parametrize("user", [SALESPERSON, ADMIN], ids=["salesperson", "admin"])
def test_save_as_template_comes_back_to_the_message(user, odoo, rpc, smtp, login):
    mark = tag()
    email = "first.%s@example.com" % mark
    record_id = new_document(
        rpc, "quotation", partner(rpc, "First Customer %s" % mark, email), SALESPERSON[0]
    )
    pdf = pdf_name(rpc, "quotation", record_id)
    name = "Spring offer %s" % mark
    smtp.reset()
    page, shot = login(*user)
    composer = open_send(page, odoo, "quotation", record_id, pdf)
    write_in_body(composer, "quotation", "Spring offer %s: ten percent off." % mark)
    composer = save_as_template(page, composer, shot, name)

    # Back to the very message, its PDF attached once.
    expect(composer.locator("[name=body] .note-editable")).to_contain_text("ten percent off")
    shot("composer-again")
    expect(composer.locator("[name=attachment_ids] li", has_text=pdf)).to_have_count(1)
    template = saved_template(rpc, name)
    # The template speaks of the quotation it is used for, not of this one,
    # and does not carry this quotation's PDF.
    assert number(rpc, "quotation", record_id) not in template["body_html"]
    assert template["attachment_ids"] == []
    sent(page, composer)
    (mail,) = [mail for mail in mails_to(smtp, [email]) if email in mail.rcpt_tos]
    assert "ten percent off" in mail.body_html()
    assert [attachment[0] for attachment in mail.attachments()] == [pdf]


def test_saved_template_is_used_again_on_another_quotation(odoo, rpc, smtp, login):
    mark = tag()
    first_email, second_email = "first.%s@example.com" % mark, "second.%s@example.com" % mark
    first = new_document(
        rpc, "quotation", partner(rpc, "First Customer %s" % mark, first_email), SALESPERSON[0]
    )
    second = new_document(
        rpc, "quotation", partner(rpc, "Second Customer %s" % mark, second_email), SALESPERSON[0]
    )
    name = "Spring offer %s" % mark
    smtp.reset()
    # As the salesperson, no template editor: the template still names the
    # quotation and the customer it is used for.
    page, shot = login(*SALESPERSON)
    composer = open_send(page, odoo, "quotation", first, pdf_name(rpc, "quotation", first))
    write_in_body(composer, "quotation", "Spring offer %s: ten percent off." % mark)
    composer = save_as_template(page, composer, shot, name)
    expect(composer.locator("[name=body] .note-editable")).to_contain_text("ten percent off")
    saved_template(rpc, name)
    composer.locator(".modal-footer button[special=cancel]").click()
    expect(page.locator(COMPOSER)).to_have_count(0)

    # Another quotation: the template is in the same menu of the footer.
    second_pdf = pdf_name(rpc, "quotation", second)
    composer = open_send(page, odoo, "quotation", second, second_pdf)
    menu = open_template_menu(page, composer)
    menu.locator(".dropdown-item", has_text=name).first.click()
    body = composer.locator("[name=body] .note-editable")
    expect(body).to_contain_text("ten percent off")
    expect(body).to_contain_text("Second Customer %s" % mark)
    expect(body).to_contain_text(number(rpc, "quotation", second))
    expect(composer.locator("[name=attachment_ids] li", has_text=second_pdf)).to_have_count(1, timeout=90000)
    expect(composer.locator("[name=attachment_ids] li")).to_have_count(1)
    shot("template-used")
    sent(page, composer)
    (mail,) = [mail for mail in mails_to(smtp, [second_email]) if second_email in mail.rcpt_tos]
    assert "ten percent off" in mail.body_html()
    assert number(rpc, "quotation", second) in mail.body_html()
    assert [attachment[0] for attachment in mail.attachments()] == [second_pdf]
    assert smtp.received and all(first_email not in mail.rcpt_tos for mail in smtp.received)
