"""A real IMAP server for tests: Dovecot from Debian's packages (dovecot-imapd), started on 127.0.0.1 with a
throwaway configuration (static password, maildirs in a temporary folder, a `\\Sent` special-use folder), and
stopped by its process id. Runs as root (as CI does) or as an ordinary user."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

PASSWORD = "s3cret-test-only"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(base: Path, port: int, user: str, group: str) -> str:
    return f"""instance_name = lt-test-{port}
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
mail_location = maildir:{base}/mail/%u
mail_uid = {user}
mail_gid = {group}
first_valid_uid = 0
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={base}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


class Dovecot:
    def __init__(self) -> None:
        binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
        if binary is None:
            pytest.fail("Dovecot is not installed, so the IMAP sync cannot be tested against a real server. "
                        "Install it with 'apt-get install -y dovecot-imapd' (.ci/run does).")
        self.binary = binary
        self.base = Path(tempfile.mkdtemp(prefix="lt-dovecot-"))
        os.chmod(self.base, 0o755)
        if os.geteuid() == 0:
            self.user, self.group = "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name
            self.group = grp.getgrgid(os.getegid()).gr_name
        for sub in ("run", "state", "mail"):
            (self.base / sub).mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.base / "mail", self.user, self.group)
        self.port = free_port()
        self.config = self.base / "dovecot.conf"
        self.config.write_text(_config(self.base, self.port, self.user, self.group))
        self.process = subprocess.Popen([binary, "-F", "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.base / "dovecot.log").read_text() if (self.base / "dovecot.log").exists() else ""
                raise RuntimeError(f"Dovecot stopped at start: {self.process.stderr.read().decode()} {log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Dovecot did not start listening within 20 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self.base, ignore_errors=True)
