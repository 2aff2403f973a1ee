# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Claims: several runners (cron threads, HTTP workers, servers) on one
database never send the same mail.

One statement takes the row locks (FOR NO KEY UPDATE SKIP LOCKED: what an
UPDATE takes, without blocking the inserts of rows that refer to the mail)
and sets the in-flight mark, the runner and the attempt count; the caller
commits it before the mail server gets the mail. A runner that dies after
that commit leaves the mark: the mail is set aside for review once stale
(outbox/interrupted.py), never sent again blindly."""

import logging

import psycopg2

from odoo import fields

from ..delivery import attempt as attempt_rules

_logger = logging.getLogger(__name__)

#: Claims retried after another transaction changed the mail under ours.
CLAIM_TRIES = 5

# MATERIALIZED: the locking select runs once. As a subquery in FROM the
# planner may rescan it for each row, and each rescan skips the rows just
# claimed: LIMIT 1 then claimed them all.
_CLAIM = """
    WITH free AS MATERIALIZED (
         SELECT id, write_date FROM mail_mail
          WHERE id = ANY(%(ids)s) AND state = ANY(%(states)s) AND sending_started_date IS NULL
            AND (NOT %(due)s OR scheduled_date IS NULL OR scheduled_date <= %(now)s)
          ORDER BY id LIMIT %(limit)s
          FOR NO KEY UPDATE SKIP LOCKED)
   UPDATE mail_mail AS mail
      SET sending_started_date = %(now)s, sending_runner = %(runner)s,
          attempt_count = COALESCE(mail.attempt_count, 0) + 1,
          write_date = %(now)s, write_uid = %(uid)s
     FROM free
    WHERE mail.id = free.id
RETURNING mail.id, free.write_date, mail.attempt_count"""

_CLAIMED_FIELDS = ["sending_started_date", "sending_runner", "attempt_count", "write_date", "write_uid"]


class Claims:
    """The claims of one runner on `mails` (a mail.mail recordset, whose
    env is the runner's). `due`: only mails whose scheduled date has come
    (the queue's runs; Send now and the send after a chatter post take what
    they are given). `seen` gets {id: (write date before the claim, attempt
    number)} of each mail claimed."""

    def __init__(self, mails, due=False):
        self.mails = mails
        self.env = mails.env
        self.due = due
        self.seen = {}

    def claim(self, ids, limit=None, states=("outgoing",), savepoint=None, before=None):
        """Claim up to `limit` of the mails `ids` (lowest ids first) that are
        in `states`, not in flight and, when due, due; those another
        transaction holds are skipped, not waited for. `states`: a test of
        two runners, which cannot commit, claims committed failed mails.
        `savepoint`: a savepoint set in the same statement, before the
        claim; `before`: a statement (query, parameters) run first, in the
        same round trip. Returns the claimed mails."""
        Mail = self.mails.browse()
        if not ids:
            return Mail
        # The claim reads the rows, not the ORM cache: pending writes first.
        Mail.flush_model()
        before_query, before_params = before or ("", {})
        params = dict(
            before_params,
            now=fields.Datetime.now(),
            runner=attempt_rules.runner_id(),
            uid=self.env.uid,
            ids=list(ids),
            due=self.due,
            limit=limit,
            states=list(states),
        )
        prefix = 'SAVEPOINT "%s"; ' % savepoint if savepoint else ""
        self.env.cr.execute(before_query + prefix + _CLAIM, params, log_exceptions=False)
        rows = self.env.cr.fetchall()
        self.seen.update((mail_id, (write_date, attempt)) for mail_id, write_date, attempt in rows)
        claimed = Mail.browse(sorted(row[0] for row in rows))
        claimed.invalidate_recordset(_CLAIMED_FIELDS)
        return claimed

    def next(self, ids, auto_commit):
        """The first of the mails `ids` this runner may send, claimed (and,
        with `auto_commit`, committed), or an empty recordset.

        Odoo's transactions are REPEATABLE READ: when another runner's claim
        or outcome was committed after this transaction's snapshot, the claim
        fails with a serialization error instead of skipping the row. With
        auto_commit nothing is pending here: roll back and claim again on a
        fresh snapshot. Inside a caller's transaction the error goes up, as
        stock's own write on the mail would: Odoo retries the request or the
        cron job, which then finds the mail taken."""
        if not auto_commit:
            return self.claim(ids, limit=1)
        cr = self.env.cr
        for _try in range(CLAIM_TRIES):
            cr.commit()  # pylint: disable=invalid-commit
            try:
                claimed = self.claim(ids, limit=1)
            except psycopg2.errors.TransactionRollbackError:
                cr.rollback()
                continue
            cr.commit()  # pylint: disable=invalid-commit
            return claimed
        _logger.info(
            "mail.mail %s: no claim after %s tries, left to the next run", list(ids)[:1], CLAIM_TRIES
        )
        return self.mails.browse()

    def next_with_outcome(self, ids, outcome=None):
        """The next mail's claim, in the transaction of the previous mail's
        outcome: one commit per mail instead of two. Should the claim meet
        another runner's newer commit, only the claim is rolled back (to a
        savepoint set after the outcome), the outcome is committed all the
        same, and None says to claim again on a fresh snapshot (next()).
        `outcome`: the previous mail's outcome statement, sent with the
        claim (one round trip)."""
        # Not cr.savepoint(): its flush and RELEASE are two more round trips
        # per mail, and the commit that follows releases the savepoint.
        self.env.flush_all()
        try:
            claimed = self.claim(ids, limit=1, savepoint="mds_claim", before=outcome)
        except psycopg2.Error:
            self.env.cr.execute('ROLLBACK TO SAVEPOINT "mds_claim"')
            self.env.invalidate_all(flush=False)
            return None
        if outcome:
            self.env.invalidate_all()
        return claimed
