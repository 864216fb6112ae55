// Calls, recordings, QA scorecards and the helpline statistics: the rules.
#include "switchboard/calls.hpp"

#include <limits>

#include "accounts/internal.hpp"
#include "cases/internal.hpp"
#include "core/time.hpp"
#include "files/internal.hpp"

namespace switchboard {

namespace {

bool staff(const Principal& who) { return who.role == Role::admin || who.role == Role::supervisor; }

// The calls `who` sees: the organisation's, or an agent's own.
store::CallScope call_scope(const Principal& who) { return {who.org_id, staff(who) ? 0 : who.user_id}; }

Error no_call(std::int64_t id, const char* field = "id") {
    return Error(ErrorCode::not_found, "no call " + std::to_string(id), field);
}

void non_negative(const std::optional<int>& v, const char* field) {
    if (v && *v < 0) throw Error(ErrorCode::invalid_argument, std::string(field) + " must be 0 or more", field);
}

}  // namespace

Calls::Calls(Database& db, ListLimits limits) : db_(db), limits_(limits) {
    if (limits_.default_count < 1 || limits_.max_count < limits_.default_count)
        throw Error(ErrorCode::invalid_argument, "list limits: 1 <= default count <= max count", "list_limits");
}

Call Calls::create_call(const Principal& who, const CallFields& f) {
    auto& store = db_.store().calls();
    return detail::audited(db_, who, "create_call", "", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        Call c;
        c.org_id = who.org_id;
        c.direction = f.direction.value_or("inbound");
        if (c.direction != "inbound" && c.direction != "outbound")
            throw Error(ErrorCode::invalid_argument, "direction must be inbound or outbound", "direction");
        if (who.role == Role::agent) {
            if (f.agent_id && *f.agent_id != who.user_id)
                throw Error(ErrorCode::forbidden, "an agent records only their own calls");
            c.agent_id = who.user_id;
        } else if (f.agent_id && *f.agent_id) {
            auto role = db_.store().accounts().user_role(who.org_id, *f.agent_id);
            if (!role || !role->second || role->first == Role::customer)
                throw Error(ErrorCode::invalid_argument,
                            "user " + std::to_string(*f.agent_id) + " is not an active agent of the organisation",
                            "agent_id");
            c.agent_id = *f.agent_id;
        }
        auto text = [](const std::optional<std::string>& v, const char* field, std::size_t max) {
            if (v && v->size() > max)
                throw Error(ErrorCode::invalid_argument,
                            std::string(field) + " is over " + std::to_string(max) + " characters", field);
            return v.value_or("");
        };
        c.queue = text(f.queue, "queue", 100);
        c.caller = text(f.caller, "caller", 64);
        c.hangup_status = text(f.hangup_status, "hangup_status", 40);
        c.start_ms = f.start_ms.value_or(detail::now_ms());
        c.answer_ms = f.answer_ms.value_or(0);
        c.end_ms = f.end_ms.value_or(0);
        if (c.start_ms <= 0) throw Error(ErrorCode::invalid_argument, "start_ms must be a time", "start_ms");
        if (c.answer_ms && c.answer_ms < c.start_ms)
            throw Error(ErrorCode::invalid_argument, "the call was answered before it started", "answer_ms");
        if (c.end_ms && c.end_ms < std::max(c.start_ms, c.answer_ms))
            throw Error(ErrorCode::invalid_argument, "the call ended before it started or was answered", "end_ms");
        non_negative(f.wait_s, "wait_s");
        non_negative(f.talk_s, "talk_s");
        non_negative(f.hold_s, "hold_s");
        non_negative(f.activity_count, "activity_count");
        c.wait_s = f.wait_s.value_or(0);
        c.talk_s = f.talk_s.value_or(0);
        c.hold_s = f.hold_s.value_or(0);
        c.activity_count = f.activity_count.value_or(0);
        // A call links only a ticket its creator may read (the rule of
        // get_ticket) and a recording its creator may read (the rule of
        // attach_recording): one that exists but is out of reach is answered
        // as one that does not exist.
        if (f.ticket_id && *f.ticket_id) {
            if (!db_.store().cases().ticket(detail::ticket_scope(who), *f.ticket_id))
                throw Error(ErrorCode::invalid_argument, "no ticket " + std::to_string(*f.ticket_id), "ticket_id");
            c.ticket_id = *f.ticket_id;
        }
        if (f.recording_file_id && *f.recording_file_id) {
            if (!detail::readable_file(db_, who, *f.recording_file_id))
                throw Error(ErrorCode::invalid_argument, "no file " + std::to_string(*f.recording_file_id),
                            "recording_file_id");
            c.recording_file_id = *f.recording_file_id;
        }
        return store.insert_call(c);
    });
}

Call Calls::get_call(const Principal& who, std::int64_t id) {
    return detail::audited(db_, who, "get_call", "call " + std::to_string(id), [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        auto c = db_.store().calls().call(call_scope(who), id);
        if (!c) throw no_call(id);
        return *c;
    });
}

Page<Call> Calls::list_calls(const Principal& who, const ListQuery& query) {
    return detail::audited(db_, who, "list_calls", "", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        return db_.store().calls().list_calls(call_scope(who), query, limits_);
    });
}

void Calls::export_calls_csv(const Principal& who, const ListQuery& query, const CsvSink& sink) {
    detail::audited(db_, who, "export_calls_csv", "csv", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        db_.store().calls().calls_csv(call_scope(who), query, limits_, sink);
    });
}

PivotReport Calls::report_calls(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                                const std::vector<std::string>& yaxis) {
    return detail::audited(db_, who, "report_calls", "pivot", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        return db_.store().calls().pivot_calls(call_scope(who), query, xaxis, yaxis);
    });
}

