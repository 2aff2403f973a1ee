# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo 18's web client with the addon installed: a salesperson logs in,
opens a quotation and opens its Send by email composer, PDF attached."""

import uuid

from playwright.sync_api import expect


def test_salesperson_opens_the_send_composer_of_a_quotation(odoo, rpc, login):
    tag = uuid.uuid4().hex[:6]
    customer = rpc(
        "res.partner", "create", {"name": "Browser Customer %s" % tag, "email": "c-%s@example.com" % tag}
    )
    product = rpc.ref("product.product_product_4")
    order = rpc(
        "sale.order",
        "create",
        {
            "partner_id": customer,
            "user_id": rpc.ref("base.user_demo"),
            "order_line": [(0, 0, {"product_id": product})],
        },
    )
    name = rpc("sale.order", "read", [order], ["name"])[0]["name"]
    page, shot = login("demo", "demo")
    page.goto("%s/odoo/action-sale.action_quotations_with_onboarding/%d" % (odoo["url"], order))
    expect(page.locator(".o_form_view .o_field_widget[name=name]")).to_contain_text(name)
    shot("quotation")
    page.locator(".o_form_statusbar button[name=action_quotation_send]").first.click()
    composer = page.locator(".modal-dialog")
    # The PDF is rendered when the template is applied: the attachment shows
    # once it is there.
    expect(composer.get_by_text("Quotation - %s.pdf" % name)).to_be_visible(timeout=90000)
    expect(composer.locator(".o_field_widget[name=partner_ids]")).to_contain_text("Browser Customer %s" % tag)
    shot("composer")
