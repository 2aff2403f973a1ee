# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

#: Stock names of the PDFs this addon names itself (data/mail_template_data.xml):
#: without the addon, its mail_document_send_filename() would be missing
#: and every print or send of a quotation would fail.
STOCK_REPORT_NAMES = {
    "sale.action_report_saleorder": (
        "(object.state in ('draft', 'sent') and 'Quotation - %s' % (object.name)) "
        "or 'Order - %s' % (object.name)"
    ),
}


def uninstall_hook(env):
    for xmlid, report_name in STOCK_REPORT_NAMES.items():
        report = env.ref(xmlid, raise_if_not_found=False)
        if report:
            report.write({"print_report_name": report_name})

    # Attachments naming a field that no longer exists break ir.attachment's
    # access checks: the reused PDFs go with the addon.
    env["ir.attachment"].sudo().search([("res_field", "=", "mail_document_send_pdf_cache")]).unlink()
