# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The queue's fast lane: a batch's plain mails read and prepared by chunks
through mail.mail's own steps, each one built while the previous one is with
the server. Taken only while no other addon extends what it stands in for
(stock_send_hooks_only). Plain classes over the ORM."""

#: Mails read and prepared together (mail.mail._mds_prepare_lane).
LANE_CHUNK = 50

#: Modules whose overrides the fast lane knows (it stands in for them).
_FAST_LANE_KNOWN_MODULES = (
    "odoo.models",
    "odoo.addons.base.",
    "odoo.addons.mail.",
    "odoo.addons.mail_document_send.",
)
#: What the fast lane does instead of calling it: on mail.mail, a sent
#: mail's bookkeeping; on ir.mail_server, the exchange with the server.
_FAST_LANE_BYPASSED = (
    "_send",
    "_postprocess_sent_message",
    "write",
    "send_email",
)


def stock_send_hooks_only(cls):
    """Whether what the fast lane bypasses is only extended by the modules
    it knows. Another addon extending it (mass_mailing's traces, a module
    logging send_email) keeps every mail on the stock path. Known per
    registry class (rebuilt with the registry)."""
    known = cls.__dict__.get("_mds_fast_lane_ok")
    if known is None:
        mail_server_class = cls.pool["ir.mail_server"] if getattr(cls, "pool", None) else object
        known = not any(
            name in klass.__dict__ and not (klass.__module__ or "").startswith(_FAST_LANE_KNOWN_MODULES)
            for klass in (*cls.__mro__, *mail_server_class.__mro__)
            for name in _FAST_LANE_BYPASSED
        )
        cls._mds_fast_lane_ok = known
    return known


class FastLane:
    """The batch's plain mails read and prepared by chunks
    (mail.mail._mds_prepare_lane); each one built while the previous one is
    with the server (build_next)."""

    def __init__(self, mails, mail_server, alias_domain_id):
        self.mails, self.mail_server, self.alias_domain_id = mails, mail_server, alias_domain_id
        self.prepared = {}

    def take(self, mail, pending, before_claim):
        """What was prepared for `mail`, just claimed, if the claim found it
        unchanged since (`before_claim`: its write date then); None: the
        stock path sends it, read afresh."""
        entry = self.prepared.pop(mail.id, None)
        if entry is None:
            # Read after this mail's claim: its data is the claimed one; the
            # chunk's others are checked at their claim.
            chunk = self.mails.browse([mail.id] + pending[: LANE_CHUNK - 1])
            self.prepared = chunk._mds_prepare_lane(self.mail_server)
            return self.prepared.pop(mail.id, None)
        return entry if entry["write_date"] == before_claim else None

    def build_next(self, pending, session):
        """While the server digests a mail: the next one read (with its
        chunk), built and serialized, ready for its claim. What fails here
        is left to the stock path, which records it."""
        if not pending:
            return
        following_id = pending[0]
        if following_id not in self.prepared:
            self.prepared = self.mails.browse(pending[:LANE_CHUNK])._mds_prepare_lane(self.mail_server)
        following = self.prepared.get(following_id)
        if following is not None and "wire" not in following:
            try:
                following["wire"] = self.mails.browse(following_id)._mds_wire_prepared(
                    following, self.alias_domain_id, session
                )
            except Exception:  # noqa: BLE001
                self.prepared.pop(following_id, None)
