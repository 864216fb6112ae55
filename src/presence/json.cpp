// Presence records as JSON, and its settings read from JSON.
#include <boost/json.hpp>

#include "core/json_parse.hpp"
#include "core/json_text.hpp"
#include "core/time.hpp"
#include "switchboard/error.hpp"
#include "switchboard/presence.hpp"

namespace switchboard {

namespace {

namespace bj = boost::json;

bj::array strings(const std::vector<std::string>& v) {
    bj::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
}

bj::object agent_obj(const AgentStatus& s) {
    bj::object o{{"user_id", s.user_id},
                 {"username", s.username},
                 {"state", to_string(s.state)},
                 {"reason", s.reason},
                 {"since_ms", s.since_ms},
                 {"last_seen_ms", s.last_seen_ms},
                 {"queues", strings(s.queues)},
                 {"call_id", s.call_id},
                 {"call_phone", s.call_phone},
                 {"call_queue", s.call_queue},
                 {"last_call_ms", s.last_call_ms},
                 {"wrap_up_until_ms", s.wrap_up_until_ms},
                 {"missed_offers", s.missed_offers},
                 {"idle_since_ms", s.idle_since_ms}};
    o["mic_permission"] = s.mic_permission ? bj::value(*s.mic_permission) : bj::value(nullptr);
    return o;
}

bj::object call_obj(const QueuedCall& c) {
    return {{"call_id", c.call_id},       {"queue", c.queue},         {"caller", c.caller},
            {"state", to_string(c.state)}, {"enqueued_ms", c.enqueued_ms}, {"offered_ms", c.offered_ms},
            {"answered_ms", c.answered_ms}, {"ended_ms", c.ended_ms},   {"agent_id", c.agent_id},
            {"overflow", c.overflow},       {"offers", c.offers}};
}

bj::object queue_status_obj(const QueueStatus& q) {
    return {{"name", q.name},
            {"waiting", q.waiting},
            {"longest_wait_ms", q.longest_wait_ms},
            {"agents", q.agents},
            {"available", q.available}};
}

bj::object queue_obj(const QueueSettings& q) {
    return {{"name", q.name},
            {"ring_timeout_ms", q.ring_timeout_ms},
            {"wrap_up_ms", q.wrap_up_ms},
            {"max_missed_offers", q.max_missed_offers},
            {"max_wait_ms", q.max_wait_ms},
            {"overflow", q.overflow}};
}

bj::object period_obj(const StatePeriod& p) {
    return {{"id", p.id},
            {"user_id", p.user_id},
            {"username", p.username},
            {"state", to_string(p.state)},
            {"reason", p.reason},
            {"day", p.day},
            {"started", detail::format_iso(p.started_ms)},
            {"ended", p.ended_ms ? bj::value(detail::format_iso(p.ended_ms)) : bj::value(nullptr)},
            {"started_ms", p.started_ms},
            {"ended_ms", p.ended_ms},
            {"seconds", p.seconds}};
}

}  // namespace

std::string to_json(const AgentStatus& s) { return detail::json_text(agent_obj(s)); }
std::string to_json(const QueuedCall& c) { return detail::json_text(call_obj(c)); }
std::string to_json(const QueueStatus& q) { return detail::json_text(queue_status_obj(q)); }
std::string to_json(const QueueSettings& q) { return detail::json_text(queue_obj(q)); }
std::string to_json(const StatePeriod& p) { return detail::json_text(period_obj(p)); }
std::string to_json(const Page<StatePeriod>& page) { return detail::json_page_text(page, period_obj); }
std::string to_json(const std::vector<QueueSettings>& queues) { return detail::json_array_text(queues, queue_obj); }
std::string to_json(const std::vector<QueuedCall>& calls) { return detail::json_array_text(calls, call_obj); }

std::string to_json(const Wallboard& w) {
    bj::array agents, queues, calls;
    for (const auto& a : w.agents) agents.push_back(agent_obj(a));
    for (const auto& q : w.queues) queues.push_back(queue_status_obj(q));
    for (const auto& c : w.calls) calls.push_back(call_obj(c));
    return detail::json_text(bj::object{
        {"now_ms", w.now_ms}, {"agents", std::move(agents)}, {"queues", std::move(queues)}, {"calls", std::move(calls)}});
}

std::string to_json(const PresenceSettings& s) {
    return detail::json_text(bj::object{{"break_reasons", strings(s.break_reasons)},
                                        {"heartbeat_timeout_ms", s.heartbeat_timeout_ms},
                                        {"join_confirms_at_once", s.join_confirms_at_once},
                                        {"join_ring_ms", s.join_ring_ms}});
}

QueueSettings queue_settings_from_json(std::string_view text) {
    const auto o = detail::parse_object(text);
    detail::only_keys(o, {"name", "ring_timeout_ms", "wrap_up_ms", "max_missed_offers", "max_wait_ms", "overflow"});
    QueueSettings q;
    if (auto v = detail::opt_string(o, "name")) q.name = *v;
    if (auto v = detail::opt_int64(o, "ring_timeout_ms")) q.ring_timeout_ms = *v;
    if (auto v = detail::opt_int64(o, "wrap_up_ms")) q.wrap_up_ms = *v;
    if (auto v = detail::opt_int64(o, "max_missed_offers")) {
        if (*v < 0 || *v > 1000) throw Error(ErrorCode::invalid_argument, "max_missed_offers must be 0 to 1000", "max_missed_offers");
        q.max_missed_offers = static_cast<int>(*v);
    }
    if (auto v = detail::opt_int64(o, "max_wait_ms")) q.max_wait_ms = *v;
    if (auto v = detail::opt_string(o, "overflow")) q.overflow = *v;
    return q;
}

PresenceSettingsPatch presence_settings_patch_from_json(std::string_view text) {
    const auto o = detail::parse_object(text);
    detail::only_keys(o, {"break_reasons", "heartbeat_timeout_ms", "join_confirms_at_once", "join_ring_ms"});
    PresenceSettingsPatch p;
    if (auto it = o.find("break_reasons"); it != o.end()) {
        if (!it->value().is_array()) detail::wrong_type("break_reasons", "an array of strings");
        p.break_reasons.emplace();
        for (const auto& v : it->value().as_array()) {
            if (!v.is_string()) detail::wrong_type("break_reasons", "an array of strings");
            p.break_reasons->emplace_back(v.as_string());
        }
    }
    p.heartbeat_timeout_ms = detail::opt_int64(o, "heartbeat_timeout_ms");
    p.join_confirms_at_once = detail::opt_bool(o, "join_confirms_at_once");
    p.join_ring_ms = detail::opt_int64(o, "join_ring_ms");
    return p;
}

}  // namespace switchboard
