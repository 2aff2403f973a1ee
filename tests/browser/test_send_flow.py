# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Send by email flow as a person clicks it in Odoo's web client."""

import re
import subprocess
import time
import uuid

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

COMPOSER = ".modal-dialog"


def pdf_text(data):
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, stdout=subprocess.PIPE, check=True
    ).stdout.decode()


def partner(rpc, name, email, lang="en_US"):
    return rpc("res.partner", "create", {"name": name, "email": email, "lang": lang})


def open_record(page, odoo, model, record_id, action):
    # A full page load: changing only the hash of the page the login landed
    # on races with the web client still opening the home action.
    page.goto(
        "%s/web?#action=%s&model=%s&id=%d&view_type=form" % (odoo["url"], action, model, record_id)
    )
    page.wait_for_selector(".o_form_view .o_form_statusbar")


def open_composer(page, odoo, kind, record_id, button):
    open_record(page, odoo, DOCUMENTS[kind]["model"], record_id, DOCUMENTS[kind]["action"])
    page.locator(".o_form_statusbar button:visible", has_text=button).first.click()
    page.wait_for_selector(COMPOSER + " .o_form_view")
    # The PDF is rendered when the template is applied: it is there once the
    # attachment list shows it.
    page.wait_for_selector(COMPOSER + " .oe_attachment", timeout=90000)
    return page.locator(COMPOSER)


def recipient_badges(composer):
    return composer.locator(".o_field_many2manytags[name=partner_ids] .badge .o_badge_text")


def remove_recipient(composer, name):
    badge = composer.locator(".o_field_many2manytags[name=partner_ids] .badge", has_text=name)
    badge.locator(".o_delete").click()
    # The widget is drawn again once the removal is applied: typing before
    # that would be lost.
    expect(badge).to_have_count(0)


def add_recipient(page, composer, name):
    field = composer.locator(".o_field_many2manytags[name=partner_ids] input")
    choice = page.locator("ul.ui-autocomplete:visible li", has_text=name).first
    for _attempt in range(3):
        field.fill(name)
        try:
            choice.wait_for(timeout=10000)
            break
        except PlaywrightTimeoutError:
            # A redraw of the widget swallowed the text: type it again.
            field.fill("")
    choice.click()
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


SEND_BY_EMAIL = {"en_US": "Send by Email", "fr_FR": "Envoyer par email"}
COMPOSER_LABELS = {
    "en_US": ["Recipients", "Use template"],
    "fr_FR": ["Destinataires", "Utiliser un modèle"],
}

# What differs between the kinds of document the flow runs on.
DOCUMENTS = {
    "quotation": {
        "model": "sale.order",
        "action": "sale.action_quotations",
        "domain": [("name", "=", "SO002")],
        "template": "sale.email_template_edi_sale",
        "number": "name",
        "sent": ("state", "sent"),
    },
    "invoice": {
        "model": "account.invoice",
        # Customer invoices have a form of their own: open it through their menu's action.
        "action": "account.action_invoice_tree1",
        "domain": [("type", "=", "out_invoice"), ("state", "=", "open")],
        "template": "account.email_template_edi_invoice",
        "number": "number",
        "sent": ("sent", True),
    },
}


def prepare_document(rpc, kind, tag, record_id=None, salesperson="demo"):
    """The document of `kind` (by default the demo data's first) the
    salesperson sends, with its customer and one more follower, `Agathe
    <tag>`; stale followers of an earlier run go."""
    spec = DOCUMENTS[kind]
    model = spec["model"]
    record_id = record_id or rpc(model, "search", spec["domain"], limit=1)[0]
    user = rpc("res.users", "search_read", [("login", "=", salesperson)], ["partner_id"])[0]
    rpc(model, "write", [record_id], {"user_id": user["id"]})
    customer = rpc(model, "read", [record_id], ["partner_id"])[0]["partner_id"][0]
    admin = rpc("res.users", "search_read", [("login", "=", "admin")], ["partner_id"])[0]
    keep = {customer, user["partner_id"][0], admin["partner_id"][0]}
    stale = [
        ("res_model", "=", model),
        ("res_id", "=", record_id),
        ("partner_id", "not in", sorted(keep)),
    ]
    rpc("mail.followers", "unlink", rpc("mail.followers", "search", stale))
    follower = partner(rpc, "Agathe Comptable %s" % tag, "agathe.%s@example.com" % tag)
    rpc(model, "message_subscribe", [record_id], [follower, customer])
    return record_id, rpc("res.partner", "read", [customer], ["email"])[0]["email"]


