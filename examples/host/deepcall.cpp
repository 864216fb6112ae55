// switchboard-host: the DeepCall agent profile API v2 (seed 003), over the
// presence API and the events.
//
// Every endpoint is POST /deepcall/api/v2/agentProfile/<name> with a JSON
// body; the caller is the session whose access token is the body's "ssid".
// Every answer is HTTP 200:
//   {"data": ..., "status": "success", "code": 200}
//   {"status": "error", "code": 1501, "message": "Agent id not match"}
// with the seed's numbered codes and messages, word for word.
//
//   tags            the caller's recent notifications (missed and offered
//                   calls, their tickets' changes and messages, calls
//                   waiting), with "iconDetails"
//   breakStatus     the caller's break: 1502 when not on one
//   setBreak        starts a break ({"reason"}) or ends it ({"on_break": 0})
//   setWebPingTime  a heartbeat with the microphone permission
//   wrapUpStatus    the caller's wrap-up: 1504 when not in one
//   setWrapUp       ends it ({"end": 1}) or extends it ({"extend": seconds})
#include <boost/json.hpp>

#include <algorithm>
#include <optional>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dialect.hpp"
#include "pipeline.hpp"
#include "switchboard/events.hpp"
#include "switchboard/presence.hpp"
#include "switchboard/time.hpp"

namespace switchboard::host {

namespace {

namespace json = boost::json;

constexpr std::string_view kDialect = "deepcall";
const std::string kBase = "/deepcall/api/v2/agentProfile/";

// ------------------------------------------------------------------ the seed's codes

struct Code {
    int code;
    std::string_view message;
};

constexpr Code kInvalid{1000, "Invalid Parameters"};
constexpr Code kWentWrong{1009, "Something Went Wrong"};
constexpr Code kDbDetails{1032, "Error Getting DB Details"};
constexpr Code kNoSsid{1044, "SSID File Not Exist"};
constexpr Code kAgentMismatch{1501, "Agent id not match"};
constexpr Code kNotOnBreak{1502, "On break is : 0"};
constexpr Code kPingSsid{1503, "SSID not valid for setWebPingTime"};
constexpr Code kNotInWrapUp{1504, "Agent not in wrap time"};
constexpr Code kMissingMic{1505, "Missing required parameters:mic_perm"};
constexpr Code kPingTimeType{1506, "Cannot update [ping_time] as it is of incompatible type"};

constexpr Code kRefusals[] = {kInvalid,   kWentWrong,  kDbDetails,   kNoSsid,     kAgentMismatch,
                              kNotOnBreak, kPingSsid,  kNotInWrapUp, kMissingMic, kPingTimeType};

Response answer(json::object body) { return Response::json(200, json_text(body)); }

Response error(const Code& c) {
    return answer(json::object{{"status", "error"}, {"code", c.code}, {"message", c.message}});
}

Response success(json::value data, json::object extra = {}) {
    json::object o;
    o["data"] = std::move(data);
    for (auto& kv : extra) o[kv.key()] = std::move(kv.value());
    o["status"] = "success";
    o["code"] = 200;
    return answer(std::move(o));
}

// A refusal the host decides: the seed's message, and after ": " what the
// activity log says besides ("Invalid Parameters: reason is required").
[[noreturn]] void refuse(const Code& c, std::string_view detail = {}) {
    std::string message(c.message);
    if (!detail.empty()) message += ": " + std::string(detail);
    throw Refusal{std::move(message)};
}

const Code& code_of(const std::string& message) {
    for (const Code& c : kRefusals)
        if (message.compare(0, c.message.size(), c.message) == 0 &&
            (message.size() == c.message.size() || message.compare(c.message.size(), 2, ": ") == 0))
            return c;
    return kInvalid;
}

// ------------------------------------------------------------------ what the dialect remembers

// Where each user's previous tags read ended ("ref": true starts there),
// and, per organisation, a few (seq, time) pairs of events seen, so that a
// read of the last hour need not start at the oldest event kept. Both live
// in the host's memory: after a restart, "ref" reads the last hour again.
class Memory {
public:
    std::optional<std::int64_t> previous_read(std::int64_t org_id, std::int64_t user_id) {
        std::lock_guard<std::mutex> lock(mu_);
        const auto it = reads_.find({org_id, user_id});
        if (it == reads_.end()) return std::nullopt;
        return it->second;
    }

