"""The Customer Care Registry flow over HTTP: a customer registers and raises
a ticket, an admin creates an agent and assigns it, customer and agent talk,
the customer closes it. Every refusal on the way."""

from conftest import bearer, chs_error, chs_ok


def test_customer_care_registry_flow(host):
    org = host.sign_up()
    admin = org.bearer()

    # A customer registers, verifies through the emailed link and raises a ticket.
    customer, cust_session = org.register_customer()
    assert customer["role"] == "customer"
    cust = bearer(cust_session)
    r = host.post("/eproc/tickets", json={"narrative": "my order never came",
                                          "contacts": {"fname": "Carla", "phone": "0722000333"}}, headers=cust)
    ticket = chs_ok(r, 201, "tickets", "Ticket Created")[0]
    tid = ticket["id"]
    assert (ticket["created_by"], ticket["assigned_to"], ticket["status"]) == (customer["id"], "", "open")

    # The customer may not set anything but the narrative.
    chs_error(host.post("/eproc/tickets", json={"narrative": "x", "priority": "high"}, headers=cust), 412,
              "a customer gives the narrative (and their contact details) only", "forbidden", "tickets")
    chs_error(host.post("/eproc/tickets/" + tid, json={"priority": "high"}, headers=cust), 412,
              "a customer may change only the narrative", "forbidden", "tickets", tid)
    chs_error(host.post("/eproc/tickets/%s/assign" % tid, json={"assigned_to": customer["id"]}, headers=cust), 412,
              "the customer role may not do this", "forbidden", "tickets", tid)
    edited = chs_ok(host.post("/eproc/tickets/" + tid, json={"narrative": "my order (#12) never came"},
                              headers=cust), 202, "tickets", "Ticket Updated")[0]
    assert edited["narrative"] == "my order (#12) never came"

    # The admin creates an agent and assigns the ticket.
    agent, agent_session = org.create_user(role="agent")
    ag = bearer(agent_session)
    chs_error(host.get("/eproc/tickets/" + tid, headers=ag), 412, "no ticket " + tid, "not_found", "tickets", tid,
              "id")
    assigned = chs_ok(host.post("/eproc/tickets/%s/assign" % tid, json={"assigned_to": agent["id"]},
                                headers=admin), 202, "tickets", "Ticket Assigned")[0]
    assert assigned["assigned_to"] == agent["id"]
    # "agent_id" names the agent too.
    assert chs_ok(host.post("/eproc/tickets/%s/assign" % tid, json={"agent_id": agent["id"]}, headers=admin), 202,
                  "tickets", "Ticket Assigned")[0]["assigned_to"] == agent["id"]
    chs_error(host.post("/eproc/tickets/%s/assign" % tid, json={"assigned_to": customer["id"]}, headers=admin), 412,
              "user %s is not an active agent of the organisation" % customer["id"], "invalid_argument", "tickets",
              tid, "assigned_to")
    chs_error(host.post("/eproc/tickets/%s/assign" % tid, json={}, headers=admin), 412, "assigned_to is required",
              "invalid_argument", "tickets", tid, "assigned_to")
    chs_error(host.post("/eproc/tickets/%s/assign" % tid, json={"agent_id": "0"}, headers=admin), 412,
              "agent_id isn't a valid record id", "invalid_argument", "tickets", tid, "agent_id")
    chs_error(host.post("/eproc/tickets/%s/assign" % tid, json={"to": "1"}, headers=admin), 412,
              'unknown field "to"', "invalid_argument", "tickets", tid, "to")
    chs_error(host.post("/eproc/tickets/%s/assign" % tid, json={"assigned_to": agent["id"]}, headers=ag), 412,
              "the agent role may not do this", "forbidden", "tickets", tid)

    # The agent now sees it; customer and agent exchange messages.
    assert chs_ok(host.get("/eproc/tickets/" + tid, headers=ag), 200, "tickets")[0]["id"] == tid
    m1 = chs_ok(host.post("/eproc/tickets/%s/messages" % tid, json={"body": "Where is my order?"}, headers=cust),
                201, "messages", "Message Created")[0]
    assert (m1["author_id"], m1["author_role"], m1["body"]) == (customer["id"], "customer", "Where is my order?")
    m2 = chs_ok(host.post("/eproc/tickets/%s/messages" % tid, json={"body": "It ships today."}, headers=ag), 201,
                "messages", "Message Created")[0]
    for session in (cust, ag, admin):
        thread = chs_ok(host.get("/eproc/tickets/%s/messages" % tid, headers=session), 200, "messages")
        assert [(m["id"], m["body"]) for m in thread] == [(m1["id"], "Where is my order?"),
                                                          (m2["id"], "It ships today.")]
    chs_error(host.post("/eproc/tickets/%s/messages" % tid, json={"body": "   "}, headers=cust), 412,
              "the message is empty", "invalid_argument", "messages", tid, "body")
    chs_error(host.post("/eproc/tickets/%s/messages" % tid, json={}, headers=cust), 412, "body is required",
              "invalid_argument", "messages", tid, "body")
    chs_error(host.post("/eproc/tickets/%s/messages" % tid, json={"body": "x", "to": "y"}, headers=cust), 412,
              'unknown field "to"', "invalid_argument", "messages", tid, "to")
    chs_error(host.post("/eproc/tickets/%s/messages" % tid, json={"body": ["x"]}, headers=cust), 412,
              "unexpected datatype, please try again", "invalid_argument", "messages", tid, "body")

    # Another customer and another agent of the organisation see nothing of it.
    _, other_cust = org.register_customer()
    _, other_agent = org.create_user(role="agent")
    for session in (bearer(other_cust), bearer(other_agent)):
        for r in (host.get("/eproc/tickets/" + tid, headers=session),
                  host.post("/eproc/tickets/" + tid, json={"narrative": "mine now"}, headers=session),
                  host.get("/eproc/tickets/%s/messages" % tid, headers=session),
                  host.post("/eproc/tickets/%s/close" % tid, headers=session),
                  host.get("/eproc/tickets/%s/history" % tid, headers=session)):
            assert r.status_code == 412, r.text
            assert r.json()["errors"][0][1:3] == ["no ticket " + tid, "not_found"], r.text
        r = host.post("/eproc/tickets/%s/messages" % tid, json={"body": "hi"}, headers=session)
        assert r.json()["errors"][0][1:3] == ["no ticket " + tid, "not_found"]
        assert host.get("/eproc/tickets/", headers=session).json()["tickets_ctx"] == [["total", "0"]]
    # Each lists only its own.
    assert [t["id"] for t in host.get("/eproc/tickets/", headers=cust).json()["tickets"]] == [tid]
    assert [t["id"] for t in host.get("/eproc/tickets/", headers=ag).json()["tickets"]] == [tid]

    # The customer closes the ticket; no more messages.
    chs_error(host.post("/eproc/tickets/%s/close" % tid, json={"why": "done"}, headers=cust), 412,
              'unknown field "why"', "invalid_argument", "tickets", tid, "why")
    closed = chs_ok(host.post("/eproc/tickets/%s/close" % tid, headers=cust), 202, "tickets", "Ticket Closed")[0]
    assert closed["status"] == "closed"
    chs_error(host.post("/eproc/tickets/%s/messages" % tid, json={"body": "one more"}, headers=ag), 412,
              "the ticket is closed", "invalid_argument", "messages", tid, "status")

    # The history tells the story.
    history = chs_ok(host.get("/eproc/tickets/%s/history" % tid, headers=admin), 200, "history")
    changes = [(h["field"], h["new_value"]) for h in history]
    assert ("assigned_to", agent["id"]) in changes and ("status", "closed") in changes
    assert ("narrative", "my order (#12) never came") in changes
    assert all(h["ticket_id"] == tid and h["created_on"] for h in history)


def test_cross_organisation_refusals(host):
    a, b = host.sign_up(), host.sign_up()
    ticket = a.ticket()
    tid = ticket["id"]
    agent_b, _ = b.create_user(role="agent")
    # b's admin cannot touch a's ticket; a's admin cannot assign b's agent.
    for r in (host.post("/eproc/tickets/%s/assign" % tid, json={"assigned_to": agent_b["id"]}, headers=b.bearer()),
              host.post("/eproc/tickets/%s/close" % tid, headers=b.bearer()),
              host.post("/eproc/tickets/%s/messages" % tid, json={"body": "hi"}, headers=b.bearer())):
        assert r.status_code == 412 and r.json()["errors"][0][1:3] == ["no ticket " + tid, "not_found"], r.text
    chs_error(host.post("/eproc/tickets/%s/assign" % tid, json={"assigned_to": agent_b["id"]}, headers=a.bearer()),
              412, "user %s is not an active agent of the organisation" % agent_b["id"], "invalid_argument",
              "tickets", tid, "assigned_to")
    seen = chs_ok(host.get("/eproc/tickets/" + tid, headers=a.bearer()), 200, "tickets")[0]
    assert (seen["assigned_to"], seen["status"]) == ("", "open")
