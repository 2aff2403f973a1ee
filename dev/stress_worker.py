# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Odoo side of dev/stress.py, run inside `dev/odoo shell` (which gives
it `env`): a worker that dev/stress.py kills with SIGKILL and restarts.

MDS_STRESS_STEP says what to do:
  setup      point the outgoing mail server at the stress SMTP server (unless
             MDS_STRESS_PORT is empty), queue MDS_STRESS_MAILS mails, write
             their ids and Message-IDs to MDS_STRESS_OUT (JSON).
  drain      run the mail queue until no mail is left to send,
             fast-forwarding retries: a retry's next attempt (scheduled_date)
             is moved to now instead of waiting minutes or hours. Alone
             (MDS_STRESS_RUNNER unset), through its cron
             (mail.ir_cron_mail_scheduler_action); as one of several runners
             at once (MDS_STRESS_RUNNER=1), process_email_queue itself, in a
             loop: the cron's lock lets one process at a time run the cron,
             the claims are what keeps the others off its mails.
             MDS_STRESS_GO: wait until that file exists before draining (the
             runner bench starts the clock once every runner is loaded;
             MDS_STRESS_READY is created when this one is).
  send_now   queue one mail, commit, click Send Now (action_send_now) and
             commit, as the web client's request does.
  post       post a message to a customer in a chatter and commit: stock
             Odoo sends its mail right after the commit (force_send).
"""

# pylint: disable=invalid-commit
import json
import os
import time

import psycopg2

env = globals()["env"]  # given by `dev/odoo shell`
step = os.environ["MDS_STRESS_STEP"]
out = os.environ.get("MDS_STRESS_OUT")


def queue_mails(count, prefix):
    Mail = env["mail.mail"]
    mails = Mail
    for number in range(count):
        mails |= Mail.create(
            {
                "subject": "%s %d" % (prefix, number),
                "email_from": "stress@example.com",
                "email_to": "customer%d@example.com" % number,
                "body_html": "<p>Stress mail %d</p>" % number,
                # Some go away once sent, as document mails do: only the
                # journal is left to account for them.
                "auto_delete": number % 10 == 0,
            }
        )
    env.cr.commit()
    return [{"id": mail.id, "message_id": mail.message_id} for mail in mails]


def point_at_stress_server(port):
    env["ir.mail_server"].search([]).write({"active": False})
    env["ir.mail_server"].create(
        {
            "name": "Stress SMTP server",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_encryption": "none",
            "sequence": 1,
        }
    )


def fast_forward_and_count():
    """Due retries now; how many mails are left to send or to set aside (an
    in-flight mark older than the 10 minutes is a dead runner's)."""
    env.cr.execute(
        """UPDATE mail_mail SET scheduled_date = (now() at time zone 'UTC') - interval '1 second'
           WHERE state = 'outgoing' AND scheduled_date IS NOT NULL AND sending_started_date IS NULL""",
        # Met by another runner's commit: handled below, not an error of
        # the addon's (dev/stress.py reads the logs for those).
        log_exceptions=False,
    )
    env.cr.execute(
        """SELECT count(*) FROM mail_mail WHERE state = 'outgoing' AND (sending_started_date IS NULL
           OR sending_started_date < (now() at time zone 'UTC') - interval '10 minutes')"""
    )
    left = env.cr.fetchone()[0]
    env.cr.commit()
    return left


def drain(several):
    cron = env.ref("mail.ir_cron_mail_scheduler_action")
    Mail = env["mail.mail"]
    while True:
        if several:
            Mail.process_email_queue()
        else:
            cron.method_direct_trigger()
        env.cr.commit()
        try:
            left = fast_forward_and_count()
        except psycopg2.errors.TransactionRollbackError:
            # Another runner changed a mail this UPDATE wanted (REPEATABLE
            # READ): it is that runner's; look again next round.
            env.cr.rollback()
            left = 1
        if not left:
            break
        env.invalidate_all()


if step == "setup":
    if os.environ.get("MDS_STRESS_PORT"):
        point_at_stress_server(int(os.environ["MDS_STRESS_PORT"]))
    mails = queue_mails(int(os.environ["MDS_STRESS_MAILS"]), os.environ.get("MDS_STRESS_PREFIX", "Stress"))
    with open(out, "w") as handle:
        json.dump(mails, handle)

elif step == "drain":
    if os.environ.get("MDS_STRESS_READY"):
        open(os.environ["MDS_STRESS_READY"], "w").close()
    while os.environ.get("MDS_STRESS_GO") and not os.path.exists(os.environ["MDS_STRESS_GO"]):
        time.sleep(0.01)
    drain(several=bool(os.environ.get("MDS_STRESS_RUNNER")))

elif step == "send_now":
    mails = queue_mails(1, "Send Now")
    with open(out, "w") as handle:
        json.dump(mails, handle)
    env["mail.mail"].browse(mails[0]["id"]).action_send_now()
    env.cr.commit()  # the request's commit: Send Now runs after it

elif step == "post":
    customer = env["res.partner"].create({"name": "Chatter customer", "email": "chatter@example.com"})
    document = env["res.partner"].create({"name": "Chatter document"})
    message = document.message_post(
        body="<p>Your document</p>",
        partner_ids=[customer.id],
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
    mail = env["mail.mail"].search([("mail_message_id", "=", message.id)])
    mail.auto_delete = False  # kept, to be checked
    with open(out, "w") as handle:
        json.dump([{"id": mail.id, "message_id": mail.message_id}], handle)
    env.cr.commit()  # the poster's commit: stock sends the mail after it
