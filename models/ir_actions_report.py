# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import collections
import io

from odoo import api, models

from ..delivery.pdf_input import with_javascript_delay
from .report_pdf_cache import ReportPdfCache

#: Context keys: the documents of the wkhtmltopdf run (stock does not pass
#: them down) and the delay its arguments get.
RES_IDS_KEY = "mail_document_send_pdf_res_ids"
DELAY_KEY = "mail_document_send_javascript_delay"
#: Context key: look a document's PDF up, render nothing (b"" when none).
LOOKUP_ONLY_KEY = "mail_document_send_pdf_lookup_only"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        # Several documents (invoices sent from the list): those whose PDF
        # of the same content is kept are not rendered again, the others
        # still in one wkhtmltopdf run.
        reused = self._mail_document_send_reused_streams(report_ref, data, res_ids)
        rest = [res_id for res_id in res_ids or () if res_id not in reused]
        if reused and not rest:
            return collections.OrderedDict((res_id, reused[res_id]) for res_id in res_ids)
        report = self.with_context(**{RES_IDS_KEY: tuple(rest or res_ids or ())})
        streams = super(IrActionsReport, report)._render_qweb_pdf_prepare_streams(
            report_ref, data, res_ids=rest if reused else res_ids
        )
        if not reused:
            return streams
        if False in streams:
            # Stock could not split the rest: render all, as stock does.
            return super(IrActionsReport, self)._render_qweb_pdf_prepare_streams(report_ref, data, res_ids)
        return collections.OrderedDict((res_id, reused.get(res_id) or streams[res_id]) for res_id in res_ids)

    def _mail_document_send_reused_streams(self, report_ref, data, res_ids):
        """{res_id: stream data} of the documents among several whose PDF of
        exactly their current content is kept (looked up through stock's
        own single-document path, which renders their HTML but never runs
        wkhtmltopdf)."""
        if not res_ids or len(res_ids) < 2 or len(set(res_ids)) != len(res_ids):
            return {}
        report = self._get_report(report_ref)
        if (
            report.attachment
            or self.env.context.get(LOOKUP_ONLY_KEY)
            or not ReportPdfCache.applies_to(report)
        ):
            return {}
        probe = self.with_context(**{LOOKUP_ONLY_KEY: True})
        reused = {}
        for res_id in ReportPdfCache.documents_with_kept_pdfs(report, res_ids):
            streams = probe._render_qweb_pdf_prepare_streams(report_ref, dict(data or {}), res_ids=[res_id])
            stream = (streams.get(res_id) or {}).get("stream")
            if stream and stream.getvalue():
                reused[res_id] = {"stream": io.BytesIO(stream.getvalue()), "attachment": None}
        return reused

    @api.model
    def _build_wkhtmltopdf_args(
        self, paperformat_id, landscape, specific_paperformat_args=None, set_viewport_size=False
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        delay = self.env.context.get(DELAY_KEY)
        return args if delay is None else with_javascript_delay(args, delay)

    @api.model
    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        # The document reports this addon sends: a shorter JavaScript delay
        # where no script needs one, and the PDF of exactly the same input
        # reused (see report_pdf_cache.py).
        report = self._get_report(report_ref) if report_ref else None
        if not ReportPdfCache.applies_to(report):
            return super()._run_wkhtmltopdf(
                bodies, report_ref, header, footer, landscape, specific_paperformat_args, set_viewport_size
            )
        cache = ReportPdfCache(report, self.env.context.get(RES_IDS_KEY), bodies, header, footer)
        self = self.with_context(**{DELAY_KEY: cache.fast_javascript_delay()})
        reusable = cache.reusable()
        if reusable:
            args = self._build_wkhtmltopdf_args(
                report.get_paperformat(),
                landscape,
                specific_paperformat_args=specific_paperformat_args,
                set_viewport_size=set_viewport_size,
            )
            cache.compute_key(
                [
                    ("args", args),
                    ("landscape", repr(landscape)),
                    ("paperformat-args", sorted((specific_paperformat_args or {}).items())),
                    ("viewport", repr(set_viewport_size)),
                ]
            )
            pdf = cache.lookup()
            if pdf:
                return pdf
        if self.env.context.get(LOOKUP_ONLY_KEY):
            return b""
        pdf = super()._run_wkhtmltopdf(
            bodies, report_ref, header, footer, landscape, specific_paperformat_args, set_viewport_size
        )
        if reusable:
            cache.store(pdf)
        return pdf

    @api.model
    def _mail_document_send_pdf_cache_clean(self):
        """The cron: drop the reused PDFs past their age."""
        return ReportPdfCache.clean(self.env)
