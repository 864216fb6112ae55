"""A real Kannel SMS gateway for the tests, on loopback, in a scratch directory.

Debian's `kannel` package gives bearerbox and smsbox; Kannel's fake SMS centre
client, fakesmsc, is in `kannel-extras` (/usr/lib/kannel/test/fakesmsc, not
on PATH).  KannelGateway(directory).start() writes DIRECTORY/kannel.conf and
starts, as children of this process:

    bearerbox  the core: admin port, smsbox port, and an `smsc = fake` group
               (smsc-id "fake") that listens for fakesmsc on loopback;
    smsbox     the HTTP sendsms interface (sendsms_url), with one
               sendsms-user (username / password, concatenation = true);
    fakesmsc   connects to the fake SMSC port, sends nothing (-m 0) and logs
               every message bearerbox hands it ("Got message N: <...>"), at
               debug level, to DIRECTORY/fakesmsc.log, which sent() parses.

All ports are free loopback ports (bind to port 0), so several gateways can
run at once in different directories.  Logs: DIRECTORY/bearerbox.log,
smsbox.log, access.log, fakesmsc.log and *.out (each box's console).

    sys.path.insert(0, os.path.join(REPO, "tests", "common"))
    from kannel_gateway import KannelGateway

    with KannelGateway(tmpdir) as gw:          # start() ... stop()
        GET gw.sendsms_url ?username=gw.username&password=gw.password
                           &from=...&to=...&text=...[&charset=UTF-8&coding=2]
        gw.wait_for(1)                         # -> list of dicts
        gw.sent()[0]["to"], ["from"], ["text"]

As a script (prints "ready <sendsms_url>", runs until SIGTERM / SIGINT):

    /usr/bin/python3 tests/common/kannel_gateway.py --dir DIR

KannelGateway.available() says whether the three programs are installed, so
a test can skip when they are not.

What sendsms answers (Kannel 1.4.5, checked; Content-Type text/html, the
bodies are Kannel's own words, so prefer checking the status code):
    202 "0: Accepted for delivery"                    accepted (also empty text)
    403 "Authorization failed for sendsms"            wrong username or password
    400 "Missing receiver number, rejected"           no to= at all
    400 "Empty receiver number not allowed, rejected" to= empty
    400 "Sender missing and no global set, rejected"  no from=
    400 "Number(s) has/have been denied by white- and/or black-lists."  to=abc
  Text: send UTF-8 with charset=UTF-8.  coding=2 (UCS-2) keeps any character;
  without coding, characters outside the GSM alphabet become "?" (e.g. the
  check mark).  coding=2 WITHOUT charset=UTF-8 makes Kannel take the raw bytes
  as UCS-2 (garbage).  max-messages = 10: a longer text is cut to 10 parts,
  still with 202.

sent() entries: {"from", "to", "text", "coding", "data", "udh", "raw", "n"}
    "coding" is "text" (7-bit), "data" (8-bit, and every part carrying a UDH)
    or "ucs2"; "data" is the body as bytes (UTF-16BE for ucs2), "text" the
    decoded body, "udh" the user data header (b"" if none).  A long message is
    split by bearerbox (concatenation = true) into parts with a UDH, which
    sent() lists one by one; joined() puts them back together.  A line break
    in a 7-bit text splits the fake SMSC's line; sent() glues it back (see
    there).  The "+" of "+255..." numbers is kept.

Delivery reports (checked end to end: send with dlr-mask and dlr-url, e.g.
http://127.0.0.1:PORT/dlr?id=42&status=%d&ts=%T, and a little HTTP server
of the test): bearerbox's fake SMSC driver makes them itself, fakesmsc sends
nothing back.  Right after the message is written to fakesmsc come
    8  SMSC success ("accepted by the SMSC"), if the mask has 8, then
    1  delivered, a "final" DLR made by the driver, if the mask has 1 or 2;
so dlr-mask=31 gives 8 then 1 (milliseconds apart, two separate GET
requests by smsbox; do not rely on their order), 3 or 1 gives only 1, 24 or
8 only 8, 2 (failed only) or 16 (SMSC reject only) nothing.  Never produced:
2 (failed), 4 (buffered); 16 only if writing to fakesmsc fails (driver
source).  Substitutions seen in the dlr-url: %d (8 / 1), %T (epoch of the
message), %p (the recipient of the SMS: "to"), %P (its sender: "from"), %i
("fake", the smsc-id), %A ("ACK/" for 8, empty for 1), %F (empty for 8, a
UUID for 1), %I (a different UUID for each report).  To match a report to
its SMS put your own id in the dlr-url (id=42 above).

Start-up takes about 0.5 s (also with four at once on two cores), stop()
0.1 to 1.5 s.  Each start() uses fresh ports and starts fakesmsc.log and
access.log afresh.  stop() also runs when the object is garbage-collected,
and if the test process dies the children get SIGTERM from the kernel (only
when start() ran in the main thread: PR_SET_PDEATHSIG is per thread).

Nothing here needs root; standard library only.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

# Where Debian puts the programs (fakesmsc is in kannel-extras, off PATH).
_SEARCH = ["/usr/sbin", "/usr/bin", "/usr/lib/kannel/test", "/usr/local/sbin", "/usr/local/bin",
           "/usr/local/lib/kannel/test"]


def _find(name):
    """Absolute path of a Kannel program, or None."""
    for d in _SEARCH:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return shutil.which(name)


def _free_ports(n):
    """n distinct free TCP ports on 127.0.0.1 (held open together while picked,
    so they differ; another process may still take one before Kannel binds it,
    start() retries then)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _listening(port):
    """True if something listens on TCP 127.0.0.1:port (or 0.0.0.0:port).
    Read from /proc/net/tcp rather than by connecting: a probe connection to
    the fake SMSC port would be taken for fakesmsc by bearerbox."""
    try:
        with open("/proc/net/tcp") as f:
            rows = f.read().splitlines()[1:]
    except OSError:  # no /proc: connect instead
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False
    want = {"0100007F:%04X" % port, "00000000:%04X" % port}
    for row in rows:
        f = row.split()
        if len(f) > 3 and f[1] in want and f[3] == "0A":  # 0A = LISTEN
            return True
    return False


