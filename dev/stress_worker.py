# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Odoo side of dev/stress.py, run inside `dev/odoo shell` (which gives
it `env`): a worker that dev/stress.py kills with SIGKILL and restarts.

MDS_STRESS_STEP says what to do:
  setup      point the outgoing mail server at the stress SMTP server, queue
             MDS_STRESS_MAILS mails, write their ids and Message-IDs to
             MDS_STRESS_OUT (JSON); then drain as below.
  drain      run the mail queue's cron (mail.ir_cron_mail_scheduler_action,
             i.e. process_email_queue) until no mail is left to send,
             fast-forwarding retries: a retry's next attempt (scheduled_date)
             is moved to now instead of waiting minutes or hours.
  send_now   queue one mail, commit, click Send Now (action_send_now) and
             commit, as the web client's request does.
  post       post a message to a customer in a chatter and commit: stock
             Odoo sends its mail right after the commit (force_send).
"""

# pylint: disable=invalid-commit
import json
import os

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


if step == "setup":
    env["ir.mail_server"].search([]).write({"active": False})
    env["ir.mail_server"].create(
        {
            "name": "Stress SMTP server",
            "smtp_host": "127.0.0.1",
            "smtp_port": int(os.environ["MDS_STRESS_PORT"]),
            "smtp_encryption": "none",
            "sequence": 1,
        }
    )
    mails = queue_mails(int(os.environ["MDS_STRESS_MAILS"]), "Stress")
    with open(out, "w") as handle:
        json.dump(mails, handle)
    step = "drain"

if step == "drain":
    cron = env.ref("mail.ir_cron_mail_scheduler_action")
    while True:
        cron.method_direct_trigger()
        env.cr.commit()
        env.cr.execute(
            """UPDATE mail_mail SET scheduled_date = (now() at time zone 'UTC') - interval '1 second'
               WHERE state = 'outgoing' AND scheduled_date IS NOT NULL AND sending_started_date IS NULL"""
        )
        env.cr.execute(
            "SELECT count(*) FROM mail_mail WHERE state = 'outgoing' AND sending_started_date IS NULL"
        )
        left = env.cr.fetchone()[0]
        env.cr.commit()
        if not left:
            break
        env.invalidate_all()

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
