"""The live feed, GET /eproc/events: server-sent events and WebSocket, two
clients of different roles at once, resuming with Last-Event-ID, and the
refusals. The Customer Care Registry's chat is followed live by the
customer and the supervisor while the agent answers."""

import json
import queue
import re
import socket
import threading
import time
import urllib.parse

import pytest
import requests

from conftest import AUTH_REQUIRED, bearer, chs_error, chs_ok

try:
    import websocket  # Debian python3-websocket
except ImportError:
    websocket = None


class SseClient:
    """Reads a server-sent event stream on a thread of its own; `events` is a
    queue of (id, event, data) tuples, data parsed as JSON. A plain socket,
    so that close() ends the stream at once whatever the reader is doing."""

    def __init__(self, url, headers=None, params=None):
        m = re.fullmatch(r"http://([^:/]+):(\d+)(/.*)", url)
        target = m.group(3) + ("?" + urllib.parse.urlencode(params) if params else "")
        self.sock = socket.create_connection((m.group(1), int(m.group(2))), timeout=30)
        lines = ["GET %s HTTP/1.1" % target, "Host: %s" % m.group(1), "Accept: text/event-stream"]
        lines += ["%s: %s" % kv for kv in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.file = self.sock.makefile("rb")
        status_line = self.file.readline().decode()
        self.status = int(status_line.split(" ")[1])
        self.headers = {}
        while True:
            line = self.file.readline().decode().rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.body = None
        self.events = queue.Queue()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.body = json.loads(self.file.read(int(self.headers["content-length"])))

    def _read(self):
        fields = {}
        try:
            for raw in self.file:
                line = raw.decode().rstrip("\n")
                if line == "":
                    if "data" in fields:
                        self.events.put((fields.get("id"), fields.get("event", "message"), json.loads(fields["data"])))
                    fields = {}
                elif line.startswith(":"):
                    continue
                else:
                    name, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    fields[name] = fields[name] + "\n" + value if name in fields else value
        except (OSError, ValueError):
            pass

    def next(self, timeout=5.0):
        return self.events.get(timeout=timeout)

    def until(self, predicate, timeout=5.0):
        """The events up to and including the first that satisfies `predicate`."""
        seen = []
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("no such event; saw %r" % seen)
            try:
                e = self.events.get(timeout=left)
            except queue.Empty:
                raise AssertionError("no such event; saw %r" % seen)
            seen.append(e)
            if predicate(e):
                return seen

    def quiet(self, seconds=0.5):
        """The events that arrive within `seconds` (none expected, usually)."""
        got = []
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                got.append(self.events.get(timeout=max(0.01, deadline - time.time())))
            except queue.Empty:
                break
        return got

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def replay(host, session, after=None):
    """What a live feed shows after `after` (from now when None), up to its
    "ready": ([(event, data)], the ready's last_seq)."""
    client = SseClient(host.url + "/eproc/events", headers={"XAuthorization": "Bearer " + session},
                       params={"after": after} if after is not None else None)
    try:
        assert client.status == 200, client.body
        got = client.until(lambda e: e[1] == "ready")
    finally:
        client.close()
    return [(event, data) for _, event, data in got[:-1]], got[-1][2]["last_seq"]


def ready(client):
    ident, event, data = client.next()
    assert (ident, event) == (None, "ready"), (ident, event, data)
    return data["last_seq"]


def test_two_roles_follow_the_registry_chat_live(host):
    org = host.sign_up()
    admin = org.bearer()
    supervisor, sup_session = org.create_user(role="supervisor")
    agent, agent_session = org.create_user(role="agent")
    customer, cust_session = org.register_customer()
    _, other_session = org.register_customer()

    # The other customer's ticket, raised before anyone listens.
    other_ticket = chs_ok(host.post("/eproc/tickets", json={"narrative": "not yours"},
                                    headers=bearer(other_session)), 201, "tickets", "Ticket Created")[0]

    sup = SseClient(host.url + "/eproc/events", headers=bearer(sup_session))
    cust = SseClient(host.url + "/eproc/events", params={"token": cust_session})  # as an EventSource sends it
    try:
        assert sup.status == 200 and sup.headers["content-type"].startswith("text/event-stream")
        assert cust.status == 200
        start = ready(sup)
        assert ready(cust) == start  # both start at the organisation's last event

        ticket = chs_ok(host.post("/eproc/tickets", json={"narrative": "my order never came"},
                                  headers=bearer(cust_session)), 201, "tickets", "Ticket Created")[0]
        chs_ok(host.post("/eproc/tickets/%s/assign" % ticket["id"], json={"assigned_to": agent["id"]},
                         headers=admin), 202, "tickets", "Ticket Assigned")
        chs_ok(host.post("/eproc/tickets/%s/messages" % ticket["id"], json={"body": "It ships today."},
                         headers=bearer(agent_session)), 201, "messages", "Message Created")
        # Changes to the other customer's ticket: the supervisor sees them, the customer never.
        chs_ok(host.post("/eproc/tickets/%s/messages" % other_ticket["id"], json={"body": "private"},
                         headers=bearer(other_session)), 201, "messages", "Message Created")
        chs_ok(host.post("/eproc/tickets/%s/messages" % ticket["id"], json={"body": "Thank you!"},
                         headers=bearer(cust_session)), 201, "messages", "Message Created")

        seen = sup.until(lambda e: e[1] == "message.posted" and e[2]["data"]["message"]["body"] == "Thank you!")
        assert [(e[1], e[2]["subject"]) for e in seen] == [
            ("ticket.created", ticket["ticket_no"]), ("ticket.changed", ticket["ticket_no"]),
            ("message.posted", ticket["ticket_no"]), ("message.posted", other_ticket["ticket_no"]),
            ("message.posted", ticket["ticket_no"])]
        ids = [int(e[0]) for e in seen]
        assert ids == sorted(ids) and ids[0] > start and len(set(ids)) == len(ids)
        assert seen[2][2]["data"]["message"]["body"] == "It ships today."

        mine = cust.until(lambda e: e[1] == "message.posted" and e[2]["data"]["message"]["body"] == "Thank you!")
        assert [(e[1], e[2]["subject"]) for e in mine] == [
            ("ticket.created", ticket["ticket_no"]), ("ticket.changed", ticket["ticket_no"]),
            ("message.posted", ticket["ticket_no"]), ("message.posted", ticket["ticket_no"])]
        assert all(e[2]["subject"] != other_ticket["ticket_no"] for e in mine)
        assert cust.quiet(0.3) == []
        last_seen_by_customer = mine[-1][0]

        # While the customer is away, the agent answers twice; on reconnecting
        # with Last-Event-ID the customer gets both, then goes on live.
        cust.close()
        for body in ("Tracking number: 123", "Delivered?"):
            chs_ok(host.post("/eproc/tickets/%s/messages" % ticket["id"], json={"body": body},
                             headers=bearer(agent_session)), 201, "messages", "Message Created")
        chs_ok(host.post("/eproc/tickets/%s/messages" % other_ticket["id"], json={"body": "still private"},
                         headers=bearer(other_session)), 201, "messages", "Message Created")
        back = SseClient(host.url + "/eproc/events",
                         headers={**bearer(cust_session), "Last-Event-ID": last_seen_by_customer})
        try:
            missed = back.until(lambda e: e[1] == "ready")
            assert [e[2]["data"]["message"]["body"] for e in missed[:-1]] == ["Tracking number: 123", "Delivered?"]
            chs_ok(host.post("/eproc/tickets/%s/messages" % ticket["id"], json={"body": "Yes, thanks"},
                             headers=bearer(cust_session)), 201, "messages", "Message Created")
            live = back.next()
            assert live[1] == "message.posted" and live[2]["data"]["message"]["body"] == "Yes, thanks"
            assert int(live[0]) > int(missed[-2][0])
        finally:
            back.close()
    finally:
        sup.close()
        cust.close()


def test_resume_with_after_and_the_metrics_count_subscribers(host):
    org = host.sign_up()
    admin = org.bearer()
    for n in range(3):
        chs_ok(host.post("/eproc/tickets", json={"narrative": "ticket %d" % n}, headers=admin), 201, "tickets", "Ticket Created")
    # From the start of the organisation's events: all three, then ready.
    c = SseClient(host.url + "/eproc/events", headers=admin, params={"after": "0"})
    try:
        seen = c.until(lambda e: e[1] == "ready")
        assert [e[2]["data"]["narrative"] for e in seen[:-1]] == ["ticket 0", "ticket 1", "ticket 2"]
        assert seen[-1][2]["last_seq"] == int(seen[-2][0])
        metrics = requests.get(host.url + "/metrics", timeout=5).text
        subscribers = [l for l in metrics.splitlines() if l.startswith("switchboard_live_subscribers ")]
        assert subscribers and int(subscribers[0].split()[1]) >= 1
    finally:
        c.close()


def test_feed_refusals(host):
    r = requests.get(host.url + "/eproc/events", timeout=5)
    assert (r.status_code, r.json()) == (401, AUTH_REQUIRED)
    r = requests.get(host.url + "/eproc/events", params={"token": "not-a-session"}, timeout=5)
    assert (r.status_code, r.json()) == (401, AUTH_REQUIRED)
    org = host.sign_up()
    chs_error(requests.get(host.url + "/eproc/events", headers={**org.bearer(), "Last-Event-ID": "x"}, timeout=5),
              412, "Last-Event-ID must be an event number (0 or more)", "invalid_argument", "events", "",
              "Last-Event-ID")
    chs_error(requests.get(host.url + "/eproc/events", headers=org.bearer(), params={"after": "-3"}, timeout=5),
              412, "after must be an event number (0 or more)", "invalid_argument", "events", "", "after")


@pytest.mark.skipif(websocket is None, reason="python3-websocket is not installed")
def test_websocket_feed(host):
    org = host.sign_up()
    admin = org.bearer()
    ws = websocket.create_connection(host.url.replace("http://", "ws://") + "/eproc/events",
                                     header=["%s: %s" % kv for kv in admin.items()], timeout=5)
    try:
        first = json.loads(ws.recv())
        assert first["event"] == "ready" and first["id"] == ""
        ticket = chs_ok(host.post("/eproc/tickets", json={"narrative": "over a websocket"}, headers=admin), 201,
                        "tickets", "Ticket Created")[0]
        msg = json.loads(ws.recv())
        assert msg["event"] == "ticket.created" and int(msg["id"]) == first["data"]["last_seq"] + 1
        assert msg["data"]["subject"] == ticket["ticket_no"] and msg["data"]["data"]["narrative"] == "over a websocket"
    finally:
        ws.close()