try:  # prctl, looked up now: a child between fork and exec must not dlopen.
    import ctypes
    _prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
except Exception:  # not glibc / not Linux
    _prctl = None


def _die_with_parent():
    """preexec_fn: have Linux send SIGTERM to the child if the test process
    dies without calling stop() (e.g. killed by a test timeout).  The signal
    is tied to the thread that started the child, so it is only asked for
    when start() runs in the main thread (see _spawn)."""
    _prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class KannelError(RuntimeError):
    pass


class KannelGateway:
    """bearerbox + smsbox + fakesmsc in `directory`, on free loopback ports."""

    # A line of fakesmsc's log for each message bearerbox gave it.
    _GOT = re.compile(rb"Got message (\d+): <(.*)>\r?$")

    def __init__(self, directory, username="switchboard", password="Sms-Pass-1"):
        self.directory = os.path.abspath(directory)
        self.username = username
        self.password = password
        self.admin_password = "Admin-Pass-1"
        self.sendsms_url = None
        self.admin_port = self.smsbox_port = self.sendsms_port = self.fake_port = None
        self._procs = []          # [(name, Popen)] in start order
        self.startup_seconds = None

    # ------------------------------------------------------------------ setup
    @staticmethod
    def programs():
        """{"bearerbox": path or None, "smsbox": ..., "fakesmsc": ...}"""
        return {n: _find(n) for n in ("bearerbox", "smsbox", "fakesmsc")}

    @classmethod
    def available(cls):
        """True if bearerbox, smsbox and fakesmsc are all installed."""
        return all(cls.programs().values())

    def _path(self, name):
        return os.path.join(self.directory, name)

    def _write_config(self):
        d = self.directory
        conf = f"""# Written by tests/common/kannel_gateway.py; loopback only.
group = core
admin-port = {self.admin_port}
admin-interface = 127.0.0.1
admin-password = {self.admin_password}
admin-allow-ip = 127.0.0.1
smsbox-port = {self.smsbox_port}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
box-deny-ip = "*.*.*.*"
log-file = "{d}/bearerbox.log"
log-level = 0
access-log = "{d}/access.log"
# No store-type / store-location: no message store is needed for the tests
# (a new, empty store only makes bearerbox log fopen ERRORs at start-up).
dlr-storage = internal

# The fake SMSC: bearerbox listens here, fakesmsc connects as the "SMS centre".
# Its driver makes the DLRs itself (8 when written to fakesmsc, then 1).
group = smsc
smsc = fake
smsc-id = fake
host = 127.0.0.1
port = {self.fake_port}
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.smsbox_port}
sendsms-port = {self.sendsms_port}
sendsms-interface = 127.0.0.1
log-file = "{d}/smsbox.log"
log-level = 0

group = sendsms-user
username = {self.username}
password = {self.password}
max-messages = 10
concatenation = true

# Not required by smsbox 1.4.5: answers (silently) any message coming from
# the SMSC side; fakesmsc sends none here (-m 0).
group = sms-service
keyword = default
max-messages = 0
text = "no service"
"""
        with open(self._path("kannel.conf"), "w") as f:
            f.write(conf)

    def _spawn(self, name, argv, output):
        """Start one program with stdout+stderr to DIRECTORY/output."""
        main = threading.current_thread() is threading.main_thread()
        out = open(self._path(output), "ab")
        try:
            p = subprocess.Popen(argv, cwd=self.directory, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT,
                                 preexec_fn=_die_with_parent if (_prctl and main) else None)
        finally:
            out.close()
        self._procs.append((name, p))
        return p

    def _wait(self, what, cond, timeout):
        """Poll cond() until true; fail early if one of our processes died."""
        end = time.monotonic() + timeout
        while True:
            if cond():
                return
            for name, p in self._procs:
                if p.poll() is not None:
                    raise KannelError(f"{name} exited ({p.returncode}) while waiting for {what}; "
                                      f"see the logs in {self.directory}")
            if time.monotonic() > end:
                raise KannelError(f"timed out waiting for {what} in {self.directory}")
            time.sleep(0.05)

    def _status(self):
        """bearerbox's status page (text), or "" if it does not answer."""
        url = f"http://127.0.0.1:{self.admin_port}/status.txt?password={self.admin_password}"
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode("latin-1")
        except (OSError, urllib.error.URLError):
            return ""

    def _ready(self):
        # smsbox opens its sendsms port just before it connects to bearerbox
        # (and only shows in bearerbox's status page ~1 s later, needlessly
        # long to wait for); the fake SMSC is "online" once fakesmsc is in.
        try:
            with open(self._path("smsbox.log"), "rb") as f:
                if b"Connected to bearerbox" not in f.read():
                    return False
        except FileNotFoundError:
            return False
        return _listening(self.sendsms_port) and "(online" in self._status()

    def _start_once(self, timeout):
        progs = self.programs()
        self.admin_port, self.smsbox_port, self.sendsms_port, self.fake_port = _free_ports(4)
        self.sendsms_url = f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"
        for name in ("fakesmsc.log", "access.log", "smsbox.log"):
            if os.path.exists(self._path(name)):
                os.unlink(self._path(name))
        self._write_config()
        conf = self._path("kannel.conf")
        # bearerbox first; smsbox and fakesmsc give up if they cannot connect.
        self._spawn("bearerbox", [progs["bearerbox"], "-v", "1", conf], "bearerbox.out")
        self._wait("bearerbox's smsbox and fake SMSC ports",
                   lambda: _listening(self.smsbox_port) and _listening(self.fake_port), timeout)
        self._spawn("smsbox", [progs["smsbox"], "-v", "1", conf], "smsbox.out")
        # -m 0: send no MO messages, only listen; -v 0 so the debug lines
        # "Got message N: <from to type data>" are written (to fakesmsc.log).
        # One message argument is needed, or fakesmsc reads stdin instead.
        self._spawn("fakesmsc", [progs["fakesmsc"], "-H", "127.0.0.1", "-r", str(self.fake_port),
                                 "-i", "0.1", "-m", "0", "-v", "0", "0 0 text unused"], "fakesmsc.log")
        self._wait("the sendsms port, smsbox and fakesmsc connected", self._ready, timeout)

    def start(self, timeout=20, attempts=3):
        """Start the three programs; returns self once sendsms answers."""
        missing = [n for n, p in self.programs().items() if not p]
        if missing:
            raise KannelError("not installed: %s (apt-get install kannel kannel-extras)" % ", ".join(missing))
        if self._procs:
            raise KannelError("already started")
        os.makedirs(self.directory, exist_ok=True)
        t0 = time.monotonic()
        for attempt in range(attempts):
            try:
                self._start_once(timeout)
                break
            except KannelError:
                # Most likely a port was taken between picking and binding.
                self.stop()
                if attempt == attempts - 1:
                    raise
        self.startup_seconds = time.monotonic() - t0
        return self

    # -------------------------------------------------------------- results
    # Kannel 1.4.5's fake SMSC driver writes one line per message (part):
    #   FROM TO text TEXT                 7-bit (GSM) text, raw UTF-8
    #   FROM TO data URLENCODED           8-bit
    #   FROM TO ucs-2 URLENCODED          UCS-2 / UTF-16BE (coding=2)
    #   FROM TO udh URLENCODED data URLENCODED   a part with a UDH (any coding)
    # fakesmsc logs it as "Got message N: <LINE>".
    _KINDS = (b"text", b"data", b"ucs-2", b"ucs2", b"udh")

    @classmethod
    def _parse(cls, line, n):
        """A fake SMSC line as a dict, or None if it is not one."""
        parts = line.split(b" ", 3)
        if len(parts) < 4 or parts[2] not in cls._KINDS:
            return None
        frm, to, kind, rest = parts
        udh = b""
        if kind == b"udh":
            udh_enc, _, rest = rest.partition(b" ")
            udh = urllib.parse.unquote_to_bytes(udh_enc.replace(b"+", b" "))
            kind, _, rest = rest.partition(b" ")
        if kind == b"text":
            data, coding = rest, "text"
        else:
            data = urllib.parse.unquote_to_bytes(rest.replace(b"+", b" "))
            coding = "ucs2" if kind in (b"ucs-2", b"ucs2") else "data"
        return {"n": n, "from": frm.decode("latin-1"), "to": to.decode("latin-1"),
                "text": _decode(data, coding), "coding": coding, "data": data, "udh": udh,
                "raw": line}

    def sent(self):
        """Messages (parts) the fake SMSC got from bearerbox so far, in order.

        A 7-bit text with a line break reaches fakesmsc as several lines (the
        fake protocol is line based and Kannel does not escape "text"); a line
        that is not "FROM TO TYPE ..." is glued back onto the text before it
        with a line feed (a carriage return is lost).  Send with coding=2 to
        be exact."""
        try:
            with open(self._path("fakesmsc.log"), "rb") as f:
                lines = f.read().split(b"\n")
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            m = self._GOT.search(line)
            if not m:
                continue
            msg = self._parse(m.group(2), int(m.group(1)))
            if msg:
                out.append(msg)
            elif out and out[-1]["coding"] == "text" and not out[-1]["udh"]:
                prev = out[-1]
                prev["data"] += b"\n" + m.group(2)
                prev["raw"] += b"\n" + m.group(2)
                prev["text"] = _decode(prev["data"], "text")
        return out

    def _access_codings(self):
        """[(from, to, length, coding)] of the "Sent SMS" lines of bearerbox's
        access log (whole messages, before splitting; flags = class:coding:...)."""
        out = []
        try:
            with open(self._path("access.log"), "rb") as f:
                for line in f:
                    m = re.search(rb"Sent SMS .*?\[from:(.*?)\] \[to:(.*?)\] "
                                  rb"\[flags:-?\d+:(-?\d+):.*?\] \[msg:(\d+):", line)
                    if m:
                        out.append((m.group(1).decode("latin-1"), m.group(2).decode("latin-1"),
                                    int(m.group(4)), int(m.group(3))))
        except FileNotFoundError:
            pass
        return out

    def joined(self):
        """sent(), with the parts of each concatenated message (UDH IE 0x00 or
        0x08) put back together into one entry (with "parts": count) once
        all of them have arrived; incomplete ones are left out.

        Parts carry no coding on the fake SMSC line (all say "data"), so the
        coding of the whole message is taken from bearerbox's access.log
        (same from, to and length); "ucs2" or "text" then, else "data"."""
        out, groups = [], {}
        for msg in self.sent():
            info = _concat_info(msg["udh"])
            if not info:
                out.append(msg)
                continue
            ref, total, seq = info
            key = (msg["from"], msg["to"], ref, total)
            if key not in groups:
                groups[key] = {"index": len(out), "parts": {}}
                out.append(None)       # placeholder, keeps the order
            groups[key]["parts"][seq] = msg
        codings = None
        for (frm, to, ref, total), g in groups.items():
            parts = g["parts"]
            if len(parts) < total:
                continue
            ordered = [parts[i] for i in sorted(parts)]
            data = b"".join(p["data"] for p in ordered)
            if codings is None:
                codings = self._access_codings()
            coding = "data"
            for c_frm, c_to, c_len, c_coding in codings:
                if (c_frm, c_to, c_len) == (frm, to, len(data)):
                    coding = {0: "text", 2: "ucs2"}.get(c_coding, "data")
            out[g["index"]] = dict(ordered[0], text=_decode(data, coding), data=data, udh=b"",
                                   coding=coding, parts=len(ordered),
                                   raw=b"\n".join(p["raw"] for p in ordered))
        return [m for m in out if m is not None]

    def wait_for(self, n, timeout=10):
        """Wait until sent() has at least n messages; returns sent()."""
        end = time.monotonic() + timeout
        while True:
            got = self.sent()
            if len(got) >= n:
                return got
            if time.monotonic() > end:
                raise AssertionError(f"fake SMSC got {len(got)} messages, wanted {n}: {got}")
            time.sleep(0.05)

    # ---------------------------------------------------------------- stop
    def stop(self, timeout=10):
        """Stop what start() started, in reverse order (fakesmsc, smsbox,
        bearerbox): SIGTERM to each of our PIDs and wait for it to exit, all
        within timeout seconds; SIGKILL whatever is left then.  Idempotent."""
        procs, self._procs = self._procs, []
        end = time.monotonic() + timeout
        for _, p in reversed(procs):
            if p.poll() is None:
                try:
                    p.send_signal(signal.SIGTERM)
                    p.wait(max(0.0, end - time.monotonic()))
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    pass
        for _, p in reversed(procs):
            if p.poll() is None:
                p.kill()
            p.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def __del__(self):
        try:
            self.stop(timeout=2)
        except Exception:
            pass


