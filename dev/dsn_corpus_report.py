#!/usr/bin/env python3
# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Per family of bounces, how many samples of tests/dsn_samples/ the parser
reads right (EXPECTED.tsv says what each sample reports).

    python3 dev/dsn_corpus_report.py                        # delivery/dsn
    python3 dev/dsn_corpus_report.py --parser old_dsn.py    # another version, e.g.
        # git show a44b648:delivery/dsn.py > /tmp/old_dsn.py (before issue 25)
    python3 dev/dsn_corpus_report.py --flufl                # add flufl.bounce's column
    python3 dev/dsn_corpus_report.py /path/to/folder        # another sample folder
    python3 dev/dsn_corpus_report.py --mailman DIR [--flufl] # Mailman's real bounces:
        # DIR is the tests/ folder of flufl.bounce's source (pip download
        # --no-binary :all: --no-deps flufl.bounce==6.0.0), read in place

recognised: the parser names exactly the expected recipients with the
expected action (for a mail that is no bounce: nothing hard); status right:
and the expected status codes; Message-ID: the expected original
Message-ID comes first in report.message_ids. flufl.bounce (Mailman) gives
addresses only: its column counts the samples where its permanent and
temporary failures together are the expected recipients (for a mail that is
no bounce: no permanent failure).
"""

import ast
import email
import importlib.util
import os
import sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))


def load_parser(path):
    if not path:
        from delivery.dsn import parse_dsn

        return parse_dsn
    spec = importlib.util.spec_from_file_location("other_dsn", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse_dsn


def expected(folder):
    rows = []
    with open(os.path.join(folder, "EXPECTED.tsv"), encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                name, family, recipients, message_id = line.rstrip("\n").split("\t")
                items = [item.split("=") for item in recipients.split(",")] if recipients != "-" else []
                statuses = [(rcpt, *outcome.split("/")) for rcpt, outcome in items]
                rows.append((name, family, statuses, "" if message_id == "-" else message_id))
    return rows


def judge(parse_dsn, raw, statuses, message_id):
    """(recognised, status right, Message-ID found) of one sample."""
    try:
        found = parse_dsn(raw)
    except Exception:  # noqa: BLE001 a report counts a crash as a miss
        return False, False, False
    got = [(r.recipient, r.action, r.status) for r in found.recipients] if found else []
    found_id = bool(message_id and found and found.message_ids[:1] == [message_id])
    if not any(action == "failed" for _r, action, _s in statuses):
        hard = found.hard() if found else []
        if not statuses:
            return not hard, not hard, found_id
    else:
        hard = None
    recognised = sorted(g[:2] for g in got) == sorted(s[:2] for s in statuses)
    if hard is not None:
        recognised = recognised and not hard
    status_right = recognised and sorted(got) == sorted(statuses)
    return recognised, status_right, found_id


def judge_flufl(raw, statuses):
    from flufl.bounce import all_failures

    temporary, permanent = all_failures(email.message_from_bytes(raw))
    addresses = {a.decode("utf-8", "replace").lower() for a in temporary | permanent}
    if not statuses or not any(action == "failed" for _r, action, _s in statuses):
        return not permanent
    return addresses == {rcpt for rcpt, _a, _s in statuses}


def mailman_corpus(tests_dir):
    """[(file, detector, {addresses}, temporary)] of flufl.bounce's
    tests/test_detectors.py (its DETECTORS list, read as a literal)."""
    with open(os.path.join(tests_dir, "test_detectors.py"), encoding="utf-8") as handle:
        source = handle.read()
    start = source.index("DETECTORS = [")
    rows = ast.literal_eval(source[source.index("[", start) : source.index("\n]\n", start) + 2])
    seen, corpus = set(), []
    for detector, name, addresses, temporary in rows:
        if name not in seen:  # groupwise_02.txt is listed twice: the first line counts
            seen.add(name)
            corpus.append((name, detector, {a.decode().lower() for a in addresses}, temporary))
    return corpus


def mailman_report(tests_dir, parse_dsn, with_flufl):
    """How many of Mailman's bounces give exactly the expected addresses (a
    recipient counts by its Original-Recipient when it has one, as the
    journal matches either) with the expected severity."""
    right = severity_right = flufl_right = total = 0
    for name, _detector, addresses, temporary in mailman_corpus(tests_dir):
        with open(os.path.join(tests_dir, "data", name), "rb") as handle:
            raw = handle.read()
        found = parse_dsn(raw)
        got = {r.original_recipient or r.recipient for r in found.recipients} if found else set()
        total += 1
        if got == addresses:
            right += 1
            severity = "soft" if temporary else "hard"
            severity_right += not got or all(r.severity == severity for r in found.recipients)
        if with_flufl:
            from flufl.bounce import all_failures

            soft, hard = all_failures(email.message_from_bytes(raw))
            flufl_right += {a.decode("utf-8", "replace").lower() for a in soft | hard} == addresses
    print("| bounces | addresses right | and severity right |" + (" flufl.bounce |" if with_flufl else ""))
    print("|---|---|---|" + ("---|" if with_flufl else ""))
    print("| %d | %d | %d |" % (total, right, severity_right) + (" %d |" % flufl_right if with_flufl else ""))


def main(argv):
    options = {argv[i + 1] for i, a in enumerate(argv[:-1]) if a in ("--parser", "--mailman")}
    folder = next((a for a in argv if a not in options and not a.startswith("--") and os.path.isdir(a)), None)
    folder = folder or os.path.join(HERE, "..", "tests", "dsn_samples")
    parser_path = argv[argv.index("--parser") + 1] if "--parser" in argv else None
    parse_dsn, with_flufl = load_parser(parser_path), "--flufl" in argv
    if "--mailman" in argv:
        return mailman_report(argv[argv.index("--mailman") + 1], parse_dsn, with_flufl)
    table = OrderedDict()
    for name, family, statuses, message_id in sorted(expected(folder), key=lambda row: row[1]):
        with open(os.path.join(folder, name), "rb") as handle:
            raw = handle.read()
        counts = table.setdefault(family, [0, 0, 0, 0, 0, 0])
        verdict = judge(parse_dsn, raw, statuses, message_id)
        counts[0] += 1
        for index, ok in enumerate(verdict):
            counts[index + 1] += ok
        counts[4] += bool(message_id)
        counts[5] += with_flufl and judge_flufl(raw, statuses)
    print_table(table, with_flufl)


def print_table(table, with_flufl):
    head = "| family | samples | recognised | status right | Message-ID found |"
    print(head + (" flufl.bounce |" if with_flufl else ""))
    print("|---|---|---|---|---|" + ("---|" if with_flufl else ""))
    total = [0] * 6
    for family, counts in list(table.items()) + [("**total**", None)]:
        counts = counts or total
        line = "| %s | %d | %d | %d | %d/%d |" % (family, *counts[:5])
        print(line + (" %d |" % counts[5] if with_flufl else ""))
        if family != "**total**":
            total = [a + b for a, b in zip(total, counts, strict=True)]


if __name__ == "__main__":
    main(sys.argv[1:])
