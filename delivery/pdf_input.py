# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What wkhtmltopdf is given, read without Odoo: the key a PDF is reused
under, whether the HTML fetches anything a key cannot see, and whether its
JavaScript needs time after the page has loaded."""

import functools
import hashlib
import html.parser
import re
import urllib.parse

#: Elements whose attribute wkhtmltopdf loads (a link's href is not loaded).
FETCHING = {
    "img": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "object": ("data",),
    "input": ("src",),
    "link": ("href",),
}
SRCSET_SEPARATOR = re.compile(r",\s+|(?<=[0-9][xw]),")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""", re.IGNORECASE)
#: What makes a script's effect arrive after the load event: only then does
#: wkhtmltopdf's --javascript-delay matter.
ASYNCHRONOUS = re.compile(
    r"setTimeout|setInterval|requestAnimationFrame|\bfetch\s*\(|XMLHttpRequest|Promise|\basync\b|\bawait\b"
    r"|\bimport\s*\(",
)


def cache_key(parts):
    """A SHA-256 over `parts`, a sequence of (label, value) pairs, each
    value a str, bytes or a list/tuple of them: labels and lengths go in
    too, so no two different sequences give the same bytes."""
    digest = hashlib.sha256()

    def feed(value):
        if isinstance(value, list | tuple):
            digest.update(b"[%d" % len(value))
            for item in value:
                feed(item)
            digest.update(b"]")
            return
        data = value if isinstance(value, bytes) else str(value).encode()
        digest.update(b"%d:" % len(data))
        digest.update(data)

    for label, value in parts:
        feed(label)
        feed(value)
    return digest.hexdigest()


class _Reader(html.parser.HTMLParser):
    """The URLs an HTML page loads and its scripts (inline text, src)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls = []
        self.scripts = []
        self.handlers = []
        self._script = None
        self._style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in FETCHING.get(tag, ()):
            value = attrs.get(name)
            if not value or (tag == "link" and "stylesheet" not in (attrs.get("rel") or "")):
                continue
            if name == "srcset":  # "url 1x, url 2x": a data URL holds a comma too
                self.urls += [part.split()[0] for part in SRCSET_SEPARATOR.split(value) if part.strip()]
            else:
                self.urls.append(value)
        for name, value in attrs.items():
            if name.startswith("on") and value:
                self.handlers.append(value)
        self.urls += CSS_URL.findall(attrs.get("style") or "")
        if tag == "script":
            self._script = [attrs.get("src") or "", ""]
        self._style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(tuple(self._script))
            self._script = None
        self._style = False

    def handle_data(self, data):
        if self._script is not None:
            self._script[1] += data
        elif self._style:
            self.urls += CSS_URL.findall(data)


@functools.lru_cache(maxsize=16)
def read_html(text):
    """Read once: the header and footer of a company's documents are the
    same page (its logo inline), documents rendered together share them."""
    reader = _Reader()
    reader.feed(text or "")
    reader.close()
    return reader


def is_versioned(url):
    """A URL whose content cannot change without the URL changing: inline
    data, an asset bundle (its path holds the bundle's version), or a URL
    carrying Odoo's `unique` version parameter."""
    url = url.strip()
    if url.startswith("data:") or url.startswith("#"):
        return True
    parsed = urllib.parse.urlsplit(url)
    if parsed.path.startswith("/web/assets/") and parsed.path.count("/") >= 4:
        return True
    return bool(urllib.parse.parse_qs(parsed.query).get("unique"))


def unversioned_urls(pages):
    """The URLs the `pages` (HTML strings) load whose content a key over the
    HTML would not see: a PDF of such pages is not reused."""
    return [url for page in pages for url in read_html(page).urls if not is_versioned(url)]


def javascript_needs_time(pages):
    """True when a script of the `pages` may still change the page after
    it has loaded: an external script, or inline code that defers work.
    The layout's own header/footer script (page numbers) runs at load."""
    for page in pages:
        reader = read_html(page)
        if any(src for src, _text in reader.scripts):
            return True
        if any(
            ASYNCHRONOUS.search(code) for code in [text for _src, text in reader.scripts] + reader.handlers
        ):
            return True
    return False


def with_javascript_delay(args, milliseconds):
    """wkhtmltopdf's `args` with `--javascript-delay` lowered to
    `milliseconds` (never raised); the other arguments untouched."""
    args = list(args)
    for index, arg in enumerate(args[:-1]):
        if arg == "--javascript-delay":
            try:
                current = int(args[index + 1])
            except ValueError:
                return args
            args[index + 1] = str(min(current, milliseconds))
    return args
