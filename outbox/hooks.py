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

import hashlib
import inspect

#: Modules whose overrides the engine knows: stock Odoo's and its own.
_KNOWN_MODULES = (
    "odoo.models",
    "odoo.addons.base.",
    "odoo.addons.mail.",
    "odoo.addons.mail_document_send.",
)

#: The hooks, by model, whose stock body the engine may do itself.
SEND_EMAIL = ("ir.mail_server", "send_email")
#: Called before the claim, by chunks, only while nobody else extends it or
#: what it calls: an override may write (mail_tracking creates its tracking
#: record) or pass something on in the environment (mail_composer_cc_bcc
#: sets the envelope's recipients in env.context for the send that follows),
#: and a mail prepared ahead may be claimed by another runner.
PREPARE = ("mail.mail", "_prepare_outgoing_list", "_prepare_outgoing_body", "_personalize_outgoing_body")

#: Other addons' overrides the engine has read and knows to write nothing
#: and leave the environment alone, so that calling them ahead is safe:
#: {(addon, method): SHA-256 of its source, first 16 hex digits}. Another
#: version of one is an unknown override (tests/test_stack_pins.py says so).
READ_ONLY_OVERRIDES = {
    ("mass_mailing", "_prepare_outgoing_list"): "c4918d5840ec1323",
    ("mass_mailing", "_prepare_outgoing_body"): "2b7690d3c8a7c8df",
}
POSTPROCESS = ("mail.mail", "_postprocess_sent_message")
MAIL_WRITE = ("mail.mail", "write")


def source_hash(function):
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def _addon(module):
    parts = (module or "").split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["odoo", "addons"] else None


def _known(klass, method):
    if (klass.__module__ or "").startswith(_KNOWN_MODULES):
        return True
    pin = READ_ONLY_OVERRIDES.get((_addon(klass.__module__), method))
    return pin is not None and source_hash(klass.__dict__[method]) == pin


def extended_by_others(env, hook):
    """Whether a module the engine does not know extends `hook` (model,
    method, and the methods it calls) in this registry. Known per registry
    class: a registry rebuilt after an install asks again."""
    model_name, *methods = hook
    cls = type(env[model_name])
    cache = cls.__dict__.get("_mds_hooks_extended")
    if cache is None:
        cache = {}
        cls._mds_hooks_extended = cache
    if hook not in cache:
        cache[hook] = any(
            method in klass.__dict__ and not _known(klass, method)
            for klass in cls.__mro__
            for method in methods
        )
    return cache[hook]
