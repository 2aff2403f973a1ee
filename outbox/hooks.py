# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which of the hooks the engine passes through another addon extends.

The engine calls every hook: where only Odoo's own body and this addon's
would run, it does that body's work itself, in fewer queries (and the SMTP
server's verdict overlapped with building the next mail); as soon as another
addon extends the hook, the engine calls the hook chain instead. Decided hook
by hook, so an addon extending send_email (mail_tracking) keeps the fast
outcome, and one extending _postprocess_sent_message (mass_mailing) keeps the
overlapped exchange. The stock bodies done here are pinned
(tests/test_stock_pins.py)."""

#: Modules whose overrides the engine knows: stock Odoo's and its own.
_KNOWN_MODULES = (
    "odoo.models",
    "odoo.addons.base.",
    "odoo.addons.mail.",
    "odoo.addons.mail_document_send.",
)

#: The hooks, by model, whose stock body the engine may do itself.
SEND_EMAIL = ("ir.mail_server", "send_email")
#: Called before the claim, by chunks, only while nobody else extends it:
#: an override may write (mail_tracking creates its tracking record), and a
#: mail prepared ahead may be claimed by another runner.
PREPARE = ("mail.mail", "_prepare_outgoing_list")
POSTPROCESS = ("mail.mail", "_postprocess_sent_message")
MAIL_WRITE = ("mail.mail", "write")


def extended_by_others(env, hook):
    """Whether a module the engine does not know extends `hook` (model,
    method) in this registry. Known per registry class: a registry rebuilt
    after an install asks again."""
    model_name, method = hook
    cls = type(env[model_name])
    cache = cls.__dict__.get("_mds_hooks_extended")
    if cache is None:
        cache = {}
        cls._mds_hooks_extended = cache
    if method not in cache:
        cache[method] = any(
            method in klass.__dict__ and not (klass.__module__ or "").startswith(_KNOWN_MODULES)
            for klass in cls.__mro__
        )
    return cache[method]
