"""Build README.rst from the readme/ fragments, in the OCA order.

With --check, only say whether README.rst is up to date (the linters run it)."""
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SECTIONS = [
    ("DESCRIPTION", None),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("BOUNCES", "Bounces"),
    ("USAGE", "Usage"),
    ("DELIVERY", "What is guaranteed"),
    ("SCALING", "Several Odoo servers"),
    ("STRESS", "Fault tests"),
    ("DEVELOP", "Set-up, demo and tests"),
    ("STOCK_TESTS", "Odoo's own tests"),
    ("BENCHMARK", "Benchmark"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
    ("CONTRIBUTORS", "Contributors"),
]


def main():
    title = "Send documents by email, with a delivery you can trust"
    parts = ["=" * len(title), title, "=" * len(title), "",
             "Technical name: ``mail_document_send`` (Odoo 18.0). License: AGPL-3.", "",
             ".. contents::", "   :local:", ""]
    for name, heading in SECTIONS:
        path = os.path.join(ROOT, "readme", name + ".rst")
        if not os.path.exists(path):
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        with open(path) as handle:
            parts.append(handle.read().rstrip() + "\n")
    text = "\n".join(parts)
    target = os.path.join(ROOT, "README.rst")
    if "--check" in sys.argv[1:]:
        with open(target) as handle:
            if handle.read() != text:
                sys.exit("README.rst is older than readme/*.rst: run dev/build_readme.py")
        return
    with open(target, "w") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
