# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The outbox in Odoo 18's web client: a mail the server refuses shows on its
document (badge, activity), and an administrator finds it under Settings >
Technical > Emails, reads why, retries it and sends it; the document's
Emails button lists every attempt.

The documents are sent with stock 18's own flows over XML-RPC (the
quotation's composer, the invoice's send wizard): the composer's clicks are
the send flow's tests."""

import re
import time
import uuid

import pytest
from conftest import Rpc
from playwright.sync_api import expect

REFUSAL = "550 5.1.1 <%s>: Recipient address rejected: User unknown"

# What differs between the kinds of document.
DOCUMENTS = {
    "quotation": {
        "model": "sale.order",
        "action": "sale.action_quotations_with_onboarding",
        "template": "mail_document_send.mail_template_sale_order",
    },
    "invoice": {
        "model": "account.move",
        "action": "account.action_move_out_invoice",
        "template": "mail_document_send.mail_template_account_move",
    },
}


def wait_until(condition, timeout=60, what="condition"):
    """Poll the server (not the page) until `condition()` is true."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(0.2)


@pytest.fixture(scope="module", autouse=True)
def outbox_without_noise(rpc):
    """The template database was built without a mail server: its demo
    activities left 'assigned to you' mails failed, with no failure class.
    They are not this flow's and would fill the Failed list of the
    screenshots. And the stock templates delete a mail once sent: kept here,
    so the list shows the retried mails as sent, as the demo does."""
    stale = rpc("mail.mail", "search", [("state", "=", "exception"), ("failure_class", "=", False)])
    if stale:
        rpc("mail.mail", "unlink", stale)
    templates = [rpc.ref(spec["template"]) for spec in DOCUMENTS.values()]
    rpc("mail.template", "write", templates, {"auto_delete": False})
    yield
    rpc("mail.template", "write", templates, {"auto_delete": True})


def new_customer(rpc, tag):
    email = "refused.%s@example.com" % tag
    return rpc("res.partner", "create", {"name": "Customer %s" % tag, "email": email}), email


def new_document(rpc, kind, customer, salesperson_login="demo"):
    salesperson = rpc("res.users", "search", [("login", "=", salesperson_login)])[0]
    if kind == "quotation":
        return rpc(
            "sale.order",
            "create",
            {
                "partner_id": customer,
                "user_id": salesperson,
                "order_line": [(0, 0, {"product_id": rpc.ref("product.product_product_4")})],
            },
        )
    invoice = rpc(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": customer,
            "invoice_user_id": salesperson,
            "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 1, "price_unit": 100.0})],
        },
    )
    rpc("account.move", "action_post", [invoice])
    return invoice


def send_document(rpc, kind, record_id, lang="en_US"):
    """Send by email as stock 18 does: the quotation's composer, the
    invoice's send wizard, each with its defaults (template, PDF), in the
    sender's language as the web client calls them."""
    model = DOCUMENTS[kind]["model"]
    if kind == "quotation":
        action = rpc(model, "action_quotation_send", [record_id], context={"lang": lang})
        context = dict(action["context"], lang=lang)
        composer = rpc(action["res_model"], "create", {}, context=context)
        rpc(action["res_model"], "action_send_mail", [composer], context=context)
    else:
        action = rpc(model, "action_invoice_sent", [record_id], context={"lang": lang})
        context = dict(action["context"], lang=lang)
        wizard = rpc(action["res_model"], "create", {}, context=context)
        rpc(action["res_model"], "action_send_and_print", [wizard], context=context)


def customer_mail(rpc, kind, record_id, email):
    """The document's mail to its customer, once its attempt is over."""
    customer = rpc("res.partner", "search", [("email", "=", email)])

    def done():
        mails = rpc(
            "mail.mail",
            "search_read",
            [
                ("model", "=", DOCUMENTS[kind]["model"]),
                ("res_id", "=", record_id),
                ("recipient_ids", "in", customer),
            ],
            ["subject", "state", "failure_smtp_code", "failure_reason"],
        )
        return mails if mails and mails[0]["state"] != "outgoing" else None

    (mail,) = wait_until(done, what="the mail to %s" % email)
    return mail


def refused_document(rpc, smtp, kind, sender=None, salesperson_login="demo", lang="en_US"):
    """A new document of `kind` (its salesperson `salesperson_login`) sent
    by `sender` (an Rpc; the administrator by default) to a customer whose
    address the mail server refuses (550): returns (record id, its failed
    mail, address)."""
    tag = uuid.uuid4().hex[:6]
    customer, email = new_customer(rpc, tag)
    record_id = new_document(rpc, kind, customer, salesperson_login)
    smtp.refuse(email, REFUSAL)
    send_document(sender or rpc, kind, record_id, lang)
    mail = customer_mail(rpc, kind, record_id, email)
    assert mail["state"] == "exception", mail
    assert mail["failure_smtp_code"] == 550, mail
    assert email not in [rcpt for received in smtp.received for rcpt in received.rcpt_tos]
    return record_id, mail, email


