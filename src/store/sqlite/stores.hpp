// Internal to the SQLite store: the implementations of the store's
// interfaces, each made over the database's connection pool, and the SQL
// helpers that two of them share (a change of one record kind that writes
// another in the same transaction).
#pragma once

#include <memory>
#include <optional>

#include "store/sqlite/pool.hpp"
#include "store/store.hpp"

namespace switchboard::store::sqlite {

std::unique_ptr<AccountsStore> make_accounts_store(Pool& pool);
std::unique_ptr<SessionsStore> make_sessions_store(Pool& pool);
std::unique_ptr<OutboxStore> make_outbox_store(Pool& pool);
std::unique_ptr<ActivityStore> make_activity_store(Pool& pool);
std::unique_ptr<CasesStore> make_cases_store(Pool& pool);
std::unique_ptr<FilesStore> make_files_store(Pool& pool);
std::unique_ptr<CallsStore> make_calls_store(Pool& pool);
std::unique_ptr<QaStore> make_qa_store(Pool& pool);
std::unique_ptr<StatsStore> make_stats_store(Pool& pool);
std::unique_ptr<TextStore> make_text_store(Pool& pool);
std::unique_ptr<JobsStore> make_jobs_store(Pool& pool);
std::unique_ptr<EventsStore> make_events_store(Pool& pool);
std::unique_ptr<PresenceStore> make_presence_store(Pool& pool);
std::unique_ptr<MessagesStore> make_messages_store(Pool& pool);

// Shared statements (each runs inside the caller's transaction).
void put_outbox(SQLite::Database& db, const OutboxEmail& e, std::int64_t org_id);
std::string mail_vars_text(const std::map<std::string, std::string>& vars);  // a mail's template values as JSON
void end_sessions_of(SQLite::Database& db, std::int64_t user_id);
// The contact `current_id` (0: the organisation's with the same phone or
// email, or a new one) with the fields given; returns its id.
std::int64_t resolve_contact(SQLite::Database& db, std::int64_t org_id, std::int64_t current_id, const ContactFields& f);
std::optional<Call> load_call(SQLite::Database& db, const CallScope& scope, std::int64_t id);
Job insert_job_row(SQLite::Database& db, const NewJobRow& job);
bool finish_job_row(SQLite::Database& db, const JobDone& done);

}  // namespace switchboard::store::sqlite
