# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The queue runner: a batch of mails (one mail server, one sender),
claimed, prepared, sent and recorded one by one.

With auto_commit (the queue, Send now, the send after a chatter post) each
mail's claim is committed before its SMTP exchange, and its outcome is
committed with the next mail's claim: one commit per mail. Inside a
caller's transaction (a bare send()), nothing is committed; the claims
still keep other runners off."""

import functools

from . import session as sessions
from . import snapshot as snapshots
from .after_sent import AfterSent
from .attempt import MailAttempt
from .claims import Claims
from .memo import CONTEXT_KEY, BatchMemo
from .outcome import Outcome
from .prepare import Preparer, build

#: Context key of the queue's run: its claims take only mails that are due.
QUEUE_KEY = "mail_document_send_queue_run"


class Batch:
    """`mails`: the batch (mail.mail); `session`: its SMTP session (None:
    send_email connects for each mail); `connect_error`: its connection
    could not be opened, each mail records that as its attempt's failure."""

    def __init__(
        self,
        mails,
        mail_server,
        alias_domain_id,
        auto_commit=False,
        raise_exception=False,
        session=None,
        connect_error=None,
    ):
        self.mails = mails.with_context(**{CONTEXT_KEY: BatchMemo()})
        self.env = self.mails.env
        self.mail_server = (mail_server or self.env["ir.mail_server"]).with_env(self.env)
        self.alias_domain_id = alias_domain_id
        self.auto_commit = auto_commit is True
        self.raise_exception = raise_exception
        self.session, self.own_sessions = session, []
        # A batch given a session keeps one; a bare _send() call leaves
        # send_email to connect for each mail, as stock does.
        self.given_session = session is not None
        self.connect_error = connect_error
        self.claims = Claims(self.mails, due=bool(self.env.context.get(QUEUE_KEY)))
        self.outcome = Outcome(self.env, snapshots.Documents(self.env))
        self.preparer = Preparer(self.mails, self.mail_server, self.outcome)
        self.after_sent = AfterSent(self.env, self.auto_commit)

    def run(self, post_send_callback=None):
        pending, claimed = sorted(self.mails.ids), None
        try:
            while pending:
                if claimed is None:
                    claimed = self.claims.next(pending, self.auto_commit)
                mail, claimed = claimed, None
                if not mail:
                    break
                pending = [mail_id for mail_id in pending if mail_id > mail.id]
                statement = self._attempt(mail, pending)
                if self.auto_commit:
                    if post_send_callback:
                        post_send_callback([mail.id])
                    if pending:
                        claimed = self.claims.next_with_outcome(pending, statement)
                    # One commit per mail: this mail's outcome, and the next
                    # mail's claim, on record before its SMTP exchange.
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                    self.after_sent.flush_when_full()
            # Not after an error (the transaction may be unusable, the caller
            # decides): left over, sent, for the next queue run.
            self.after_sent.flush()
        finally:
            for own in self.own_sessions:
                sessions.close(own)
        if post_send_callback:
            post_send_callback(self.mails.ids)
        return True

    def _attempt(self, mail, pending):
        """One claimed mail sent; its success's statement when it can go with
        the next claim, else None (recorded)."""
        self._reconnect(mail)
        before_claim, number = self.claims.seen.pop(mail.id, (None, None))
        prepared = self.preparer.take(mail.id, pending, before_claim)
        if prepared is None:  # deleted under us
            return None
        attempt = MailAttempt(self, mail, prepared, number)
        self.session, statement = attempt.run(
            self.session,
            while_sending=functools.partial(self._build_ahead, pending),
            later=self.auto_commit and bool(pending),
        )
        return statement

    def _reconnect(self, mail):
        """The batch's connection broke on an earlier mail: one new
        connection for the rest, not a failure for each of them."""
        if self.session is not None or self.connect_error is not None or not self.given_session:
            return
        try:
            self.session = self.env["ir.mail_server"].connect(
                mail_server_id=self.mail_server.id or None, smtp_from=mail.email_from
            )
            self.own_sessions.append(self.session)
        except Exception as exc:  # noqa: BLE001 - each mail records it
            self.connect_error = exc

    def _build_ahead(self, pending):
        """While the server digests a mail: the next one read (with its
        chunk) and its messages built, ready for its claim."""
        following = self.preparer.prepare_ahead(pending)
        if following is None or following.emails is None or following.built is not None:
            return
        following.built = [
            build(self.env, email, following.email_from, self.alias_domain_id) for email in following.emails
        ]