def open_document(page, odoo, kind, record_id, debug=False):
    page.goto(
        "%s/odoo/action-%s/%d%s"
        % (odoo["url"], DOCUMENTS[kind]["action"], record_id, "?debug=1" if debug else "")
    )
    # The form is ready once its buttons are enabled (they are disabled
    # while the record loads).
    expect(page.locator(".o_form_view .o_form_statusbar button:enabled").first).to_be_visible()


def delivery_badge(page):
    return page.locator(".o_form_view .o_field_widget[name=email_delivery_state] .badge")


def open_technical_menu(page, odoo, *menus):
    """Settings > Technical > ... in developer mode, through the web client's
    menus, by XML id (the same in every language)."""
    page.goto(odoo["url"] + "/odoo/settings?debug=1")
    for xmlid in ("base.menu_custom",) + menus:
        page.locator(
            '.o_main_navbar [data-menu-xmlid="%s"], .o-dropdown--menu [data-menu-xmlid="%s"]' % (xmlid, xmlid)
        ).click()


def toggle_filter(page, label):
    page.locator(".o_searchview_dropdown_toggler").click()
    page.locator(
        ".o_filter_menu .o-dropdown-item", has_text=re.compile(r"^\s*%s\s*$" % re.escape(label))
    ).click()
    page.locator(".o_searchview_dropdown_toggler").click()  # the menu covers the list


def email_rows(page, *subjects):
    rows = page.locator(".o_list_view tr.o_data_row")
    pattern = "|".join(re.escape(subject) for subject in subjects)
    return rows.filter(has=page.locator("td[name=subject]", has_text=re.compile("^(%s)$" % pattern)))


@pytest.mark.parametrize("kind", ["quotation", "invoice"])
def test_salesperson_sees_the_refused_email_on_the_document(kind, odoo, rpc, smtp, login):
    smtp.reset()
    record_id, mail, email = refused_document(rpc, smtp, kind)
    page, shot = login("demo", "demo")
    open_document(page, odoo, kind, record_id)
    badge = delivery_badge(page)
    expect(badge).to_have_text("Email failed")
    expect(badge).to_have_class(re.compile(r"\btext-bg-danger\b"))
    # Next to the customer, where the salesperson looks.
    customer_name = page.locator(".o_form_view .o_field_widget[name=partner_id]")
    assert badge.bounding_box()["y"] > customer_name.bounding_box()["y"]
    # The to-do for the salesperson, with the reason, in the chatter.
    activity = page.locator(".o-mail-Activity", has_text="Email not delivered: %s" % mail["subject"])
    expect(activity).to_have_count(1)
    expect(activity).to_contain_text("Marc Demo")
    expect(activity).to_contain_text("550 5.1.1 <%s>" % email)
    # And the note for the followers.
    expect(
        page.locator(".o-mail-Message", has_text='The email "%s"' % mail["subject"]).first
    ).to_contain_text("could not be delivered")
    shot("document-failed")


@pytest.fixture(scope="module")
def french_salesperson(odoo, rpc):
    """A salesperson whose Odoo speaks French (the template database has
    French, and installing the addon loaded its i18n/fr.po)."""
    login = "vendeuse.outbox"
    if not rpc("res.users", "search", [("login", "=", login)]):
        groups = [rpc.ref("sales_team.group_sale_salesman"), rpc.ref("account.group_account_invoice")]
        rpc(
            "res.users",
            "create",
            {
                "name": "Valérie Vendeuse",
                "login": login,
                "password": login,
                "email": "valerie.vendeuse@example.com",
                "lang": "fr_FR",
                "groups_id": [(6, 0, groups)],
            },
        )
    return login, Rpc(odoo, login, login)