    void set_previous_read(std::int64_t org_id, std::int64_t user_id, std::int64_t seq) {
        std::lock_guard<std::mutex> lock(mu_);
        reads_[{org_id, user_id}] = seq;
    }

    // An event seq before which (allowing for a minute of disorder between
    // numbering and timestamps) every event of the organisation is older
    // than `time_ms`; 0 when none is known.
    std::int64_t seq_before(std::int64_t org_id, std::int64_t time_ms) {
        std::lock_guard<std::mutex> lock(mu_);
        const auto it = marks_.find(org_id);
        if (it == marks_.end()) return 0;
        const auto& marks = it->second;
        for (auto m = marks.rbegin(); m != marks.rend(); ++m)
            if (m->second < time_ms - 60'000) return m->first;
        return 0;
    }

    void mark(std::int64_t org_id, std::int64_t seq, std::int64_t time_ms) {
        std::lock_guard<std::mutex> lock(mu_);
        auto& marks = marks_[org_id];
        marks[seq] = time_ms;
        while (marks.size() > 256) marks.erase(marks.begin());
    }

private:
    std::mutex mu_;
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> reads_;
    std::map<std::int64_t, std::map<std::int64_t, std::int64_t>> marks_;
};

struct DeepCall {
    Context& ctx;
    Events& events;
    Memory memory;

    explicit DeepCall(Context& c) : ctx(c), events(c.core.events()) {}
};

// ------------------------------------------------------------------ the exchange

// A DeepCall request (pipeline.hpp): every outcome is HTTP 200 with the
// seed's code. setWebPingTime answers an ssid that is not valid, or not an
// agent's, with its own code (1503).
class Exchange final : public EndpointCall {
public:
    DeepCall& dc;
    bool ping;

    Exchange(DeepCall& d, const Request& r, bool ping_endpoint) : EndpointCall(r, kDialect), dc(d), ping(ping_endpoint) {}

