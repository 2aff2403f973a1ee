# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reuse of a document's PDF already produced by wkhtmltopdf from exactly
the same input. Not a model: the machinery behind ir.actions.report's thin
override (models/ir_actions_report.py)."""

import datetime
import functools
import logging
import os
import re
import subprocess

from odoo import SUPERUSER_ID, api
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

from ..delivery.pdf_input import cache_key, javascript_needs_time, unversioned_urls

_logger = logging.getLogger(__name__)

#: The Binary field (of mail.document.send.mixin) the reused PDFs are
#: attachments of: an attachment with a res_field is hidden from the
#: document's attachments and chatter, and read under the document's rules.
FIELD = "mail_document_send_pdf_cache"
PARAM_PER_DOCUMENT = "mail_document_send.pdf_cache_per_document"
PARAM_DAYS = "mail_document_send.pdf_cache_days"
PARAM_DELAY = "mail_document_send.pdf_javascript_delay"
DEFAULT_PER_DOCUMENT = 5
DEFAULT_DAYS = 30
DEFAULT_DELAY = 0
ARTICLE = re.compile(r"""<div\b[^>]*\bdata-oe-model="([^"]*)"[^>]*\bdata-oe-id="(\d+)\"""")


@functools.lru_cache(maxsize=4)
def _binary_version(path, _size, _mtime):
    """wkhtmltopdf's --version, once per binary (size and mtime tell a
    replaced binary, so an upgrade needs no restart to change the key)."""
    try:
        return subprocess.run([path, "--version"], capture_output=True, check=False, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return b""


def wkhtmltopdf_identity():
    path = _get_wkhtmltopdf_bin()
    try:
        stat = os.stat(path)
    except (OSError, TypeError):
        return [str(path), b""]
    return [path, _binary_version(path, stat.st_size, stat.st_mtime_ns)]


def _int_param(env, key, default):
    try:
        return int(env["ir.config_parameter"].sudo().get_param(key, default))
    except (TypeError, ValueError):
        return default


class ReportPdfCache:
    """One wkhtmltopdf run of `report` (sudo) for the documents `res_ids`,
    given the HTML `pages` (bodies, header, footer) and everything else it
    is given in `inputs` ((label, value) pairs, the arguments included)."""

    def __init__(self, report, res_ids, bodies, header, footer):
        self.env = report.env
        self.report = report
        self.res_ids = list(res_ids or ())
        self.bodies = list(bodies)
        self.pages = self.bodies + [header or "", footer or ""]
        self.key = None

    @classmethod
    def applies_to(cls, report):
        """The documents this addon sends: the models with the cache field."""
        return bool(report) and FIELD in report.env[report.model]._fields

    @staticmethod
    def documents_with_kept_pdfs(report, res_ids):
        """Those of `res_ids` with a PDF of `report` kept: only they are
        worth looking up (one query, no rendering)."""
        attachments = (
            report.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", report.model),
                    ("res_id", "in", list(res_ids)),
                    ("res_field", "=", FIELD),
                    ("description", "=", report.report_name),
                ]
            )
        )
        kept = set(attachments.mapped("res_id"))
        return [res_id for res_id in res_ids if res_id in kept]

    def fast_javascript_delay(self):
        """The --javascript-delay to use when no script of the pages needs
        time after the load (stock waits report.print_delay, 1 s, always),
        None when the stock delay stays."""
        if javascript_needs_time(self.pages):
            return None
        return max(0, _int_param(self.env, PARAM_DELAY, DEFAULT_DELAY))

    def reusable(self):
        """One document, one body that is that document's, nothing fetched
        whose content the key cannot see, and reuse not switched off."""
        if len(self.res_ids) != 1 or len(self.bodies) != 1:
            return False
        if _int_param(self.env, PARAM_PER_DOCUMENT, DEFAULT_PER_DOCUMENT) <= 0:
            return False
        if ARTICLE.findall(self.bodies[0]) != [(self.report.model, str(self.res_ids[0]))]:
            return False
        unversioned = unversioned_urls(self.pages)
        if unversioned:
            _logger.debug("PDF of %s not reused: it loads %s", self.report.report_name, unversioned[:3])
        return not unversioned

    def compute_key(self, inputs):
        self.key = cache_key(
            [
                ("wkhtmltopdf", wkhtmltopdf_identity()),
                ("report", [str(self.report.id), self.report.report_name, self.report.model]),
                ("documents", [str(res_id) for res_id in self.res_ids]),
                ("bodies", self.bodies),
                ("header-footer", self.pages[-2:]),
                *inputs,
            ]
        )
        return self.key

    def _domain(self):
        return [
            ("res_model", "=", self.report.model),
            ("res_id", "=", self.res_ids[0]),
            ("res_field", "=", FIELD),
        ]

    def lookup(self):
        """The PDF stored under the key, or None."""
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(self._domain() + [("name", "=", self._name())], limit=1, order="id desc")
        )
        return attachment.raw if attachment else None

    def _name(self):
        return "%s.pdf" % self.key

    def store(self, pdf):
        """Keep `pdf` in its own transaction: it is the output of exactly
        these inputs whatever becomes of the caller's (a composer closed or
        a send rolled back renders the same again), then drop the
        document's oldest beyond the configured count."""
        if not pdf or not pdf.startswith(b"%PDF"):
            return
        keep = _int_param(self.env, PARAM_PER_DOCUMENT, DEFAULT_PER_DOCUMENT)
        try:
            with self.env.registry.cursor() as cr:
                # Never wait on a row the caller's own transaction holds.
                cr.execute("SET LOCAL lock_timeout = '2s'")
                env = api.Environment(cr, SUPERUSER_ID, {})
                attachments = env["ir.attachment"]
                attachments.create(
                    {
                        "name": self._name(),
                        "raw": pdf,
                        "mimetype": "application/pdf",
                        "res_model": self.report.model,
                        "res_id": self.res_ids[0],
                        "res_field": FIELD,
                        "description": self.report.report_name,
                    }
                )
                attachments.search(self._domain(), order="id desc", offset=keep).unlink()
        except Exception:  # pylint: disable=broad-except
            # A PDF not kept is rendered again next time: never a reason
            # to fail the print or the send that produced it.
            _logger.warning("PDF of %s not kept for reuse", self.report.report_name, exc_info=True)

    @staticmethod
    def clean(env):
        """Drop the reused PDFs older than the configured days (the cron)."""
        days = _int_param(env, PARAM_DAYS, DEFAULT_DAYS)
        limit = datetime.datetime.now() - datetime.timedelta(days=max(days, 0))
        old = env["ir.attachment"].sudo().search([("res_field", "=", FIELD), ("create_date", "<", limit)])
        old.unlink()
        return len(old)