@pytest.mark.parametrize("sender", ["herself", "admin"])
@pytest.mark.parametrize("kind", ["quotation", "invoice"])
def test_french_salesperson_sees_the_refusal_in_french(
    kind, sender, odoo, rpc, smtp, login, french_salesperson
):
    smtp.reset()
    user, her_rpc = french_salesperson
    # Whoever sent it (she, or the English administrator), the note and the
    # to-do are written in the language of the salesperson who reads them.
    herself = sender == "herself"
    record_id, mail, email = refused_document(
        rpc, smtp, kind, her_rpc if herself else None, user, "fr_FR" if herself else "en_US"
    )
    page, shot = login(user, user)
    open_document(page, odoo, kind, record_id)
    badge = delivery_badge(page)
    expect(badge).to_have_text("Échec de l'e-mail")
    expect(badge).to_have_class(re.compile(r"\btext-bg-danger\b"))
    activity = page.locator(".o-mail-Activity", has_text="E-mail non distribué : %s" % mail["subject"])
    expect(activity).to_have_count(1)
    expect(activity).to_contain_text("Valérie Vendeuse")
    expect(activity).to_contain_text("550 5.1.1 <%s>" % email)
    note = page.locator(".o-mail-Message", has_text="L'e-mail « %s »" % mail["subject"]).first
    expect(note).to_contain_text("n'a pas pu être remis")
    expect(note).to_contain_text("Le serveur de messagerie a refusé définitivement l'e-mail")
    expect(page.locator(".o-mail-Chatter")).not_to_contain_text("could not be delivered")
    shot("document-failed-fr")


def test_administrator_retries_failed_mails_then_sends_them(odoo, rpc, smtp, login):
    smtp.reset()
    quotation, quotation_mail, quotation_email = refused_document(rpc, smtp, "quotation")
    invoice, invoice_mail, invoice_email = refused_document(rpc, smtp, "invoice")
    subjects = [quotation_mail["subject"], invoice_mail["subject"]]
    page, shot = login("admin", "admin")

    # Settings > Technical > Email > Emails: in developer mode only.
    open_technical_menu(page, odoo, "mail.menu_mail_mail")
    expect(page.locator(".o_list_view")).to_be_visible()
    toggle_filter(page, "Failed")
    expect(page.locator(".o_searchview_facet", has_text="Failed")).to_have_count(1)
    rows = email_rows(page, *subjects)
    expect(rows).to_have_count(2)
    for number in range(2):
        row = rows.nth(number)
        expect(row.locator("td[name=state] .badge")).to_have_text("Delivery Failed")
        expect(row.locator("td[name=state] .badge")).to_have_class(re.compile(r"\btext-bg-danger\b"))
        expect(row.locator("td[name=failure_class]")).to_have_text("Permanent")
        expect(row.locator("td[name=attempt_count]")).to_have_text("1")
    shot("failed-filter")

    # Why: the readable reason, and the server's code for the administrator.
    email_rows(page, quotation_mail["subject"]).locator("td[name=subject]").click()
    form = page.locator(".o_form_view")
    expect(form.locator(".o_field_widget[name=subject] input")).to_have_value(quotation_mail["subject"])
    tab = form.locator(".o_notebook .nav-link", has_text="Failure Reason")
    tab.click()
    expect(tab).to_have_class(re.compile(r"\bactive\b"))
    pane = form.locator(".o_notebook .tab-pane.active")
    expect(pane.locator(".o_field_widget[name=failure_reason_localized]")).to_contain_text(
        "The mail server refused the email for good. "
        "Check the recipient's address and the sender, then retry."
    )
    expect(pane.locator(".o_field_widget[name=failure_reason_localized]")).to_contain_text(
        "Server reply: " + REFUSAL % quotation_email
    )
    expect(pane.locator(".o_field_widget[name=failure_smtp_code]")).to_have_text("550")
    expect(form.locator("button[name=action_retry_send_now]")).to_be_visible()
    shot("failure-reason")
    page.locator(".o_control_panel .breadcrumb-item a", has_text="Emails").click()

    # The cause is fixed (the server takes the addresses now): Retry both at
    # once, from the list's selection.
    smtp.reset()
    rows = email_rows(page, *subjects)
    expect(rows).to_have_count(2)
    for number in range(2):
        rows.nth(number).locator(".o_list_record_selector input").check()
    page.locator(".o_control_panel button[name=action_retry]").click()
    # Retried: no longer failed, so no longer in the Failed list.
    expect(email_rows(page, *subjects)).to_have_count(0)
    for mail in (quotation_mail, invoice_mail):
        state = rpc("mail.mail", "read", [mail["id"]], ["state", "attempt_count", "failure_class"])[0]
        assert state == {"id": mail["id"], "state": "outgoing", "attempt_count": 0, "failure_class": False}
    toggle_filter(page, "Failed")
    toggle_filter(page, "Outgoing")
    rows = email_rows(page, *subjects)
    expect(rows).to_have_count(2)
    expect(rows.locator("td[name=state] .badge", has_text="Outgoing")).to_have_count(2)
    shot("retried")

    # Send: each row's Send Now.
    for subject in subjects:
        email_rows(page, subject).locator("button[name=action_send_now]").click()
        expect(email_rows(page, subject)).to_have_count(0)  # no longer outgoing
    received = smtp.wait_for(2, timeout=60)
    assert sorted(rcpt for mail in received for rcpt in mail.rcpt_tos) == sorted(
        [quotation_email, invoice_email]
    )
    assert sorted(mail.message["Subject"] for mail in received) == sorted(subjects)
    for mail in (quotation_mail, invoice_mail):
        wait_until(
            lambda mail=mail: rpc("mail.mail", "read", [mail["id"]], ["state"])[0]["state"] == "sent",
            what="mail %s sent" % mail["id"],
        )
    toggle_filter(page, "Outgoing")
    toggle_filter(page, "Sent")
    # The followers' copies of the same messages were sent at once; the
    # customers' are now among them.
    sent = rpc("mail.mail", "search_count", [("subject", "in", subjects), ("state", "=", "sent")])
    assert sent >= 2
    expect(email_rows(page, *subjects).locator("td[name=state] .badge", has_text="Sent")).to_have_count(sent)
    shot("sent")

    # The documents say so.
    for kind, record_id in (("quotation", quotation), ("invoice", invoice)):
        open_document(page, odoo, kind, record_id)
        expect(delivery_badge(page)).to_have_text("Email sent")
        expect(delivery_badge(page)).to_have_class(re.compile(r"\btext-bg-success\b"))
        # The to-do is done with.
        expect(page.locator(".o-mail-Activity")).to_have_count(0)
        shot("%s-sent" % kind)

    # The document's Emails button: its delivery journal, the refusal then
    # the delivery of the same mail.
    open_document(page, odoo, "quotation", quotation)
    page.locator(".o_form_view button[name=action_view_email_delivery_log]").click()
    # The customer's mail, refused then delivered; the follower's copy and
    # the failure note are there too, each a row.
    journal = page.locator(".o_list_view tr.o_data_row").filter(
        has=page.locator("td[name=recipients]", has_text=quotation_email)
    )
    expect(journal).to_have_count(2)
    failed, delivered = journal.nth(1), journal.nth(0)  # newest first
    expect(failed.locator("td[name=state]")).to_have_text("Failed")
    expect(failed.locator("td[name=failure_smtp_code]")).to_have_text("550")
    expect(failed.locator("td[name=attempt]")).to_have_text("1")
    expect(failed).to_have_class(re.compile(r"\btext-danger\b"))
    expect(delivered.locator("td[name=state]")).to_have_text("Sent")
    expect(delivered.locator("td[name=attempt]")).to_have_text("2")
    expect(delivered.locator("td[name=user_id]")).to_have_text("Mitchell Admin")
    expect(page.locator(".o_breadcrumb")).to_contain_text("Delivery journal")
    shot("journal")
    rows = rpc(
        "mail.delivery.log",
        "search_read",
        [("mail_id", "=", quotation_mail["id"])],
        ["state", "attempt", "failure_smtp_code", "user_id", "message_id"],
        order="id",
    )
    assert [(row["state"], row["attempt"], row["failure_smtp_code"]) for row in rows] == [
        ("failed", 1, 550),
        ("sent", 2, 0),
    ]
    # Who retried it is on the delivery; one Message-ID for both attempts.
    assert rows[1]["user_id"][1] == "Mitchell Admin"
    assert len({row["message_id"] for row in rows}) == 1