def salesperson_sends(
    kind, odoo, rpc, smtp, login, tmp_path, record_id=None, user=("demo", "demo"), lang="en_US"
):
    """The salesperson's whole flow on a document of `kind`: the followers are
    the recipients; remove one, add a contact, edit the body, attach a file,
    send; the SMTP server receives exactly that. Returns the page and the
    mails received."""
    model = DOCUMENTS[kind]["model"]
    # Names of their own, so that a re-run on the same database finds them once.
    tag = uuid.uuid4().hex[:6]
    follower, added = "Agathe Comptable %s" % tag, "Bruno Ajouté %s" % tag
    record_id, customer_email = prepare_document(rpc, kind, tag, record_id, user[0])
    partner(rpc, added, "bruno.%s@example.com" % tag)
    # The PDF is named in the customer's language.
    customer_lang = rpc(
        "res.partner",
        "read",
        [rpc(model, "read", [record_id], ["partner_id"])[0]["partner_id"][0]],
        ["lang"],
    )
    pdf_name = (
        rpc(
            model, "mail_document_send_filename", [record_id], context={"lang": customer_lang[0]["lang"]}
        )
        + ".pdf"
    )
    extra = tmp_path / "conditions.txt"
    extra.write_text("Conditions particulières de vente\n")
    smtp.reset()

    page, shot = login(*user)
    composer = open_composer(page, odoo, kind, record_id, button=SEND_BY_EMAIL[lang])
    shot("composer")
    for label in COMPOSER_LABELS[lang]:
        expect(composer.locator("label", has_text=label).first).to_be_visible()
    names = recipient_badges(composer).all_inner_texts()
    assert any(customer_email in name for name in names), names
    assert any(follower in name for name in names), names
    expect(composer.locator(".oe_attachment", has_text=pdf_name)).to_have_count(1)

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
        assert set(attachments) == {pdf_name, "conditions.txt"}
        assert attachments["conditions.txt"] == extra.read_bytes()
        number_field = DOCUMENTS[kind]["number"]
        number = rpc(model, "read", [record_id], [number_field])[0][number_field]
        assert number in pdf_text(attachments[pdf_name])
    # Nobody else was told: the removed follower got nothing.
    assert all("agathe.%s@example.com" % tag not in mail.rcpt_tos for mail in smtp.received)
    field, value = DOCUMENTS[kind]["sent"]
    assert rpc(model, "read", [record_id], [field])[0][field] == value
    return page, mails


@pytest.mark.parametrize("kind", ["quotation", "invoice"])
def test_salesperson_sends_from_the_form(kind, odoo, rpc, smtp, login, tmp_path):
    salesperson_sends(kind, odoo, rpc, smtp, login, tmp_path)


def open_home(page, odoo, debug=False):
    page.goto(odoo["url"] + ("/web?debug=1" if debug else "/web"))
    # A menu clicked before the home action is drawn is lost when it is.
    page.wait_for_selector(".o_control_panel .breadcrumb li")


def menu(page, *xmlids):
    """Click the web client's menus, the app first, by their XML ids: the same
    path in every language."""
    for xmlid in xmlids:
        page.locator('a[data-menu-xmlid="%s"]:visible' % xmlid).first.click()


