# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

#: Attributes Odoo's HTML sanitizer sets on every element of a signature or
#: a quoted reply (odoo.tools.mail.tag_quote): markers, not code.
QUOTE_MARKERS = ("data-o-mail-quote", "data-o-mail-quote-container", "data-o-mail-quote-node")


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile_node(self, el, compile_context, level):
        # A placeholder a message saved as a template puts in the signature
        # or after it (<t t-out="object.user_id.name"/>) is marked as quoted
        # by the sanitizer; Odoo 18's check for users who are no Mail Template
        # Editor then refuses the whole template ("No other attribute allowed
        # for t-out"). A <t> renders none of its attributes: drop the markers
        # before its directives are compiled; the expression is still checked.
        if "raise_on_forbidden_code_for_model" in compile_context and el.tag == "t":
            for marker in QUOTE_MARKERS:
                el.attrib.pop(marker, None)
        return super()._compile_node(el, compile_context, level)