def test_administrator_retries_and_sends_several_at_once(odoo, rpc, smtp, login):
    smtp.reset()
    documents = [refused_document(rpc, smtp, kind) for kind in ("quotation", "invoice")]
    subjects = [mail["subject"] for _record, mail, _email in documents]
    smtp.reset()
    page, shot = login("admin", "admin")
    open_technical_menu(page, odoo, "mail.menu_mail_mail")
    toggle_filter(page, "Failed")
    rows = email_rows(page, *subjects)
    expect(rows).to_have_count(2)
    for number in range(2):
        rows.nth(number).locator(".o_list_record_selector input").check()
    shot("selected")
    page.locator(".o_control_panel button[name=action_retry_send_now]").click()
    expect(email_rows(page, *subjects)).to_have_count(0)
    received = smtp.wait_for(2, timeout=60)
    assert sorted(mail.message["Subject"] for mail in received) == sorted(subjects)
    for _record_id, mail, _email in documents:
        wait_until(
            lambda mail=mail: rpc("mail.mail", "read", [mail["id"]], ["state"])[0]["state"] == "sent",
            what="mail %s sent" % mail["id"],
        )
    toggle_filter(page, "Failed")
    toggle_filter(page, "Sent")
    sent = rpc("mail.mail", "search_count", [("subject", "in", subjects), ("state", "=", "sent")])
    expect(email_rows(page, *subjects).locator("td[name=state] .badge", has_text="Sent")).to_have_count(sent)
    shot("sent")
