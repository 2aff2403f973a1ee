# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Turn a message written for one document back into a template for any
document of the same kind."""

import html
import re


def generalize(text, replacements, is_html=False):
    """`text` where each value of `replacements` ((value, placeholder)
    pairs) standing as a whole word is replaced by its placeholder.

    A saved message names its document ("SO002"), customer and amount;
    kept as is, the template would send those to the next customer. Longer
    values go first, so that a value containing another one wins. In HTML
    the values are looked for as the editor escapes them."""
    if not text:
        return text
    placeholders = {}
    for value, placeholder in replacements:
        value = (value or "").strip()
        if not value:
            continue
        variants = {value}
        if is_html:
            escaped = {html.escape(value, quote=False), html.escape(value)}
            # Amounts hold no-break spaces, which HTML may spell as entities.
            variants |= escaped | {
                v.replace("\xa0", entity) for v in escaped for entity in ("&nbsp;", "&#160;")
            }
        for variant in variants:
            placeholders.setdefault(variant, placeholder)
    if not placeholders:
        return text
    # One pass, so that a placeholder already put in is never matched again;
    # not inside a longer word or number ("SO002" in "SO0021").
    alternatives = "|".join(re.escape(value) for value in sorted(placeholders, key=len, reverse=True))
    pattern = r"(?<![\w/])(?:%s)(?![\w/])" % alternatives
    return re.sub(pattern, lambda match: placeholders[match.group(0)], text)
