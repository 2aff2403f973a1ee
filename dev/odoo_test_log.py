"""Read the log of an Odoo 18 test run and tell what happened.

Odoo 18 ends a --test-enable --stop-after-init run with one line
"F failed, E error(s) of N tests when loading database 'db'" and logs each
skipped test as "skipped <test> : <reason>". Any other ERROR or CRITICAL
line (a traceback at install, an error logged outside an assertion), and any
WARNING the addon itself causes at install, also fails the run: each is
counted as one failed check and printed.

Prints one line "passed failed skipped ran" for the shell to read, and the
offending lines on stderr.
"""
import re
import sys

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): (?P<text>.*)$"
)
SUMMARY = re.compile(r"^(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
SKIPPED = re.compile(r"^skipped \S+")
# Odoo's own summaries of failures the test lines already count, and the
# FAIL/ERROR lines of the tests themselves (counted by the summary).
ALREADY_COUNTED = ("At least one test failed when loading the modules.",)
ADDON = "mail_document_send"


def is_stray(level, logger, text):
    if logger == "odoo.tests.result" or ".tests." in logger or logger.endswith(".tests"):
        return False
    if text.startswith(ALREADY_COUNTED):
        return False
    if level in ("ERROR", "CRITICAL"):
        return True
    # The addon installs without a warning of its own.
    return level == "WARNING" and (ADDON in logger or ADDON in text)


def main(path):
    ran = failed = skipped = 0
    summary_seen = False
    stray = []
    with open(path, errors="replace") as log:
        for raw in log:
            line = LOG_LINE.match(raw.rstrip("\n"))
            if not line:
                continue
            text, logger, level = line.group("text"), line.group("logger"), line.group("level")
            summary = SUMMARY.match(text)
            if summary:
                summary_seen = True
                failed += int(summary.group(1)) + int(summary.group(2))
                ran += int(summary.group(3))
                continue
            if SKIPPED.match(text) and level == "INFO":
                skipped += 1
                continue
            if is_stray(level, logger, text):
                stray.append(raw.rstrip("\n"))
    for error in stray:
        sys.stderr.write("unexpected log line: %s\n" % error)
    passed = ran - failed - skipped
    if stray or not summary_seen or not ran:
        failed += 1  # an install that broke before its tests, or a stray error
    print(passed, failed, skipped, ran)


if __name__ == "__main__":
    main(sys.argv[1])
