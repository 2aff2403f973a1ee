# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Beside mail_tracking, mail_composer_cc_bcc and mass_mailing (tag
mds_stack): which hooks the engine finds extended by them, and the other
addons' overrides it has read and calls ahead, pinned by their source."""

import importlib

from odoo.tests import BaseCase, TransactionCase, tagged

from ..outbox import hooks


@tagged("post_install", "-at_install", "-standard", "mds_stack")
class TestStackHooks(TransactionCase):
    def test_each_hook_is_found_extended_by_the_addon_that_extends_it(self):
        self.assertTrue(hooks.extended_by_others(self.env, hooks.SEND_EMAIL), "mail_tracking's send_email")
        self.assertTrue(hooks.extended_by_others(self.env, hooks.POSTPROCESS), "mass_mailing's traces")
        # mail_tracking writes its tracking record, mail_composer_cc_bcc
        # passes the envelope in env.context: prepared after each claim.
        self.assertTrue(hooks.extended_by_others(self.env, hooks.PREPARE))
        self.assertFalse(hooks.extended_by_others(self.env, hooks.MAIL_WRITE))


@tagged("post_install", "-at_install", "-standard", "mds_stack")
class TestStackPins(BaseCase):
    def test_the_read_only_overrides_are_the_versions_read(self):
        changed = []
        for (addon, method), pin in hooks.READ_ONLY_OVERRIDES.items():
            module = importlib.import_module("odoo.addons.%s.models.mail_mail" % addon)
            function = getattr(module.MailMail, method)
            if hooks.source_hash(function) != pin:
                changed.append("%s.%s: %s" % (addon, method, hooks.source_hash(function)))
        self.assertFalse(changed, "read them again, then pin them: %s" % changed)
