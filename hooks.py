# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import sys

from odoo import SUPERUSER_ID, _, api
from odoo.exceptions import UserError

#: The stock templates' PDF names, which data/mail_template_data.xml replaces
#: by a call to this addon's mail_document_send_filename(): without the
#: addon, that call would make stock's Send by email fail to render.
STOCK_REPORT_NAMES = {
    "sale.email_template_edi_sale": (
        "${(object.name or '').replace('/','_')}${object.state == 'draft' and '_draft' or ''}"
    ),
    "account.email_template_edi_invoice": (
        "Invoice_${(object.number or '').replace('/','_')}_${object.state == 'draft' and 'draft' or ''}"
    ),
}

MIN_PYTHON = (3, 7)  # str.isascii()
MIN_POSTGRESQL = 100000  # txid_current_if_assigned()


def platform_problem(python_version, postgresql_version_num):
    """Why this addon cannot run here (Odoo 11 itself runs on older
    versions of both), or None."""
    if tuple(python_version[:2]) < MIN_PYTHON:
        return _("mail_document_send needs Python %(needed)s or later; Odoo runs on Python %(running)s.") % {
            "needed": "%d.%d" % MIN_PYTHON,
            "running": "%d.%d" % tuple(python_version[:2]),
        }
    if postgresql_version_num < MIN_POSTGRESQL:
        return _("mail_document_send needs PostgreSQL 10 or later; the database server is version %d.") % (
            postgresql_version_num
        )
    return None


def pre_init_hook(cr):
    cr.execute("SHOW server_version_num")
    problem = platform_problem(sys.version_info, int(cr.fetchone()[0]))
    if problem:
        raise UserError(problem)


def uninstall_hook(cr, registry):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, report_name in STOCK_REPORT_NAMES.items():
        template = env.ref(xmlid, raise_if_not_found=False)
        if template:
            template.write({"report_name": report_name})
