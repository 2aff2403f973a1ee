"""How many Odoo tests the addon defines for the test tags of a run.

Run in `odoo shell` (dev/odoo_shell.sh DB < dev/odoo_tests_defined.py), with
MDS_RUN_TEST_TAGS set to the run's --test-tags. Counted with Odoo 18's own
loader (get_module_test_cases, TagsSelector, the at_install and
post_install positions, as odoo/tests/loader.py make_suite selects them),
but over every tests/test_*.py file on disk instead of the modules
tests/__init__.py imports: a file whose import was dropped there has its
tests counted here and never run, and dev/test.sh fails the run on the
difference.

Prints one line "mds-tests-defined N", and one "mds-test-file FILE N" per
file for the reader of the log.
"""

import importlib
import os
import pathlib

import odoo.addons.mail_document_send as addon
from odoo.tests.loader import get_module_test_cases
from odoo.tests.tag_selector import TagsSelector

selected = TagsSelector(os.environ["MDS_RUN_TEST_TAGS"])
positions = (TagsSelector("at_install"), TagsSelector("post_install"))
total = 0
for path in sorted(pathlib.Path(addon.__path__[0], "tests").glob("test_*.py")):
    module = importlib.import_module("%s.tests.%s" % (addon.__name__, path.stem))
    # A test tagged for both positions runs twice.
    count = sum(
        position.check(test)
        for test in get_module_test_cases(module)
        if selected.check(test)
        for position in positions
    )
    print("mds-test-file %s %d" % (path.name, count))
    total += count
print("mds-tests-defined %d" % total)