Call Calls::attach_recording(const Principal& who, std::int64_t call_id, std::int64_t file_id) {
    return detail::audited(db_, who, "attach_recording",
                           "call " + std::to_string(call_id) + " file " + std::to_string(file_id), [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        // An agent attaches only a file they uploaded themselves.
        if (!detail::readable_file(db_, who, file_id))
            throw Error(ErrorCode::invalid_argument, "no file " + std::to_string(file_id), "file_id");
        auto c = db_.store().calls().set_recording(call_scope(who), call_id, file_id);
        if (!c) throw no_call(call_id);
        return *c;
    });
}

FileInfo Calls::recording(const Principal& who, std::int64_t call_id) {
    return detail::audited(db_, who, "call_recording", "call " + std::to_string(call_id), [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        auto c = db_.store().calls().call(call_scope(who), call_id);
        if (!c) throw no_call(call_id);
        if (!c->recording_file_id)
            throw Error(ErrorCode::not_found, "call " + std::to_string(call_id) + " has no recording", "file");
        auto f = db_.store().files().file(who.org_id, c->recording_file_id);
        if (!f) throw Error(ErrorCode::not_found, "the recording of call " + std::to_string(call_id) + " is gone", "file");
        return *f;
    });
}

// ------------------------------------------------------------ QA

QaRecord Calls::create_qa(const Principal& who, const QaFields& f) {
    return detail::audited(db_, who, "create_qa",
                           "call " + std::to_string(f.call_id.value_or(0)), [&] {
        detail::require_role(who, {Role::admin, Role::supervisor});
        if (!f.call_id || *f.call_id <= 0) throw Error(ErrorCode::invalid_argument, "call_id is required", "call_id");
        QaRecord r;
        r.org_id = who.org_id;
        r.call_id = *f.call_id;
        const std::pair<const char*, std::pair<const std::optional<int>*, int*>> scores[] = {
            {"opening", {&f.opening, &r.opening}},
            {"holding", {&f.holding, &r.holding}},
            {"politeness", {&f.politeness, &r.politeness}},
            {"enthusiasm", {&f.enthusiasm, &r.enthusiasm}},
            {"personalization", {&f.personalization, &r.personalization}},
            {"troubleshooting", {&f.troubleshooting, &r.troubleshooting}},
            {"listening", {&f.listening, &r.listening}},
            {"accuracy", {&f.accuracy, &r.accuracy}},
            {"resolution", {&f.resolution, &r.resolution}}};
        for (const auto& [name, pair] : scores) {
            const auto& [given, out] = pair;
            if (!*given || **given < 1 || **given > 5)
                throw Error(ErrorCode::invalid_argument, std::string(name) + " must be a score from 1 to 5", name);
            *out = **given;
        }
        r.comments = f.comments.value_or("");
        r.recommendations = f.recommendations.value_or("");
        if (r.comments.size() > 64 * 1024 || r.recommendations.size() > 64 * 1024)
            throw Error(ErrorCode::too_large, "comments and recommendations take at most 64 KiB each",
                        r.comments.size() > 64 * 1024 ? "comments" : "recommendations");
        r.reviewer_id = who.user_id;
        r.reviewer = who.username;
        auto saved = db_.store().qa().insert_qa(r);
        if (!saved) throw no_call(r.call_id, "call_id");
        return *saved;
    });
}

namespace {

// Agents read the scorecards of their own calls.
ListQuery qa_scope(const Principal& who, const ListQuery& q) {
    ListQuery scoped = q;
    if (!staff(who)) scoped.filters.emplace_back("call_agent_id", std::to_string(who.user_id));
    return scoped;
}

}  // namespace

QaRecord Calls::get_qa(const Principal& who, std::int64_t id) {
    return detail::audited(db_, who, "get_qa", "qa " + std::to_string(id), [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        auto r = db_.store().qa().qa(who.org_id, id);
        if (!r || (!staff(who) && r->call_agent_id != who.user_id))
            throw Error(ErrorCode::not_found, "no QA record " + std::to_string(id), "id");
        return *r;
    });
}

Page<QaRecord> Calls::list_qa(const Principal& who, const ListQuery& query) {
    return detail::audited(db_, who, "list_qa", "", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        return db_.store().qa().list_qa(who.org_id, qa_scope(who, query), limits_);
    });
}

void Calls::export_qa_csv(const Principal& who, const ListQuery& query, const CsvSink& sink) {
    detail::audited(db_, who, "export_qa_csv", "csv", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        db_.store().qa().qa_csv(who.org_id, qa_scope(who, query), limits_, sink);
    });
}

PivotReport Calls::report_qa(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                             const std::vector<std::string>& yaxis) {
    return detail::audited(db_, who, "report_qa", "pivot", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor, Role::agent});
        return db_.store().qa().pivot_qa(who.org_id, qa_scope(who, query), xaxis, yaxis);
    });
}

HelplineStats Calls::stats(const Principal& who, std::int64_t from_ms, std::int64_t to_ms) {
    return detail::audited(db_, who, "stats", "", [&] {
        detail::require_role(who, {Role::admin, Role::supervisor});
        if (from_ms < 0 || to_ms < 0)
            throw Error(ErrorCode::invalid_argument, "the range must be times or 0", from_ms < 0 ? "from" : "to");
        const std::int64_t until = to_ms == 0 ? std::numeric_limits<std::int64_t>::max() : to_ms;
        if (from_ms > until) throw Error(ErrorCode::invalid_argument, "the range ends before it starts", "to");
        auto s = db_.store().stats().stats(who.org_id, from_ms, until);
        s.to_ms = to_ms;  // 0 stays 0: no upper bound
        return s;
    });
}

}  // namespace switchboard