def _decode(data, coding):
    """Text of a message body: UTF-16BE for ucs2; else UTF-8 (Kannel keeps
    7-bit text as UTF-8 internally), or Latin-1 if it is not valid UTF-8."""
    if coding == "ucs2":
        return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _concat_info(udh):
    """(ref, total, seq) from a UDH with a concatenation IE, else None."""
    if len(udh) < 1:
        return None
    body, i = udh[1:1 + udh[0]], 0
    while i + 1 < len(body):
        iei, ln = body[i], body[i + 1]
        v = body[i + 2:i + 2 + ln]
        if iei == 0x00 and ln == 3 and len(v) == 3:
            return v[0], v[1], v[2]
        if iei == 0x08 and ln == 4 and len(v) == 4:
            return (v[0] << 8) | v[1], v[2], v[3]
        i += 2 + ln
    return None


def main():
    ap = argparse.ArgumentParser(description="Run a Kannel SMS gateway with a fake SMSC on loopback.")
    ap.add_argument("--dir", required=True, help="scratch directory for kannel.conf and the logs")
    a = ap.parse_args()
    stop = []
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.append(1))
    gw = KannelGateway(a.dir)
    try:
        gw.start()
        print("ready", gw.sendsms_url, flush=True)
        while not stop:
            time.sleep(0.2)
    finally:
        gw.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
