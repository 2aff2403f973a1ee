# Run in `odoo shell` (dev/odoo_shell.sh DB < dev/add_language.py) with
# MDS_LANG=fr_FR: a language added as an administrator adds it (Settings >
# Languages > Add Languages), not --load-language, which would also make it
# every new contact's default.
import os

lang = env["res.lang"].with_context(active_test=False).search([("code", "=", os.environ["MDS_LANG"])])  # noqa: F821
env["base.language.install"].create({"lang_ids": [(6, 0, lang.ids)]}).lang_install()  # noqa: F821
env.cr.commit()  # noqa: F821  # pylint: disable=invalid-commit
