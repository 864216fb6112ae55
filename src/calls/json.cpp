// Calls, QA scorecards and the helpline statistics as JSON, and call and QA
// input read from JSON.
#include <boost/json.hpp>

#include "core/json_parse.hpp"
#include "core/json_text.hpp"
#include "switchboard/calls_json.hpp"

namespace switchboard::json {

namespace bj = boost::json;

using detail::only_keys;
using detail::opt_int;
using detail::opt_int64;
using detail::opt_string;
using detail::parse_object;

namespace {

bj::object call_obj(const Call& c) {
    return {{"id", c.id},
            {"direction", c.direction},
            {"agent_id", c.agent_id},
            {"queue", c.queue},
            {"caller", c.caller},
            {"start_ms", c.start_ms},
            {"answer_ms", c.answer_ms},
            {"end_ms", c.end_ms},
            {"wait_s", c.wait_s},
            {"talk_s", c.talk_s},
            {"hold_s", c.hold_s},
            {"hangup_status", c.hangup_status},
            {"qa_done", c.qa_done},
            {"activity_count", c.activity_count},
            {"ticket_id", c.ticket_id},
            {"recording_file_id", c.recording_file_id},
            {"created_ms", c.created_ms},
            {"ricket", c.ricket}};
}

bj::object qa_obj(const QaRecord& q) {
    return {{"id", q.id},
            {"call_id", q.call_id},
            {"opening", q.opening},
            {"holding", q.holding},
            {"politeness", q.politeness},
            {"enthusiasm", q.enthusiasm},
            {"personalization", q.personalization},
            {"troubleshooting", q.troubleshooting},
            {"listening", q.listening},
            {"accuracy", q.accuracy},
            {"resolution", q.resolution},
            {"comments", q.comments},
            {"recommendations", q.recommendations},
            {"reviewer_id", q.reviewer_id},
            {"reviewer", q.reviewer},
            {"created_ms", q.created_ms},
            {"call_agent_id", q.call_agent_id},
            {"call_direction", q.call_direction},
            {"call_ricket", q.call_ricket}};
}

}  // namespace

std::string to_json(const Call& c) { return detail::json_text(call_obj(c)); }
std::string to_json(const Page<Call>& p) { return detail::json_page_text(p, call_obj); }
std::string to_json(const QaRecord& q) { return detail::json_text(qa_obj(q)); }
std::string to_json(const Page<QaRecord>& p) { return detail::json_page_text(p, qa_obj); }
std::string to_json(const HelplineStats& s) {
    return detail::json_text(bj::object{{"from_ms", s.from_ms},
                                        {"to_ms", s.to_ms},
                                        {"inbound_calls", s.inbound_calls},
                                        {"outbound_calls", s.outbound_calls},
                                        {"tickets", s.tickets},
                                        {"emails", s.emails},
                                        {"sms", s.sms}});
}

CallFields call_fields_from_json(std::string_view text) {
    auto o = parse_object(text);
    only_keys(o, {"direction", "agent_id", "queue", "caller", "start_ms", "answer_ms", "end_ms", "wait_s", "talk_s",
                  "hold_s", "hangup_status", "activity_count", "ticket_id", "recording_file_id"});
    CallFields f;
    f.direction = opt_string(o, "direction");
    f.agent_id = opt_int64(o, "agent_id");
    f.queue = opt_string(o, "queue");
    f.caller = opt_string(o, "caller");
    f.start_ms = opt_int64(o, "start_ms");
    f.answer_ms = opt_int64(o, "answer_ms");
    f.end_ms = opt_int64(o, "end_ms");
    f.wait_s = opt_int(o, "wait_s");
    f.talk_s = opt_int(o, "talk_s");
    f.hold_s = opt_int(o, "hold_s");
    f.hangup_status = opt_string(o, "hangup_status");
    f.activity_count = opt_int(o, "activity_count");
    f.ticket_id = opt_int64(o, "ticket_id");
    f.recording_file_id = opt_int64(o, "recording_file_id");
    return f;
}

QaFields qa_fields_from_json(std::string_view text) {
    auto o = parse_object(text);
    only_keys(o, {"call_id", "opening", "holding", "politeness", "enthusiasm", "personalization", "troubleshooting",
                  "listening", "accuracy", "resolution", "comments", "recommendations"});
    QaFields f;
    f.call_id = opt_int64(o, "call_id");
    f.opening = opt_int(o, "opening");
    f.holding = opt_int(o, "holding");
    f.politeness = opt_int(o, "politeness");
    f.enthusiasm = opt_int(o, "enthusiasm");
    f.personalization = opt_int(o, "personalization");
    f.troubleshooting = opt_int(o, "troubleshooting");
    f.listening = opt_int(o, "listening");
    f.accuracy = opt_int(o, "accuracy");
    f.resolution = opt_int(o, "resolution");
    f.comments = opt_string(o, "comments");
    f.recommendations = opt_string(o, "recommendations");
    return f;
}

}  // namespace switchboard::json
