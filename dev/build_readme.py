"""Build README.rst from the readme/ fragments, in the OCA order."""
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SECTIONS = [
    ("DESCRIPTION", None),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("DELIVERY", "What is guaranteed"),
    ("STRESS", "Fault tests"),
    ("DEVELOP", "Set-up, demo and tests"),
    ("BENCHMARK", "Benchmark"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
    ("CONTRIBUTORS", "Contributors"),
]


def main():
    title = "Send documents by email, with a delivery you can trust"
    parts = ["=" * len(title), title, "=" * len(title), "",
             "Technical name: ``mail_document_send`` (Odoo 11.0). License: AGPL-3.", "",
             ".. contents::", "   :local:", ""]
    for name, heading in SECTIONS:
        path = os.path.join(ROOT, "readme", name + ".rst")
        if not os.path.exists(path):
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        with open(path) as handle:
            parts.append(handle.read().rstrip() + "\n")
    with open(os.path.join(ROOT, "README.rst"), "w") as handle:
        handle.write("\n".join(parts))


if __name__ == "__main__":
    main()
