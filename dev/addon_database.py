# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A database with the addon installed, and the Odoo processes that run the
queue on it, for the scripts that drive real Odoo processes (dev/stress.py,
dev/bench_runners.py)."""

import os
import socket
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_addon_database(target, log_path, from_db=None, modules=()):
    """`target` as a copy of `from_db` (which has the addon), else of the
    cached template database with the addon installed; `modules` (other
    addons on dev/odoo's addons path, e.g. OCA's mail_tracking) installed
    beside it. The install's log in `log_path`."""
    clone = os.path.join(ROOT, "dev/clone_db.sh")
    if from_db:
        source = from_db
    else:
        source = subprocess.run(
            [os.path.join(ROOT, "dev/template_db.sh")], check=True, stdout=subprocess.PIPE, text=True
        ).stdout.strip()
    subprocess.run([clone, source, target], check=True, stdout=subprocess.DEVNULL)
    install = list(modules) if from_db else ["mail_document_send", *modules]
    if not install:
        return
    with open(log_path, "w") as log:
        subprocess.run(
            [
                os.path.join(ROOT, "dev/odoo"),
                "-d",
                target,
                "-i",
                ",".join(install),
                "--stop-after-init",
                "--max-cron-threads=0",
                "--http-port=%d" % _free_port(),
            ],
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def start_stress_worker(db, step, log_path, **env):
    """An `odoo shell` process on `db` running dev/stress_worker.py's `step`
    (its settings in `env`), its output in `log_path`. dev/odoo execs
    odoo-bin: the process's pid is the runner's (host:pid)."""
    env = dict(os.environ, MDS_STRESS_STEP=step, **{key: str(value) for key, value in env.items()})
    with open(log_path, "w") as log, open(os.path.join(ROOT, "dev/stress_worker.py")) as script:
        return subprocess.Popen(
            [os.path.join(ROOT, "dev/odoo"), "shell", "-d", db, "--max-cron-threads=0", "--log-level=warn"],
            stdin=script,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
