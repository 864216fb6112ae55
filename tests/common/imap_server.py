"""A real IMAP server for the tests: Debian's dovecot-imapd, run from a
scratch directory on loopback, with its own configuration, one user and one
Maildir; started and stopped by the tests themselves (it never uses the
system's /etc/dovecot, /run/dovecot or /var/lib/dovecot, nor port 143).

As a module (the tests do sys.path.insert(0, "<repo>/tests/common")):

    from imap_server import ImapServer

    with ImapServer(tmp_path / "imap") as imap:          # start() ... stop()
        uid = imap.deliver(b"From: a@example.org\\r\\nSubject: hi\\r\\n\\r\\nbody\\r\\n")
        ...  # point the code under test at imap.url (imap://127.0.0.1:PORT/INBOX)
        ...  # with imap.user / imap.password
        for uid, flags, raw in imap.messages():
            ...  # e.g. assert "\\\\Seen" in flags

As a script:

    /usr/bin/python3 tests/common/imap_server.py --dir DIR [--user U --password P]

prints "ready <port>" on one line once dovecot greets, then runs until
SIGTERM or SIGINT, and stops dovecot before it exits.

What goes in DIR: dovecot.conf, passwd (the one user, {PLAIN} password),
dovecot.log (dovecot's own log: look here when something fails),
dovecot.out (its stdout/stderr), run/ (base_dir, sockets; or a short
directory under /tmp when DIR's path is too long for unix sockets), state/
(state_dir), and mail/<user>/ (the user's Maildir, which is also its home).

Running as root: dovecot refuses to give mail access to root (and to run its
login process as root), so mail is accessed as "nobody", and the mail
processes chroot into DIR/mail (owned by nobody, mode 0755), so that nobody
needs no access to DIR or its parents (pytest's /tmp/pytest-of-root is 0700).
Running as another user: everything runs as that user, without chroot.

Only the standard library is used; dovecot is /usr/sbin/dovecot.
"""
import argparse
import imaplib
import os
import pwd
import grp
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

DOVECOT = "/usr/sbin/dovecot"
START_TIMEOUT = 15.0   # seconds for dovecot to greet on its port
STOP_TIMEOUT = 10.0    # seconds between SIGTERM and SIGKILL


def _free_port():
    """A TCP port on 127.0.0.1 that is free right now (bound to port 0, then
    released; dovecot binds it a moment later, see the retry in start())."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _quote_mailbox(name):
    """imaplib sends mailbox names as they are; quote those that need it."""
    if re.fullmatch(r'[A-Za-z0-9_./-]+', name):
        return name
    return '"%s"' % name.replace("\\", "\\\\").replace('"', '\\"')


class ImapServer:
    """One dovecot instance serving `user` (password `password`) on
    127.0.0.1:<free port>, with everything in `directory`."""

    def __init__(self, directory, user="helpdesk", password="Mailbox-Pass-1"):
        self.directory = os.path.abspath(str(directory))
        for bad in (":", " ", "\t", "\n", '"'):
            # passwd-file fields are ':'-separated; dovecot.conf values unquoted
            if bad in self.directory:
                raise ValueError("ImapServer: directory %r must not contain %r" % (self.directory, bad))
        self.user = user
        self.password = password
        self.host = "127.0.0.1"
        self.port = None
        self.url = None
        self.maildir = os.path.join(self.directory, "mail", user)
        self.conf_path = os.path.join(self.directory, "dovecot.conf")
        self.log_path = os.path.join(self.directory, "dovecot.log")
        self.out_path = os.path.join(self.directory, "dovecot.out")
        self._proc = None
        self._short_base_dir = None   # a /tmp directory of ours, if DIR/run is too long

    # ---------------------------------------------------------------- setup

    def _base_dir(self):
        """dovecot's base_dir holds unix sockets such as
        run/token-login/imap-urlauth; sun_path is 108 bytes, so with a long
        DIR they go to a short directory under /tmp (removed by stop())."""
        base = os.path.join(self.directory, "run")
        if len(base) + len("/token-login/imap-urlauth") < 100:
            return base
        if self._short_base_dir is None:
            self._short_base_dir = tempfile.mkdtemp(prefix="sbimap-")
            os.chmod(self._short_base_dir, 0o755)   # dovecot wants base_dir world-readable
        return self._short_base_dir

    def _write_config(self):
        d = self.directory
        base_dir = self._base_dir()
        for sub in (base_dir, os.path.join(d, "state"), os.path.join(d, "mail"), self.maildir):
            os.makedirs(sub, exist_ok=True)

        me = pwd.getpwuid(os.geteuid())
        if os.geteuid() == 0:
            # Root: dovecot's own processes (master, auth, anvil, log, config)
            # run as root, but dovecot will not let root read mail nor run
            # imap-login as root, so both run as nobody. The mail processes
            # chroot (as root, before dropping privileges) into DIR/mail:
            # "/./" in the home directory marks the chroot point, and
            # valid_chroot_dirs must allow it.
            nobody = pwd.getpwnam("nobody")
            mail_uid, mail_gid = nobody.pw_uid, nobody.pw_gid
            internal_user, internal_group = "root", grp.getgrgid(0).gr_name
            login_user = "nobody"
            mail_root = os.path.join(d, "mail")
            for p in (mail_root, self.maildir):
                os.chown(p, mail_uid, mail_gid)
                os.chmod(p, 0o755)
            home = os.path.join(d, "mail", ".", self.user)
            chroot_lines = "valid_chroot_dirs = %s\n" % mail_root
        else:
            # Not root: dovecot runs everything as the current user; it
            # cannot chroot, so the services that chroot by default must not.
            mail_uid, mail_gid = me.pw_uid, me.pw_gid
            internal_user = login_user = me.pw_name
            internal_group = grp.getgrgid(me.pw_gid).gr_name
            home = self.maildir
            chroot_lines = ""

        # passwd-file: user:password:uid:gid:gecos:home:shell
        passwd_path = os.path.join(d, "passwd")
        with open(passwd_path, "w") as f:
            f.write("%s:{PLAIN}%s:%d:%d::%s::\n" % (self.user, self.password, mail_uid, mail_gid, home))
        os.chmod(passwd_path, 0o600)

        conf = """\
