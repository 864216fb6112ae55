// switchboard: calls, QA scorecards and the helpline statistics as JSON
// text, and call and QA input read from it. The conventions are json.hpp's.
#pragma once

#include <string>
#include <string_view>

#include "switchboard/calls.hpp"
#include "switchboard/list.hpp"

namespace switchboard::json {

std::string to_json(const Call& c);
std::string to_json(const Page<Call>& p);          // {"total": n, "items": [...]}
std::string to_json(const QaRecord& q);
std::string to_json(const Page<QaRecord>& p);
std::string to_json(const HelplineStats& s);

// Any of {"direction", "agent_id", "queue", "caller", "start_ms", "answer_ms",
// "end_ms", "wait_s", "talk_s", "hold_s", "hangup_status", "activity_count",
// "ticket_id", "recording_file_id"}
CallFields call_fields_from_json(std::string_view text);
// {"call_id", "opening", "holding", "politeness", "enthusiasm",
// "personalization", "troubleshooting", "listening", "accuracy",
// "resolution", "comments", "recommendations"}
QaFields qa_fields_from_json(std::string_view text);

}  // namespace switchboard::json
