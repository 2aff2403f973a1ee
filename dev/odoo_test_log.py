"""Read the log of an Odoo 18 run and tell what happened.

    odoo_test_log.py LOG            a --test-enable --stop-after-init run
    odoo_test_log.py --install LOG  a plain -i/-u run (no test is expected)

Odoo 18 ends a test run with one line "F failed, E error(s) of N tests when
loading database 'db'" and logs each skipped test as "skipped <test> :
<reason>". Besides the failed tests, the run fails once (one failed check in
all, whatever their number) when the log holds any other ERROR or CRITICAL
record (a traceback at install, an error logged outside an assertion), a
WARNING record of the install that names the addon, one of its models or one
of the fields it adds, or a WARNING record of the tests that the addon logs
or that names it.

A log record is its first line and every line after it that does not start a
new record: Odoo writes a view's error context, a traceback or a long message
on continuation lines, and a view warning names the addon's file only there.

Prints one line "passed failed skipped ran" for the shell to read, and the
offending records on stderr.
"""

import ast
import re
import sys
from pathlib import Path

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): (?P<text>.*)$"
)
SUMMARY = re.compile(r"^(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
SKIPPED = re.compile(r"^skipped \S+")
# Odoo's own summary of failures the summary line already counts.
ALREADY_COUNTED = ("At least one test failed when loading the modules.",)
ADDON_ROOT = Path(__file__).resolve().parent.parent
ADDON = "mail_document_send"


def _class_attributes(class_node):
    """The `_name`/`_inherit` values and the field names one model class declares."""
    attributes, fields = {}, []
    for statement in class_node.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target = statement.targets[0]
        if not isinstance(target, ast.Name):
            continue
        value = statement.value
        if target.id in ("_name", "_inherit"):
            try:
                attributes[target.id] = ast.literal_eval(value)
            except ValueError:
                continue
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and getattr(value.func.value, "id", None) == "fields"
        ):
            fields.append(target.id)
    return attributes, fields


def addon_identifiers(root=ADDON_ROOT):
    """Names only this addon brings: its technical name, the models it creates
    (and their tables), the fields it adds to other models or declares on its
    mixins. The fields of its own models are named through the model."""
    names = {ADDON}
    for path in sorted(root.glob("*/*.py")):
        if path.parent.name in ("tests", "dev") or path.parent.name.startswith("."):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for class_node in (node for node in tree.body if isinstance(node, ast.ClassDef)):
            attributes, fields = _class_attributes(class_node)
            inherit = attributes.get("_inherit", [])
            inherit = [inherit] if isinstance(inherit, str) else list(inherit)
            name = attributes.get("_name")
            new_model = bool(name) and name not in inherit
            if new_model:
                names.update((name, name.replace(".", "_")))
            if inherit or (new_model and name.endswith(".mixin")):
                names.update(fields)
    return names


def _is_addon_record(record_text, identifiers):
    words = set(re.findall(r"[A-Za-z_][\w.]*", record_text))
    # "mail_document_send/views/x.xml" splits into words with the addon's name.
    return bool(identifiers & words) or ADDON in record_text


def _is_test_logger(logger):
    return logger == "odoo.tests.result" or ".tests." in logger or logger.endswith(".tests")


def is_stray(level, logger, text, identifiers, testing=False):
    """`text` is the whole record: its first line and its continuation lines.
    Once the tests run (`testing`), a warning counts only when the addon
    itself logs it or names itself: the tests provoke warnings on purpose
    (an access refused over XML-RPC names the addon's model)."""
    if _is_test_logger(logger) or text.startswith(ALREADY_COUNTED):
        return False
    if level in ("ERROR", "CRITICAL"):
        return True
    if level != "WARNING":
        return False
    if testing:
        return ADDON in logger or ADDON in text
    return _is_addon_record(text, identifiers)


def records(lines):
    """(level, logger, text) per log record, continuation lines included."""
    current = None
    for raw in lines:
        line = raw.rstrip("\n")
        match = LOG_LINE.match(line)
        if match:
            if current:
                yield current[0], current[1], "\n".join(current[2])
            current = (match.group("level"), match.group("logger"), [match.group("text")])
        elif current:
            current[2].append(line)
    if current:
        yield current[0], current[1], "\n".join(current[2])


def read_log(lines, tests_expected=True, identifiers=None):
    """(passed, failed, skipped, ran, offending records) of one run's log."""
    identifiers = addon_identifiers() if identifiers is None else identifiers
    ran = failed = skipped = 0
    summary_seen = testing = False
    stray = []
    for level, logger, text in records(lines):
        testing = testing or (_is_test_logger(logger) and text.startswith("Starting "))
        summary = SUMMARY.match(text)
        if summary:
            summary_seen = True
            failed += int(summary.group(1)) + int(summary.group(2))
            ran += int(summary.group(3))
        elif level == "INFO" and SKIPPED.match(text):
            skipped += 1
        elif is_stray(level, logger, text, identifiers, testing):
            stray.append(f"{level} {logger}: {text}")
    passed = ran - failed - skipped
    if stray or (tests_expected and (not summary_seen or not ran)):
        failed += 1  # an install that broke before its tests, or a stray record
    return passed, failed, skipped, ran, stray


def main(argv):
    tests_expected = "--install" not in argv
    path = [arg for arg in argv if arg != "--install"][0]
    with open(path, errors="replace") as log:
        passed, failed, skipped, ran, stray = read_log(log, tests_expected)
    for record in stray:
        sys.stderr.write("unexpected log record: %s\n" % record)
    print(passed, failed, skipped, ran)


if __name__ == "__main__":
    main(sys.argv[1:])
