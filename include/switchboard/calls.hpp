// switchboard: calls with their recordings, QA scorecards (OpenCHS 4, 6) and
// the helpline statistics (OpenCHS 10).
//
// Calls are created through this API (telephony adapters come later). Who
// sees which call: admins and supervisors every call of the organisation,
// an agent their own calls; customers none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/accounts.hpp"
#include "switchboard/files.hpp"
#include "switchboard/list.hpp"

namespace switchboard {

class Database;

struct Call {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string direction;           // inbound | outbound
    std::int64_t agent_id = 0;       // 0: not answered by an agent
    std::string queue;               // queue or context
    std::string caller;              // the other party's number
    std::int64_t start_ms = 0;
    std::int64_t answer_ms = 0;      // 0: not answered
    std::int64_t end_ms = 0;         // 0: still going
    int wait_s = 0, talk_s = 0, hold_s = 0;
    std::string hangup_status;       // answered | abandoned | missed | busy | failed | ""
    bool qa_done = false;
    int activity_count = 0;
    std::int64_t ticket_id = 0;
    std::int64_t recording_file_id = 0;
    std::int64_t created_ms = 0;
    std::string ricket;  // the latest analysis of its recording (Interactions::analyse_call_recording), "" when none
};

struct CallFields {
    std::optional<std::string> direction, queue, caller, hangup_status;
    std::optional<std::int64_t> agent_id, start_ms, answer_ms, end_ms, ticket_id, recording_file_id;
    std::optional<int> wait_s, talk_s, hold_s, activity_count;
};

struct QaRecord {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::int64_t call_id = 0;
    int opening = 0, holding = 0, politeness = 0, enthusiasm = 0, personalization = 0, troubleshooting = 0,
        listening = 0, accuracy = 0, resolution = 0;   // 1 to 5 each
    std::string comments, recommendations;
    std::int64_t reviewer_id = 0;
    std::string reviewer;
    std::int64_t created_ms = 0;
    // From the call, for lists and reports.
    std::int64_t call_agent_id = 0;
    std::string call_direction;
    std::string call_ricket;  // the call's analysis, next to the scorecard ("" when none)
};

struct QaFields {
    std::optional<std::int64_t> call_id;
    std::optional<int> opening, holding, politeness, enthusiasm, personalization, troubleshooting, listening,
        accuracy, resolution;
    std::optional<std::string> comments, recommendations;
};

struct HelplineStats {
    std::int64_t from_ms = 0, to_ms = 0;   // the range counted (inclusive); to_ms 0: no upper bound
    std::int64_t inbound_calls = 0, outbound_calls = 0, tickets = 0, emails = 0, sms = 0;
};

class Calls {
public:
    Calls(Database& db, ListLimits limits = {});

    // Admins and supervisors record any call; an agent their own.
    Call create_call(const Principal& who, const CallFields& fields);
    Call get_call(const Principal& who, std::int64_t call_id);
    // Filters: id, direction, agent_id, queue,
    // caller, hangup_status, qa_done, activity_count, ticket_id,
    // wait_s, start (time), created_on (time).
    Page<Call> list_calls(const Principal& who, const ListQuery& query);
    void export_calls_csv(const Principal& who, const ListQuery& query, const CsvSink& sink);
    // Group fields: agent_id, queue, direction, hangup_status, wait_s, qa_done, activity_count.
    PivotReport report_calls(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                             const std::vector<std::string>& yaxis);
    // Attaches an uploaded file of the organisation as the call's recording.
    Call attach_recording(const Principal& who, std::int64_t call_id, std::int64_t file_id);
    // The recording's file record (not_found when the call has none).
    FileInfo recording(const Principal& who, std::int64_t call_id);

    // QA: admins and supervisors score a call; creating a scorecard marks the
    // call qa_done. A score outside 1-5 or a missing call is refused with the
    // field named.
    QaRecord create_qa(const Principal& who, const QaFields& fields);
    QaRecord get_qa(const Principal& who, std::int64_t qa_id);
    // Filters: id, call_id, each score, reviewer_id, created_on,
    // call_agent_id (the call's agent), call_direction (the call's direction).
    Page<QaRecord> list_qa(const Principal& who, const ListQuery& query);
    void export_qa_csv(const Principal& who, const ListQuery& query, const CsvSink& sink);
    // Group fields: call_agent_id, call_direction and each score.
    PivotReport report_qa(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                          const std::vector<std::string>& yaxis);

    // Inbound and outbound calls, tickets, emails and SMS created in
    // [from_ms, to_ms] (0, 0: all time). Admins and supervisors.
    HelplineStats stats(const Principal& who, std::int64_t from_ms = 0, std::int64_t to_ms = 0);

private:
    Database& db_;
    ListLimits limits_;
};

}  // namespace switchboard
