# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A private, real Postfix for tests: loopback only, its own spool, stopped after.

    with PostfixInstance(folder, relay_port=next_hop.port) as postfix:
        postfix.submit("bounce@odoo.test", ["customer@example.com"], raw_bytes)
        files = postfix.wait_for_gateway(1)

Postfix listens on a free 127.0.0.1 port, relays everything to
`[127.0.0.1]:relay_port` (a scripted aiosmtpd from tests/smtp_server.py, the
"recipient's server"), and delivers mail for `bounce_address` -- the
delivery status notifications Postfix writes itself when the next hop refuses
a recipient -- to a pipe transport running dev/mailgate.py as `nobody`, as a
production server hands bounces to Odoo. By default the gateway writes each
mail into `<folder>/gateway/`; give `gateway_args` (e.g. --config FILE) to
make it call Odoo over XML-RPC instead.

Everything lives under `folder`: main.cf and master.cf (etc/), the queue
(spool/), data/, the log (postfix.log, Postfix >= 3.4 logs to a file without
syslog). No systemd, no system instance: `postfix -c etc start` / `stop`.

`ensure_postfix()` installs Debian's package when it is missing (debconf
preseeded with "No configuration", so no system instance is configured or
started). When Postfix cannot be installed or started, PostfixUnavailable
says why: the tests fail with that message, they are not skipped.

Plain Python, no Odoo import: the Odoo end-to-end test of the bounce issue
and dev/postfix.sh use it too.
"""

import os
import pwd
import shutil
import smtplib
import socket
import subprocess
import sys
import time

POSTFIX = "/usr/sbin/postfix"
POSTCONF = "/usr/sbin/postconf"
HERE = os.path.dirname(os.path.abspath(__file__))
MAILGATE = os.path.join(os.path.dirname(HERE), "dev", "mailgate.py")
#: The pipe runs as this user (Postfix refuses to run a pipe as root).
PIPE_USER = "nobody"


class PostfixUnavailable(RuntimeError):
    """Postfix cannot be installed or started here; the message says why."""


def free_port(host="127.0.0.1"):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _run(cmd, env=None, timeout=300):
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def ensure_postfix():
    """Install Debian's postfix if it is missing; raise PostfixUnavailable
    saying why when that is not possible. Return Postfix's version."""
    if not os.path.exists(POSTFIX):
        if os.geteuid() != 0:
            raise PostfixUnavailable(
                "Postfix is not installed and this process is not root, so it cannot "
                "install it: run `apt-get install postfix` (choose 'No configuration') once"
            )
        if not shutil.which("apt-get"):
            raise PostfixUnavailable("Postfix is not installed and there is no apt-get to install it")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        # "No configuration": the package creates no main.cf, so its
        # maintainer scripts neither configure nor start a system instance.
        subprocess.run(
            ["debconf-set-selections"],
            input="postfix postfix/main_mailer_type select No configuration\n",
            text=True, capture_output=True, check=False,
        )  # fmt: skip
        # Another test run may be installing at the same time: wait for
        # dpkg's lock rather than fail on it.
        install = [
            "apt-get",
            "-o",
            "DPkg::Lock::Timeout=240",
            "install",
            "-y",
            "--no-install-recommends",
            "postfix",
        ]
        result = _run(install, env=env)
        if result.returncode != 0 and not os.path.exists(POSTFIX):
            # Package lists missing or stale: update once, then retry.
            update = _run(["apt-get", "update"], env=env)
            result = _run(install, env=env)
            if result.returncode != 0 and not os.path.exists(POSTFIX):
                raise PostfixUnavailable(
                    "apt-get install postfix failed (exit %s): %s%s"
                    % (
                        result.returncode,
                        (update.stderr or "")[-500:],
                        (result.stderr or result.stdout)[-1500:],
                    )
                )
        if not os.path.exists(POSTFIX):
            raise PostfixUnavailable("apt-get installed postfix but %s is missing" % POSTFIX)
    version = _run([POSTCONF, "-dh", "mail_version"]).stdout.strip()
    major_minor = tuple(int(x) for x in (version.split(".") + ["0", "0"])[:2] if x.isdigit())
    if major_minor < (3, 4):
        raise PostfixUnavailable("Postfix %s is too old: the harness needs 3.4 (maillog_file)" % version)
    return version


