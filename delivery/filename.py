# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A file name every filesystem accepts, and that cannot break a header."""

import re

# Reserved on Windows or POSIX, plus every control character (CR/LF
# included: a file name ends up in a MIME header).
_UNSAFE_RE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')


def safe_filename(name, fallback="document"):
    """`name` with every unsafe character replaced by "_", trimmed."""
    cleaned = _UNSAFE_RE.sub("_", name or "")
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    return cleaned or fallback
