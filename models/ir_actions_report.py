# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..delivery.pdf_input import with_javascript_delay
from .report_pdf_cache import ReportPdfCache

#: Context keys: the documents of the wkhtmltopdf run (stock does not pass
#: them down) and the delay its arguments get.
RES_IDS_KEY = "mail_document_send_pdf_res_ids"
DELAY_KEY = "mail_document_send_javascript_delay"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        report = self.with_context(**{RES_IDS_KEY: tuple(res_ids or ())})
        return super(IrActionsReport, report)._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)

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
