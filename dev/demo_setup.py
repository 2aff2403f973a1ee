"""Run by `dev/odoo shell` on the demo database: point Odoo at the local mail
catcher and make the demo customers reachable by email."""
import os

env = env  # noqa: F821 (given by odoo shell)
port = int(os.environ["MDS_CATCHER_SMTP_PORT"])
env["ir.mail_server"].search([]).write({"active": False})
env["ir.mail_server"].create(
    {
        "name": "Local mail catcher (demo)",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_encryption": "none",
        "sequence": 1,
    }
)
ICP = env["ir.config_parameter"]
ICP.set_param("web.base.url", os.environ["MDS_DEMO_URL"])
ICP.set_param("web.base.url.freeze", "True")
env.cr.commit()
print("demo database ready: outgoing mail goes to 127.0.0.1:%d" % port)