    // Writes the activity entry of a request that ends well without a core
    // operation that records itself (a read of the events, a heartbeat).
    void record(std::string_view summary) {
        core_called = true;
        dc.ctx.activity.record(who, who.endpoint, true, summary);
    }

private:
    Response unauthorized() const override {
        if (credential.empty()) return error(kInvalid);
        return error(ping ? kPingSsid : kNoSsid);
    }
    Response refused(const Refusal& r) const override { return error(code_of(r.message)); }
    Response datatype(const DatatypeError&) const override { return error(kInvalid); }
    Response core_error(const Error& e) const override {
        switch (e.code()) {
            case ErrorCode::unauthorized: return unauthorized();
            case ErrorCode::forbidden:
            case ErrorCode::password_change_required: return error(ping ? kPingSsid : kAgentMismatch);
            case ErrorCode::invalid_argument:
            case ErrorCode::not_found:
            case ErrorCode::too_large: return error(kInvalid);
            case ErrorCode::schema:
            case ErrorCode::storage:
                log_error(kDialect, req, e.what());
                return error(kDbDetails);
            default:
                log_error(kDialect, req, e.what());
                return error(kWentWrong);
        }
    }
    Response system_failure(std::string_view what) const override {
        log_error(kDialect, req, what);
        return error(kWentWrong);
    }
};

using Fn = Response (*)(Exchange&);

// The body: JSON, whatever the Content-Type says (the seed's own examples,
// curl --data-raw and axios with a string, send it as a form's type); a
// real form (ssid=...&mic_perm=1) is read as one.
Params read_body(const Request& req) {
    if (req.is_form) {
        const auto start = req.body.find_first_not_of(" \t\r\n");
        if (start != std::string::npos && req.body[start] == '{') {
            Request json_request;
            json_request.body = req.body;
            return Params::from_body(json_request);
        }
    }
    return Params::from_body(req);
}

// The ssid: a string member of the body ("" when absent or of another type).
std::string ssid_of(const Request&, const Params& params) {
    const json::value* v = params.find("ssid");
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Handler endpoint(const std::shared_ptr<DeepCall>& dc, bool ping, Fn fn) {
    Gate gate{read_body, ssid_of, token_of(dc->ctx.accounts, TokenKind::access), &dc->ctx.activity};
    return [dc, ping, gate = std::move(gate), fn](const Request& req) {
        Exchange c(*dc, req, ping);
        return run(c, gate, [&] { return fn(c); });
    };
}

// ------------------------------------------------------------------ parameters

// Refuses a parameter the endpoint does not take (a misspelt one would
// otherwise be ignored), and an agent_id that is not the caller's.
void check_params(Exchange& c, std::initializer_list<std::string_view> names) {
    for (const auto& kv : c.params.object()) {
        const std::string_view key = kv.key();
        if (key == "ssid" || key == "agent_id") continue;
        if (std::find(names.begin(), names.end(), key) == names.end())
            refuse(kInvalid, "unknown parameter " + safe_name(key));
    }
    if (const json::value* v = c.params.find("agent_id")) {
        std::optional<std::int64_t> id;
        if (v->is_int64()) id = v->as_int64();
        else if (v->is_uint64()) id = -1;  // larger than any id
        else if (v->is_string()) id = parse_whole(v->as_string());
        if (!id) throw DatatypeError{"agent_id"};
        if (*id != c.who.user_id) refuse(kAgentMismatch);
    }
}

std::string iso(std::int64_t ms) { return ms ? format_time(ms) : std::string(); }

std::int64_t seconds_until(std::int64_t until_ms, std::int64_t now) {
    return until_ms > now ? (until_ms - now + 999) / 1000 : 0;
}

// The agent's state, as the three changing endpoints answer it.
json::object agent_data(const AgentStatus& s) {
    const std::int64_t now = now_ms();
    json::object o{{"agent_id", s.user_id},
                   {"username", s.username},
                   {"state", to_string(s.state)},
                   {"since", iso(s.since_ms)},
                   {"on_break", s.state == AgentState::on_break ? 1 : 0},
                   {"break_reason", s.state == AgentState::on_break ? s.reason : std::string()},
                   {"in_wrap_up", s.state == AgentState::wrap_up ? 1 : 0},
                   {"wrap_up_remaining", s.state == AgentState::wrap_up ? seconds_until(s.wrap_up_until_ms, now) : 0},
                   {"last_ping", iso(s.last_seen_ms)}};
    o["mic_perm"] = s.mic_permission ? json::value(*s.mic_permission ? 1 : 0) : json::value(nullptr);
    return o;
}

// ------------------------------------------------------------------ tags

struct Tag {
    std::string type, subject, message;
    std::int64_t time_ms = 0;
    std::int64_t seq = 0;
};

struct Icon {
    std::string_view type, icon, action;
};

// One icon and one action per notification type, in the order iconDetails lists them.
constexpr Icon kIcons[] = {
    {"missed_call", "call_missed", "call_back"},       {"incoming_call", "ring_volume", "answer_call"},
    {"calls_waiting", "queue", "open_queue"},          {"ticket_assigned", "assignment_ind", "open_ticket"},
    {"ticket_changed", "edit_note", "open_ticket"},    {"new_message", "chat", "open_ticket"},
};

constexpr std::size_t kMaxTags = 100;

std::string member(const json::value& v, std::string_view key) {
    if (!v.is_object()) return {};
    const json::value* m = v.as_object().if_contains(key);
    if (!m) return {};
    if (m->is_string()) return std::string(m->as_string());
    if (m->is_int64()) return std::to_string(m->as_int64());
    return {};
}

std::int64_t number(const json::value& v, std::string_view key) {
    if (!v.is_object()) return 0;
    const json::value* m = v.as_object().if_contains(key);
    return m && m->is_int64() ? m->as_int64() : 0;
}

std::string call_words(const json::value& data) {
    const std::string caller = member(data, "caller");
    const std::string queue = member(data, "queue");
    std::string s = caller.empty() ? std::string() : " from " + caller;
    if (!queue.empty()) s += " (" + queue + ")";
    return s;
}

// The notification an event makes for `who`, if any. Events::read has
// already applied the rule of who may see it; this keeps what is about the
// caller: their offers, their tickets (as the agent or as the customer),
// messages others posted on them.
std::optional<Tag> tag_of(const Principal& who, const Event& e) {
    json::error_code ec;
    const json::value data = json::parse(e.data, ec);
    Tag t;
    t.subject = e.subject;
    t.time_ms = e.time_ms;
    t.seq = e.seq;
    const bool mine = e.assigned_to == who.user_id || e.created_by == who.user_id;
    if (e.type == "offer.missed" && e.assigned_to == who.user_id) {
        t.type = "missed_call";
        t.message = "Missed call" + call_words(data);
    } else if (e.type == "call.offered" && e.assigned_to == who.user_id) {
        t.type = "incoming_call";
        t.message = "Call" + call_words(data);
    } else if (e.type == "ticket.created" && e.assigned_to == who.user_id && who.role != Role::customer) {
        t.type = "ticket_assigned";
        t.message = "Ticket " + e.subject + " is assigned to you";
    } else if (e.type == "ticket.changed" && mine) {
        t.type = "ticket_changed";
        const std::string status = member(data, "status");
        t.message = "Ticket " + e.subject + " was updated" + (status.empty() ? "" : " (" + status + ")");
    } else if (e.type == "message.posted" && mine) {
        const json::value* m = data.is_object() ? data.as_object().if_contains("message") : nullptr;
        if (m && number(*m, "author_id") == who.user_id) return std::nullopt;  // one's own
        t.type = "new_message";
        const std::string author = m ? member(*m, "author") : std::string();
        t.message = "New message" + (author.empty() ? "" : " from " + author) + " on ticket " + e.subject;
    } else {
        return std::nullopt;
    }
    return t;
}

Response tags(Exchange& c) {
    check_params(c, {"ref"});
    const bool ref = c.params.flag("ref").value_or(false);
    DeepCall& dc = c.dc;
    const std::int64_t now = now_ms();
    const std::int64_t hour_ago = now - 3'600'000;
    const auto previous = ref ? dc.memory.previous_read(c.who.org_id, c.who.user_id) : std::nullopt;
    // With ref after an earlier read: every event since it; otherwise the last hour.
    std::int64_t after = previous ? *previous : dc.memory.seq_before(c.who.org_id, hour_ago);
    const std::int64_t since_ms = previous ? 0 : hour_ago;

    std::deque<Tag> found;  // newest last, at most kMaxTags
    std::map<std::string, Tag> queues;  // the latest count of each queue's waiting calls
    for (int batches = 0; batches < 1000; ++batches) {
        const EventBatch batch = dc.events.read(c.who, after, 500);
        for (const Event& e : batch.events) {
            if (e.time_ms < since_ms) continue;
            if (e.type == "queue.changed") {
                json::error_code ec;
                const json::value data = json::parse(e.data, ec);
                const std::int64_t waiting = number(data, "waiting");
                Tag t{"calls_waiting", e.subject,
                      std::to_string(waiting) + (waiting == 1 ? " call" : " calls") + " waiting in " + e.subject,
                      e.time_ms, waiting > 0 ? e.seq : 0};
                queues[e.subject] = std::move(t);  // seq 0: none waiting now
                continue;
            }
            if (auto t = tag_of(c.who, e)) {
                found.push_back(std::move(*t));
                if (found.size() > kMaxTags) found.pop_front();
            }
        }
        if (!batch.events.empty()) dc.memory.mark(c.who.org_id, batch.events.back().seq, batch.events.back().time_ms);
        if (batch.last_seq <= after) break;
        after = batch.last_seq;
    }
    std::vector<Tag> all(found.begin(), found.end());
    for (auto& [name, t] : queues)
        if (t.seq) all.push_back(std::move(t));
    std::sort(all.begin(), all.end(), [](const Tag& a, const Tag& b) { return a.seq > b.seq; });
    if (all.size() > kMaxTags) all.resize(kMaxTags);

    json::array data;
    std::set<std::string> types;
    for (const Tag& t : all) {
        types.insert(t.type);
        data.push_back(json::object{{"type", t.type}, {"subject", t.subject}, {"time", iso(t.time_ms)},
                                    {"message", t.message}});
    }
    json::array icons;
    for (const Icon& i : kIcons)
        if (types.count(std::string(i.type)))
            icons.push_back(json::object{{"type", i.type}, {"icon", i.icon}, {"action", i.action}});

    dc.memory.set_previous_read(c.who.org_id, c.who.user_id, after);
    c.record(std::to_string(all.size()) + (all.size() == 1 ? " notification" : " notifications") +
             (previous ? " since the previous read" : " of the last hour"));
    return success(std::move(data), json::object{{"iconDetails", std::move(icons)}});
}

// ------------------------------------------------------------------ breaks

Response break_status(Exchange& c) {
    check_params(c, {});
    const AgentStatus s = c.core([&] { return c.dc.ctx.presence.status(c.who); });
    if (s.state != AgentState::on_break) refuse(kNotOnBreak);
    return success(json::object{{"agent_id", s.user_id},
                                {"on_break", 1},
                                {"reason", s.reason},
                                {"since", iso(s.since_ms)},
                                {"seconds", std::max<std::int64_t>(0, (now_ms() - s.since_ms) / 1000)}});
}

Response set_break(Exchange& c) {
    check_params(c, {"on_break", "reason"});
    const bool on_break = c.params.flag("on_break").value_or(true);
    const auto reason = c.params.string("reason");
    Presence& presence = c.dc.ctx.presence;
    if (!on_break) {
        if (reason) refuse(kInvalid, "reason is given with on_break 0");
        try {
            return success(agent_data(c.core([&] { return presence.end_break(c.who); })));
        } catch (const Error& e) {
            if (e.code() == ErrorCode::conflict) refuse(kNotOnBreak);
            throw;
        }
    }
    if (!reason) refuse(kInvalid, "reason is required");
    return success(agent_data(c.core([&] { return presence.start_break(c.who, *reason); })));
}

// ------------------------------------------------------------------ heartbeat

Response set_web_ping_time(Exchange& c) {
    check_params(c, {"mic_perm", "ping_time"});
    if (!c.params.has("mic_perm")) refuse(kMissingMic);
    const bool mic = *c.params.flag("mic_perm");
    json::value ping_time = nullptr;
    if (const json::value* v = c.params.find("ping_time")) {
        if (v->is_number()) ping_time = *v;
        else if (c.params.from_form() && v->is_string() && parse_whole(v->as_string())) ping_time = *parse_whole(v->as_string());
        else refuse(kPingTimeType);
    }
    // The core keeps heartbeats out of the activity log (they come every
    // few seconds); the request is recorded here, as every request is.
    const AgentStatus s = c.dc.ctx.presence.heartbeat(c.who, mic);
    c.record(std::string("heartbeat, mic_perm ") + (mic ? "1" : "0"));
    json::object data = agent_data(s);
    data["ping_time"] = std::move(ping_time);
    return success(std::move(data));
}

// ------------------------------------------------------------------ wrap-up

Response wrap_up_status(Exchange& c) {
    check_params(c, {});
    const AgentStatus s = c.core([&] { return c.dc.ctx.presence.status(c.who); });
    if (s.state != AgentState::wrap_up) refuse(kNotInWrapUp);
    return success(json::object{{"agent_id", s.user_id},
                                {"in_wrap_up", 1},
                                {"remaining", seconds_until(s.wrap_up_until_ms, now_ms())},
                                {"until", iso(s.wrap_up_until_ms)},
                                {"since", iso(s.since_ms)},
                                {"call_id", s.call_id}});
}

Response set_wrap_up(Exchange& c) {
    check_params(c, {"end", "extend"});
    const bool end = c.params.flag("end").value_or(false);
    const auto extend = c.params.integer("extend");
    if (end == extend.has_value()) refuse(kInvalid, "give either end 1 or extend (seconds)");
    // Bounds the product below; the core decides the allowed range.
    if (extend && (*extend < -86'400 || *extend > 86'400)) refuse(kInvalid, "extend is out of range");
    Presence& presence = c.dc.ctx.presence;
    try {
        const AgentStatus s = extend ? c.core([&] { return presence.extend_wrap_up(c.who, *extend * 1000); })
                                     : c.core([&] { return presence.end_wrap_up(c.who); });
        return success(agent_data(s));
    } catch (const Error& e) {
        if (e.code() == ErrorCode::conflict) refuse(kNotInWrapUp);
        throw;
    }
}

// The transport's refusals under the dialect's path (no such endpoint,
// another method, a body over the limit), with its HTTP status, in its shape.
Response transport_error(const Request&, int status) {
    return Response::json(status, json_text(json::object{
                                      {"status", "error"}, {"code", status}, {"message", transport_reason(status)}}));
}

}  // namespace

void register_deepcall(Server& server, Context& ctx) {
    auto dc = std::make_shared<DeepCall>(ctx);
    server.route("POST", kBase + "tags", endpoint(dc, false, tags));
    server.route("POST", kBase + "breakStatus", endpoint(dc, false, break_status));
    server.route("POST", kBase + "setBreak", endpoint(dc, false, set_break));
    server.route("POST", kBase + "setWebPingTime", endpoint(dc, true, set_web_ping_time));
    server.route("POST", kBase + "wrapUpStatus", endpoint(dc, false, wrap_up_status));
    server.route("POST", kBase + "setWrapUp", endpoint(dc, false, set_wrap_up));
    server.on_error("/deepcall/", transport_error);
}

}  // namespace switchboard::host
