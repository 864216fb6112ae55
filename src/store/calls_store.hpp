// Internal: every SQL statement about files, calls, QA scorecards and the
// helpline statistics. The rules live in src/calls and src/files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/calls.hpp"
#include "switchboard/files.hpp"
#include "switchboard/list.hpp"
#include "switchboard/store.hpp"

namespace switchboard::store {

class CallsStore {
public:
    explicit CallsStore(Database::Impl& db) : db_(db) {}

    FileInfo insert_file(const FileInfo& f);
    std::optional<FileInfo> file(std::int64_t org_id, std::int64_t id);
    Page<FileInfo> list_files(std::int64_t org_id, const ListQuery& q, const ListLimits& limits);

    // agent_id != 0 narrows every call read to that agent's calls.
    Call insert_call(const Call& c);
    std::optional<Call> call(std::int64_t org_id, std::int64_t agent_id, std::int64_t id);
    Page<Call> list_calls(std::int64_t org_id, std::int64_t agent_id, const ListQuery& q, const ListLimits& limits);
    void calls_csv(std::int64_t org_id, std::int64_t agent_id, const ListQuery& q, const ListLimits& limits,
                   const CsvSink& sink);
    PivotReport pivot_calls(std::int64_t org_id, std::int64_t agent_id, const ListQuery& q,
                            const std::vector<std::string>& xaxis, const std::vector<std::string>& yaxis);
    std::optional<Call> set_recording(std::int64_t org_id, std::int64_t agent_id, std::int64_t call_id,
                                      std::int64_t file_id);

    // Inserts the scorecard and marks the call qa_done, in one transaction;
    // nullopt when the call is not the organisation's.
    std::optional<QaRecord> insert_qa(const QaRecord& r);
    std::optional<QaRecord> qa(std::int64_t org_id, std::int64_t id);
    Page<QaRecord> list_qa(std::int64_t org_id, const ListQuery& q, const ListLimits& limits);
    void qa_csv(std::int64_t org_id, const ListQuery& q, const ListLimits& limits, const CsvSink& sink);
    PivotReport pivot_qa(std::int64_t org_id, const ListQuery& q, const std::vector<std::string>& xaxis,
                         const std::vector<std::string>& yaxis);

    HelplineStats stats(std::int64_t org_id, std::int64_t from_ms, std::int64_t to_ms);

    // The role of an active user of the organisation (for agent checks).
    std::optional<Role> active_role(std::int64_t org_id, std::int64_t user_id);
    bool ticket_exists(std::int64_t org_id, std::int64_t ticket_id);

private:
    Database::Impl& db_;
};

}  // namespace switchboard::store
