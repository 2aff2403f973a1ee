"""Read the log of an Odoo 11 test run and tell what happened.

Odoo 11 prints no summary; its unittest runner logs, per test module,
"Ran N tests" then "OK", "OK (skipped=K)" or "FAILED (failures=F, errors=E,
skipped=K)". Any other ERROR or CRITICAL line (a traceback at install, an
error logged outside an assertion) also fails the run: it is counted as one
failed check and printed.

Prints one line "passed failed skipped" for the shell to read, and the
offending lines on stderr.
"""
import re
import sys

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): (?P<text>.*)$"
)
RAN = re.compile(r"^Ran (\d+) tests? in ")
# unittest writes "FAILED" and " (failures=1)" separately: Odoo logs two lines.
OUTCOME = re.compile(r"^(?:FAILED|OK)(?: \((.*)\))?$")
COUNTS = re.compile(r"^ \((\w+=\d+(?:, \w+=\d+)*)\)$")

# Odoo's own summaries of failures the test lines already count.
ALREADY_COUNTED = ("Module mail_document_send: ", "At least one test failed when loading the modules.")


def parse_counts(text):
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", text or "")}


def main(path):
    ran = failed = skipped = 0
    stray_errors = []
    test_loggers = set()
    with open(path, errors="replace") as log:
        for raw in log:
            line = LOG_LINE.match(raw.rstrip("\n"))
            if not line:
                continue
            text = line.group("text")
            logger = line.group("logger")
            if RAN.match(text):
                ran += int(RAN.match(text).group(1))
                test_loggers.add(logger)
                continue
            if logger in test_loggers:
                outcome = OUTCOME.match(text) or COUNTS.match(text)
                if outcome:
                    counts = parse_counts(outcome.group(1))
                    failed += counts.get("failures", 0) + counts.get("errors", 0)
                    skipped += counts.get("skipped", 0)
            if line.group("level") in ("ERROR", "CRITICAL") and ".tests." not in logger:
                if text.startswith(ALREADY_COUNTED):
                    continue
                stray_errors.append(raw.rstrip("\n"))
    for error in stray_errors:
        sys.stderr.write("unexpected log line: %s\n" % error)
    passed = ran - failed - skipped
    if stray_errors or not ran:
        failed += 1  # an install that broke before its tests, or a stray error
    print(passed, failed, skipped, ran)


if __name__ == "__main__":
    main(sys.argv[1])