def apply_filter(page, name):
    if not page.locator(".o_search_options").is_visible():
        page.locator(".o_searchview_more").click()
    filters = page.locator(".o_search_options .o_dropdown_toggler_btn").first
    filters.click()
    page.locator(
        ".o_filters_menu a:visible", has_text=re.compile(r"^\s*%s\s*$" % re.escape(name))
    ).click()
    filters.click()  # close the menu, it covers the list
    expect(page.locator(".o_searchview_facet", has_text=name)).to_have_count(1)


def send_failing_mail(rpc, smtp, kind, record_id):
    """Send the document by email through its stock template while the SMTP
    server refuses the customer's address; return the failed mail."""
    spec = DOCUMENTS[kind]
    customer = rpc(spec["model"], "read", [record_id], ["partner_id"])[0]["partner_id"][0]
    customer_email = rpc("res.partner", "read", [customer], ["email"])[0]["email"]
    smtp.reset()
    smtp.refuse(customer_email)
    rpc(spec["model"], "message_post_with_template", [record_id], rpc.ref(spec["template"]))
    smtp.reset()
    failed = rpc(
        "mail.mail",
        "search_read",
        [("model", "=", spec["model"]), ("res_id", "=", record_id), ("state", "=", "exception")],
        ["subject"],
    )
    assert len(failed) == 1, "the mail to %s should have failed: %s" % (customer_email, smtp.attempts)
    return failed[0]


def fresh_document(rpc, kind, values=None):
    """A new document of `kind`, copied from the demo data and given
    `values` before an invoice is validated: a re-run on the same database
    finds its own mails only."""
    spec = DOCUMENTS[kind]
    record_id = rpc(spec["model"], "copy", rpc(spec["model"], "search", spec["domain"], limit=1)[0])
    if values:
        rpc(spec["model"], "write", [record_id], values)
    if kind == "invoice":
        rpc("account.invoice", "action_invoice_open", [record_id])
    return record_id