def _gateway_python():
    """An interpreter the unprivileged pipe user can run: the system's
    (a virtualenv under /root is not readable by `nobody`)."""
    for candidate in ("/usr/bin/python3", sys.executable):
        if candidate and os.path.exists(candidate):
            return candidate
    raise PostfixUnavailable("no python3 for the gateway (looked for /usr/bin/python3)")


MASTER_CF = """\
# Written by tests/postfix_harness.py: no chroot (the spool is a test folder).
{listen} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
odoo      unix  -       n       n       -       -       pipe
  flags=Rq user={pipe_user} argv={gateway}
"""


class PostfixInstance:
    def __init__(
        self,
        folder,
        relay_port,
        bounce_address="bounce@odoo.test",
        gateway_args=None,
        port=None,
        hostname="mta.mds.test",
        extra_config=None,
    ):
        self.folder = os.path.abspath(folder)
        self.relay_port = relay_port
        self.bounce_address = bounce_address
        self.port = port or free_port()
        self.hostname = hostname
        self.config_dir = os.path.join(self.folder, "etc")
        self.queue_dir = os.path.join(self.folder, "spool")
        self.data_dir = os.path.join(self.folder, "data")
        self.gateway_dir = os.path.join(self.folder, "gateway")
        self.log_file = os.path.join(self.folder, "postfix.log")
        self.gateway_args = gateway_args  # None: write into gateway_dir
        self.extra_config = dict(extra_config or {})
        self.started = False

    # ------------------------------------------------------------------
    # configuration

    def main_cf(self):
        config = {
            "compatibility_level": "3.6",
            "queue_directory": self.queue_dir,
            "data_directory": self.data_dir,
            "command_directory": "/usr/sbin",
            "daemon_directory": "/usr/lib/postfix/sbin",
            "shlib_directory": "/usr/lib/postfix",
            "meta_directory": "/etc/postfix",
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": self.hostname,
            "mydomain": self.hostname.split(".", 1)[-1],
            "myorigin": "$myhostname",
            "mydestination": "",
            "local_recipient_maps": "",
            "alias_maps": "",
            "alias_database": "",
            # Loopback only, IPv4 only (containers often lack IPv6).
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "relayhost": "[127.0.0.1]:%d" % self.relay_port,
            "transport_maps": "texthash:%s/transport" % self.config_dir,
            "odoo_destination_recipient_limit": "1",
            "smtputf8_enable": "no",
            "smtp_tls_security_level": "none",
            "smtpd_tls_security_level": "none",
            "biff": "no",
            "append_dot_mydomain": "no",
            "notify_classes": "",
            "syslog_name": "postfix-mds",
            "maillog_file": self.log_file,
            # Postfix only logs to a file under these (default /var, /dev/stdout).
            "maillog_file_prefixes": self.folder,
            "smtpd_banner": "$myhostname ESMTP (mail_document_send test Postfix)",
        }
        config.update(self.extra_config)
        return "".join("%s = %s\n" % item for item in config.items())

    def _write_config(self):
        for path, mode in ((self.folder, 0o755), (self.config_dir, 0o755), (self.queue_dir, 0o755)):
            os.makedirs(path, exist_ok=True)
            os.chmod(path, mode)
        postfix_user = pwd.getpwnam("postfix")
        os.makedirs(self.data_dir, exist_ok=True)
        os.chown(self.data_dir, postfix_user.pw_uid, postfix_user.pw_gid)
        os.chmod(self.data_dir, 0o700)
        nobody = pwd.getpwnam(PIPE_USER)
        os.makedirs(self.gateway_dir, exist_ok=True)
        os.chown(self.gateway_dir, nobody.pw_uid, nobody.pw_gid)
        # The gateway is copied into the test folder: the checkout may sit
        # where `nobody` cannot read (e.g. under /root).
        gateway = os.path.join(self.config_dir, "mailgate.py")
        shutil.copyfile(MAILGATE, gateway)
        os.chmod(gateway, 0o755)
        args = self.gateway_args if self.gateway_args is not None else ["--maildir", self.gateway_dir]
        argv = " ".join([_gateway_python(), gateway, *args])
        listen = "127.0.0.1:%d" % self.port
        files = {
            "main.cf": self.main_cf(),
            "master.cf": MASTER_CF.format(listen=listen, pipe_user=PIPE_USER, gateway=argv),
            "transport": "%s odoo:\n" % self.bounce_address,
        }
        for name, text in files.items():
            path = os.path.join(self.config_dir, name)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(path, 0o644)

    # ------------------------------------------------------------------
    # lifecycle

    def _postfix(self, *args, timeout=60):
        return _run([POSTFIX, "-c", self.config_dir, *args], timeout=timeout)

    def start(self):
        ensure_postfix()
        if os.geteuid() != 0:
            raise PostfixUnavailable("Postfix's master must be started as root (it drops privileges itself)")
        self._write_config()
        # Creates the queue's subfolders with Postfix's owners and modes.
        result = self._postfix("set-permissions")
        if result.returncode != 0:
            raise PostfixUnavailable("postfix set-permissions failed: %s" % (result.stderr or result.stdout))
        result = self._postfix("start")
        if result.returncode != 0:
            raise PostfixUnavailable(
                "postfix start failed: %s\n%s"
                % ((result.stderr or result.stdout).strip(), self.log()[-2000:])
            )
        self.started = True
        self._wait_listening()
        return self

    def _wait_listening(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise PostfixUnavailable(
            "Postfix did not listen on 127.0.0.1:%d:\n%s" % (self.port, self.log()[-2000:])
        )

    def master_pid(self):
        try:
            with open(os.path.join(self.queue_dir, "pid", "master.pid"), encoding="ascii") as handle:
                return int(handle.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        if not self.started:
            return
        pid = self.master_pid()
        self._postfix("stop")
        # `postfix stop` returns before master has finished: wait for it,
        # then end it ourselves (our own process, by its pid) if it lingers.
        deadline = time.monotonic() + 10
        while pid and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid and _alive(pid):
            self._postfix("abort")
            time.sleep(0.5)
        self.started = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------
    # use

    def submit(self, mail_from, rcpt_tos, data):
        """Submit a message over SMTP, as Odoo's ir.mail_server does."""
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as smtp:
            return smtp.sendmail(mail_from, rcpt_tos, data)

    def gateway_files(self):
        names = sorted(n for n in os.listdir(self.gateway_dir) if n.endswith(".eml"))
        return [os.path.join(self.gateway_dir, n) for n in names]

    def wait_for_gateway(self, count, timeout=30):
        """Wait until the gateway got `count` mails; return their paths."""
        deadline = time.monotonic() + timeout
        while len(self.gateway_files()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.gateway_files()

    def log(self):
        try:
            with open(self.log_file, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    def queue(self):
        """`postqueue -p`: what Postfix still holds."""
        return _run(["/usr/sbin/postqueue", "-c", self.config_dir, "-p"]).stdout


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv):
    """dev/postfix.sh's commands: install | start DIR RELAY_PORT [BOUNCE [GATEWAY ARGS...]] | stop DIR."""
    if argv[:1] == ["install"]:
        sys.stdout.write("postfix %s\n" % ensure_postfix())
        return 0
    if argv[:1] == ["start"] and len(argv) >= 3:
        bounce = argv[3] if len(argv) > 3 else "bounce@odoo.test"
        gateway_args = argv[4:] or None
        instance = PostfixInstance(argv[1], int(argv[2]), bounce_address=bounce, gateway_args=gateway_args)
        instance.start()
        sys.stdout.write(
            "postfix listening on 127.0.0.1:%d, relaying to [127.0.0.1]:%s\n"
            "mail for %s goes to the gateway (%s)\nlog: %s; stop: dev/postfix.sh stop %s\n"
            % (
                instance.port,
                argv[2],
                bounce,
                " ".join(argv[4:]) or instance.gateway_dir,
                instance.log_file,
                instance.folder,
            )
        )
        return 0
    if argv[:1] == ["stop"] and len(argv) == 2:
        instance = PostfixInstance(argv[1], 0, port=1)
        instance.started = os.path.exists(os.path.join(instance.config_dir, "main.cf"))
        instance.stop()
        return 0
    sys.stderr.write(main.__doc__ + "\n")
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except PostfixUnavailable as exc:
        sys.exit("postfix unavailable: %s" % exc)