# Written by tests/common/imap_server.py; regenerated by every start().
base_dir = {base_dir}
state_dir = {d}/state
instance_name = switchboard-imap-test-{port}
log_path = {log}
info_log_path = {log}
auth_verbose = yes

protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# No penalty delay after a wrong password: the tests try them on purpose.
auth_failure_delay = 0

default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
{chroot_lines}
# The user's home (from the passwd file) is its Maildir: {maildir}
mail_location = maildir:~

passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {passwd}
}}

service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{no_chroot}""".format(base_dir=base_dir, d=d, log=self.log_path, port=self.port,
           internal_user=internal_user, internal_group=internal_group, login_user=login_user,
           mail_uid=mail_uid, mail_gid=mail_gid, chroot_lines=chroot_lines,
           maildir=self.maildir, passwd=passwd_path,
           no_chroot="" if os.geteuid() == 0 else "".join(
               "service %s {\n  chroot =\n}\n" % name for name in
               ("anvil", "imap-login", "imap-urlauth-login", "ipc", "old-stats", "aggregator")))
        with open(self.conf_path, "w") as f:
            f.write(conf)

    # ------------------------------------------------------- start and stop

    def log(self):
        """dovecot's log and its stdout/stderr, for error messages."""
        text = ""
        for path in (self.log_path, self.out_path):
            try:
                with open(path, errors="replace") as f:
                    content = f.read()
            except OSError:
                continue
            if content:
                text += "--- %s ---\n%s" % (path, content)
        return text

    def start(self):
        """Write the configuration, start dovecot in the foreground and wait
        for its "* OK" greeting. Raises RuntimeError (with dovecot's log) if
        it does not greet within 15 s."""
        if self._proc is not None:
            raise RuntimeError("ImapServer: already started (pid %d)" % self._proc.pid)
        os.makedirs(self.directory, exist_ok=True)
        for attempt in range(3):
            self.port = _free_port()
            self._write_config()
            out = open(self.out_path, "ab")
            # Own session: a terminal's Ctrl-C does not reach dovecot directly,
            # and stop() can clean up the whole group if SIGKILL is needed.
            self._proc = subprocess.Popen([DOVECOT, "-F", "-c", self.conf_path],
                                          stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                          start_new_session=True)
            out.close()
            error = self._wait_for_greeting()
            if error is None:
                self.url = "imap://%s:%d/INBOX" % (self.host, self.port)
                return self
            self.stop()
            # Someone took the port between _free_port() and dovecot's bind.
            if "Address already in use" in self.log() and attempt < 2:
                continue
            raise RuntimeError("ImapServer: dovecot did not come up on %s:%d: %s\n%s"
                               % (self.host, self.port, error, self.log()))

    def _wait_for_greeting(self):
        """None once "* OK" is read from the port, else why not."""
        deadline = time.monotonic() + START_TIMEOUT
        why = "no answer"
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return "dovecot exited with status %d" % self._proc.returncode
            try:
                with socket.create_connection((self.host, self.port), timeout=2) as s:
                    s.settimeout(max(0.1, deadline - time.monotonic()))
                    greeting = s.recv(1024)
                if greeting.startswith(b"* OK"):
                    return None
                why = "unexpected greeting %r" % greeting
            except OSError as e:
                why = str(e)
            time.sleep(0.05)
        return "timed out after %.0f s (%s)" % (START_TIMEOUT, why)

    def stop(self):
        """SIGTERM to the dovecot master we started (it stops its children),
        SIGKILL to its process group after 10 s. Idempotent."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                try:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    # The group is dovecot's own session (start_new_session):
                    # only processes it started are in it.
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    proc.wait()
        if self._short_base_dir is not None:
            shutil.rmtree(self._short_base_dir, ignore_errors=True)
            self._short_base_dir = None

    @property
    def pid(self):
        return self._proc.pid if self._proc is not None else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def __del__(self):
        try:
            self.stop()
        except Exception:
            pass

    # ---------------------------------------------------------- mail access

    def connect(self):
        """A logged-in imaplib.IMAP4 (caller logs out)."""
        if self.port is None or self._proc is None:
            raise RuntimeError("ImapServer: not started")
        m = imaplib.IMAP4(self.host, self.port)
        m.login(self.user, self.password)
        return m

    def deliver(self, message_bytes, flags="", mailbox="INBOX"):
        """Put one RFC 5322 message into `mailbox` with IMAP APPEND, as a new
        unseen message unless `flags` says otherwise (e.g. "\\\\Seen \\\\Flagged").
        Bare LFs are sent as CRLF (imaplib does that). Returns the new UID
        (from dovecot's APPENDUID), or None if the server did not say."""
        if isinstance(message_bytes, str):
            message_bytes = message_bytes.encode("utf-8")
        m = self.connect()
        try:
            typ, data = m.append(_quote_mailbox(mailbox), flags or None, None, message_bytes)
            if typ != "OK":
                raise RuntimeError("ImapServer: APPEND failed: %r" % (data,))
        finally:
            m.logout()
        found = re.search(rb"\[APPENDUID \d+ (\d+)\]", data[0] or b"")
        return int(found.group(1)) if found else None

    def messages(self, mailbox="INBOX"):
        """[(uid, flags, raw bytes)] of `mailbox`, in UID order; flags is a
        set of str such as {"\\\\Seen", "\\\\Deleted"}. Read-only (EXAMINE and
        BODY.PEEK): it marks nothing as seen. \\Recent is left out, since it
        depends on which session looked first. Expunged messages are gone."""
        m = self.connect()
        try:
            typ, data = m.select(_quote_mailbox(mailbox), readonly=True)
            if typ != "OK":
                raise RuntimeError("ImapServer: EXAMINE %s failed: %r" % (mailbox, data))
            typ, data = m.uid("FETCH", "1:*", "(UID FLAGS)")
            flags_by_uid = {}
            for line in data:
                if not isinstance(line, bytes):
                    continue     # None when the mailbox is empty
                uid = re.search(rb"UID (\d+)", line)
                fl = re.search(rb"FLAGS \(([^)]*)\)", line)
                if uid:
                    names = fl.group(1).decode().split() if fl else []
                    flags_by_uid[int(uid.group(1))] = {f for f in names if f != "\\Recent"}
            result = []
            for uid in sorted(flags_by_uid):
                typ, data = m.uid("FETCH", str(uid), "(BODY.PEEK[])")
                raw = next((part[1] for part in data if isinstance(part, tuple)), None)
                if raw is not None:   # expunged meanwhile otherwise
                    result.append((uid, flags_by_uid[uid], raw))
            return result
        finally:
            try:
                m.logout()
            except Exception:
                pass


def main():
    p = argparse.ArgumentParser(description="Run dovecot (IMAP) in DIR on 127.0.0.1 until SIGTERM/SIGINT.")
    p.add_argument("--dir", required=True, help="scratch directory (created if missing)")
    p.add_argument("--user", default="helpdesk")
    p.add_argument("--password", default="Mailbox-Pass-1")
    a = p.parse_args()

    server = ImapServer(a.dir, a.user, a.password)

    def on_signal(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        server.start()
        print("ready %d" % server.port, flush=True)
        while True:
            try:
                server._proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
            print("dovecot exited with status %d\n%s" % (server._proc.returncode, server.log()),
                  file=sys.stderr, flush=True)
            return 1
    finally:
        # Ignore further signals while dovecot shuts down.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