@pytest.mark.parametrize("kind", ["quotation", "invoice"])
def test_administrator_retries_a_failed_mail(kind, odoo, rpc, smtp, login):
    record_id = fresh_document(rpc, kind)
    failed = send_failing_mail(rpc, smtp, kind, record_id)
    subject = failed["subject"]
    page, shot = login("admin", "admin")
    # The document says its mail failed, in red.
    open_record(page, odoo, DOCUMENTS[kind]["model"], record_id, DOCUMENTS[kind]["action"])
    badge = page.locator(".o_form_view [name=email_delivery_state]")
    expect(badge).to_have_text("Email failed")
    assert "label-danger" in badge.get_attribute("class")
    shot("document-failed")
    open_home(page, odoo, debug=True)
    # Settings > Technical > Email > Emails, shown in developer mode only.
    menu(page, "base.menu_administration", "base.menu_email", "mail.menu_mail_mail")
    page.wait_for_selector(".o_list_view")
    shot("emails")
    apply_filter(page, "Failed")
    row = page.locator(".o_list_view tbody tr.o_data_row", has_text=subject).first
    expect(row).to_be_visible()
    # Failed rows are red in the list.
    assert "text-danger" in (row.get_attribute("class") or "")
    shot("failed-filter")
    row.click()
    page.wait_for_selector(".o_form_view")
    page.locator(".o_notebook a[role=tab], .o_notebook .nav-tabs a", has_text="Failure Reason").click()
    reason = page.locator(".o_notebook .tab-pane.active").inner_text()
    assert "refused" in reason.lower(), reason
    shot("failure-reason")
    page.locator(".o_form_statusbar button:visible", has_text="Retry").click()
    page.locator(".o_form_statusbar button:visible", has_text="Send Now").click()
    mails = smtp.wait_for(1, timeout=60)
    assert [mail.message["Subject"] for mail in mails] == [subject]
    # The stock template deletes a mail once sent: the journal keeps both
    # attempts, the refusal and the delivery, under the same Message-ID.
    # The server has the mail before Odoo commits: wait for the commit.
    deadline = time.monotonic() + 30
    while rpc("mail.mail", "search", [("id", "=", failed["id"])]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not rpc("mail.mail", "search", [("id", "=", failed["id"])])
    open_record(page, odoo, DOCUMENTS[kind]["model"], record_id, DOCUMENTS[kind]["action"])
    expect(page.locator(".o_form_view [name=email_delivery_state]")).to_have_text("Email sent")
    shot("document-sent")
    open_home(page, odoo, debug=True)
    menu(
        page, "base.menu_administration", "base.menu_email", "mail_document_send.mail_delivery_log_menu"
    )
    rows = page.locator(".o_list_view tbody tr.o_data_row", has_text=subject)
    expect(rows.filter(has_text="Failed")).not_to_have_count(0)
    assert "Sent" in rows.first.inner_text()
    shot("journal")
    journal = rpc(
        "mail.delivery.log",
        "search_read",
        [("mail_id", "=", failed["id"])],
        ["message_id", "state"],
        order="id",
    )
    assert [row["state"] for row in journal] == ["failed", "sent"]
    assert {row["message_id"] for row in journal} == {mails[0].message_id}


@pytest.fixture(scope="session")
def french(rpc):
    """French loaded (Odoo's and this addon's i18n/fr.po), and the login of a
    salesperson whose interface is in French."""
    # The template database has French (dev/env.sh): installing the addon
    # loaded its i18n/fr.po too. Elsewhere, load it now (a minute).
    if not rpc("res.lang", "search", [("code", "=", "fr_FR")]):
        wizard = rpc("base.language.install", "create", {"lang": "fr_FR"})
        rpc("base.language.install", "lang_install", [wizard])
    if not rpc("res.users", "search", [("login", "=", "vendeur")]):
        groups = [rpc.ref("sales_team.group_sale_salesman"), rpc.ref("account.group_account_invoice")]
        rpc(
            "res.users",
            "create",
            {
                "name": "Valérie Vendeuse",
                "login": "vendeur",
                "password": "vendeur",
                "email": "valerie.vendeuse@example.com",
                "lang": "fr_FR",
                "groups_id": [(6, 0, groups)],
            },
        )
    return ("vendeur", "vendeur")


FRENCH_PDF_NAMES = {"quotation": "Devis - ", "invoice": "Facture - "}
FRENCH_PDF_WORDS = {"quotation": "Devis", "invoice": "Facture"}


@pytest.mark.parametrize("kind", ["quotation", "invoice"])
def test_french_salesperson_sends_to_a_french_customer(kind, odoo, rpc, smtp, login, tmp_path, french):
    spec = DOCUMENTS[kind]
    customer = partner(
        rpc, "Client Français %s" % uuid.uuid4().hex[:6], "client.fr@example.com", "fr_FR"
    )
    record_id = fresh_document(rpc, kind, {"partner_id": customer})
    page, mails = salesperson_sends(kind, odoo, rpc, smtp, login, tmp_path, record_id, french, "fr_FR")
    to_customer = [mail for mail in mails if "client.fr@example.com" in mail.rcpt_tos]
    assert len(to_customer) == 1
    pdfs = [
        (name, data) for name, data, ctype in to_customer[0].attachments() if ctype == "application/pdf"
    ]
    assert len(pdfs) == 1 and pdfs[0][0].startswith(FRENCH_PDF_NAMES[kind]), pdfs[0][0]
    # The document itself is printed in the customer's language.
    assert FRENCH_PDF_WORDS[kind] in pdf_text(pdfs[0][1])
    # And the document tells the French salesperson, in French, that it left.
    open_record(page, odoo, spec["model"], record_id, spec["action"])
    expect(page.locator(".o_form_view [name=email_delivery_state]")).to_have_text("Courriel envoyé")
