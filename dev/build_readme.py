"""Build README.rst from the standard OCA fragments of readme/, and check the
pages of docs/ it links to.

README.rst is what an administrator reads: what the addon does, how to
install, configure and use it. The long pages (benchmark, fault tests, Odoo's
own tests, delivery guarantees, bounce set-up, scaling, developer set-up) are
docs/*.rst, each linked from the README in one line (DOCS below).

With --check, build nothing and fail when README.rst is not what the
fragments build, when readme/ holds a fragment the layout has not, when a
docs page is not linked from the README or a linked page is missing, when a
relative link or image of the README or of a docs page leads nowhere, or
when any of them gives a reStructuredText message (Odoo renders README.rst
with docutils at install and logs each message as a warning). The checks
need docutils: run with the Odoo virtualenv's Python (dev/lint.sh does)."""

import glob
import io
import os
import re
import sys

try:
    from docutils import nodes
    from docutils.core import publish_doctree
except ImportError:  # the tools virtualenv has none: see --check above
    nodes = publish_doctree = None

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
AUTHOR = "mail_document_send contributors"
TITLE = "Send documents by email, with a delivery you can trust"
# The OCA order (oca-gen-addon-readme); DOCUMENTATION is written here.
SECTIONS = [
    ("DESCRIPTION", None),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("DOCUMENTATION", "Further documentation"),
    ("HISTORY", "Changelog"),
    ("CREDITS_HEADER", "Credits"),
    ("CONTRIBUTORS", "Contributors"),
    ("CREDITS", "Other credits"),
]
#: docs/<name>.rst and what it is for, one line each in the README; the
#: link's text is the page's own title.
DOCS = [
    ("bounces", "making bounces reach Odoo (Postfix, Exim, a mailbox) and what each bounce does."),
    ("delivery", "failure classes, retries, the journal and what survives a crash, in detail."),
    ("outbox", "the one engine every email goes through, file by file, hook by hook."),
    ("scaling", "several Odoo processes or servers on one database."),
    ("develop", "the developer's set-up: demo, tests, linters, where things live."),
    ("stress", "real Odoo processes killed mid-send: nothing lost, nothing sent twice unnoticed."),
    ("stock_tests", "Odoo 18's own tests, with and without this addon."),
    ("benchmark", "stock Odoo 18 and this addon measured side by side."),
]
# `text <target>`_ and .. image:: / .. figure:: targets.
LINK = re.compile(r"`[^`<]*<([^`>]+)>`__?")
IMAGE = re.compile(r"^\s*\.\. (?:image|figure):: *(\S+)", re.MULTILINE)


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def page_title(name):
    """The title of docs/<name>.rst: its first line of text under an overline."""
    path = os.path.join(ROOT, "docs", name + ".rst")
    if not os.path.exists(path):
        return None  # --check says it is missing
    lines = read(path).splitlines()
    for line, text, under in zip(lines, lines[1:], lines[2:], strict=False):
        if line and set(line) == {"="} and under == line:
            return text.strip()
    return None


def heading(text, char="="):
    return [text, char * len(text), ""]


def build():
    parts = ["=" * len(TITLE), TITLE, "=" * len(TITLE), ""]
    parts += ["Technical name: ``mail_document_send`` (Odoo 18.0). License: AGPL-3.", ""]
    parts += ["**Table of contents**", "", ".. contents::", "   :local:", ""]
    for name, title in SECTIONS:
        char = "~" if name in ("CONTRIBUTORS", "CREDITS") else "="
        if name == "CREDITS_HEADER":
            parts += heading(title, char) + heading("Authors", "~") + ["* %s" % AUTHOR, ""]
            continue
        if name == "DOCUMENTATION":
            parts += heading(title, char)
            # Anonymous links (__): a fragment may link the same page too.
            line = "* `%s <docs/%s.rst>`__: %s"
            parts += [line % (page_title(doc) or doc, doc, what) for doc, what in DOCS]
            parts.append("")
            continue
        path = os.path.join(ROOT, "readme", name + ".rst")
        if not os.path.exists(path):
            continue
        if title:
            parts += heading(title, char)
        parts.append(read(path).rstrip() + "\n")
    return "\n".join(parts)


def rst_messages(text, source):
    """Every message docutils gives on `text`, as Odoo renders a README:
    its writer keeps all of them, down to INFO, and logs each one."""
    if publish_doctree is None:
        sys.exit("docutils is missing: run this with the Odoo virtualenv's Python ($MDS_VENV/bin/python)")
    overrides = {
        # Odoo's settings (ir_module.py), messages collected, not printed.
        "file_insertion_enabled": False,
        "doctitle_xform": False,
        "report_level": 1,
        "halt_level": 5,
        "warning_stream": io.StringIO(),
    }
    tree = publish_doctree(text, source_path=source, settings_overrides=overrides)
    # Each says where: "docs/scaling.rst:86: (WARNING/2) ...".
    return [message.astext().replace("\n", " ") for message in tree.findall(nodes.system_message)]


def dead_links(text, path):
    """Relative links and images of `text` (the file at `path`) whose file
    does not exist."""
    base = os.path.dirname(path)
    targets = LINK.findall(text) + IMAGE.findall(text)
    return [
        "%s: %s leads nowhere" % (os.path.relpath(path, ROOT), target)
        for target in targets
        if not re.match(r"^[a-z]+:|^#", target)
        and not os.path.exists(os.path.join(base, target.split("#")[0]))
    ]


def check(text):
    problems = []
    readme = os.path.join(ROOT, "README.rst")
    if read(readme) != text:
        problems.append("README.rst is older than readme/*.rst or docs/ titles: run dev/build_readme.py")
    pages = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.rst")))
    linked = sorted({target.split("#")[0] for target in LINK.findall(text) if target.startswith("docs/")})
    for page in pages:
        if page not in linked:
            problems.append("%s is not linked from the README (DOCS of dev/build_readme.py)" % page)
        if not page_title(page[len("docs/") : -len(".rst")]):
            problems.append("%s has no title (a line of = above and below it)" % page)
    problems += ["the README links to %s, which does not exist" % lnk for lnk in linked if lnk not in pages]
    # A fragment outside SECTIONS (one a merge brought back, say) would be
    # left out of the README without a word.
    known = {name for name, _title in SECTIONS} - {"DOCUMENTATION", "CREDITS_HEADER"}
    for fragment in sorted(glob.glob(os.path.join(ROOT, "readme", "*.rst"))):
        if os.path.basename(fragment)[: -len(".rst")] not in known:
            problems.append(
                "readme/%s is not an OCA fragment: a long page goes to docs/ (and DOCS)"
                % os.path.basename(fragment)
            )
    problems += dead_links(text, readme) + rst_messages(text, "README.rst")
    for page in pages:
        page_text = read(os.path.join(ROOT, page))
        problems += dead_links(page_text, os.path.join(ROOT, page)) + rst_messages(page_text, page)
    return problems


def main():
    text = build()
    if "--check" in sys.argv[1:]:
        problems = check(text)
        if problems:
            sys.exit("\n".join(problems))
        return
    with open(os.path.join(ROOT, "README.rst"), "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
