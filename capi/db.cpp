// sb_db: options, opening and closing a database.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <memory>
#include <type_traits>
#include <string>

#include "capi_internal.hpp"

namespace switchboard::capi {

namespace {

// The first version of sb_db_options this library reads: versions 1 and 2
// (switchboard 0.1) embedded sb_accounts_options and are refused.
constexpr unsigned int first_db_options_version = 3;

void check_version(unsigned int got, unsigned int first, unsigned int known, const char* what, const char* field) {
    if (got < first || got > known)
        throw Error(ErrorCode::invalid_argument,
                    std::string(what) + " version " + std::to_string(got) +
                        " is not supported (this switchboard knows " +
                        (first == known ? "version " + std::to_string(known)
                                        : "versions " + std::to_string(first) + " to " + std::to_string(known)) +
                        ")",
                    field);
}

void check_db_options_version(unsigned int got) {
    if (got >= 1 && got < first_db_options_version)
        throw Error(ErrorCode::invalid_argument,
                    "sb_db_options version " + std::to_string(got) +
                        " is the layout of switchboard 0.1 (accounts options held inline), which this switchboard "
                        "no longer reads: rebuild against its switchboard.h (SB_DB_OPTIONS_VERSION " +
                        std::to_string(SB_DB_OPTIONS_VERSION) +
                        ", accounts options through a pointer); see CHANGELOG.md, 0.2.0",
                    "version");
    check_version(got, first_db_options_version, SB_DB_OPTIONS_VERSION, "sb_db_options", "version");
}

// Copies a C option when it is set (non-zero); refuses a negative one.
template <class T, class U>
void take(T& target, U value, const char* field) {
    if constexpr (std::is_signed_v<U>) {
        if (value < 0)
            throw Error(ErrorCode::invalid_argument,
                        std::string(field) + " must not be negative (0 keeps the default)", field);
    }
    if (value != 0) target = static_cast<T>(value);
}

AccountsOptions accounts_options(const sb_accounts_options* c) {
    AccountsOptions o;
    if (c == nullptr) return o;
    check_version(c->version, 1, SB_ACCOUNTS_OPTIONS_VERSION, "sb_accounts_options", "accounts.version");
    take(o.pwhash_opslimit, c->pwhash_opslimit, "pwhash_opslimit");
    take(o.pwhash_memlimit, c->pwhash_memlimit, "pwhash_memlimit");
    take(o.session_idle_ms, c->session_idle_ms, "session_idle_ms");
    take(o.session_absolute_ms, c->session_absolute_ms, "session_absolute_ms");
    take(o.dev_token_absolute_ms, c->dev_token_absolute_ms, "dev_token_absolute_ms");
    take(o.verification_ttl_ms, c->verification_ttl_ms, "verification_ttl_ms");
    take(o.reset_code_ttl_ms, c->reset_code_ttl_ms, "reset_code_ttl_ms");
    take(o.reset_code_max_attempts, c->reset_code_max_attempts, "reset_code_max_attempts");
    take(o.max_failed_sign_ins, c->max_failed_sign_ins, "max_failed_sign_ins");
    take(o.failed_window_ms, c->failed_window_ms, "failed_window_ms");
    take(o.lockout_ms, c->lockout_ms, "lockout_ms");
    take(o.list_limits.default_count, c->list_default_count, "list_default_count");
    take(o.list_limits.max_count, c->list_max_count, "list_max_count");
    if (c->public_url != nullptr && c->public_url[0] != '\0') o.public_url = c->public_url;
    return o;
}

// Where files live: files_dir when given, else "<directory of the database
// file>/files"; "" (none) for an in-memory database without files_dir.
void files_options(const sb_db_options& c, const std::string& path, SwitchboardOptions& o) {
    take(o.max_file_bytes, c.max_file_bytes, "max_file_bytes");
    if (c.files_dir != nullptr && c.files_dir[0] != '\0') {
        o.files_dir = c.files_dir;
        return;
    }
    if (path == ":memory:" || path.empty()) return;
    o.files_dir = (std::filesystem::path(path).parent_path() / "files").string();
}

// The C name of a JobsOptions member, for the core's refusals.
const char* job_field(const std::string& member) {
    if (member == "workers") return "job_workers";
    if (member == "lease_ms") return "job_lease_ms";
    if (member == "max_attempts") return "job_max_attempts";
    if (member == "retry_backoff_ms" || member == "max_backoff_ms") return "job_retry_backoff_ms";
    if (member == "max_backlog_bytes") return "max_backlog_bytes";
    return nullptr;
}

// The job options and the sealing key. job_workers: 0 keeps the default, a
// negative value runs no worker. The ranges are the core's (JobsOptions::
// validate); its refusal is reworded with the C field's name.
void jobs_options(const sb_db_options& c, SwitchboardOptions& o) {
    JobsOptions& j = o.jobs;
    if (c.job_workers < 0)
        j.workers = 0;
    else if (c.job_workers > 0)
        j.workers = c.job_workers;
    take(j.lease_ms, c.job_lease_ms, "job_lease_ms");
    take(j.max_attempts, c.job_max_attempts, "job_max_attempts");
    take(j.retry_backoff_ms, c.job_retry_backoff_ms, "job_retry_backoff_ms");
    // The backoff doubles up to a cap the C options do not expose: a first
    // wait above the cap raises it (as the Python binding does).
    j.max_backoff_ms = std::max(j.max_backoff_ms, j.retry_backoff_ms);
    take(j.max_backlog_bytes, c.max_backlog_bytes, "max_backlog_bytes");
    if (c.key_file != nullptr && c.key_file[0] != '\0') o.key_file = c.key_file;
    try {
        j.validate();
    } catch (const Error& e) {
        const char* field = job_field(e.field());
        if (field == nullptr) throw;
        std::string message = e.what();
        if (message.rfind(e.field(), 0) == 0) message = field + message.substr(e.field().size());
        if (std::string_view(field) == "job_workers")
            message += " (here 0 keeps the default, " + std::to_string(JobsOptions{}.workers) +
                       ", and a negative value runs no worker)";
        throw Error(e.code(), message, field);
    }
}

// The mail fields (version 4 on).
void mail_options(const sb_db_options& c, SwitchboardOptions& o) {
    if (c.version < 4) return;
    MailerOptions& m = o.mail;
    if (c.smtp_url != nullptr) m.smtp.url = c.smtp_url;
    if (c.smtp_tls != nullptr && c.smtp_tls[0] != '\0') m.smtp.tls = c.smtp_tls;
    if (c.smtp_username != nullptr) m.smtp.username = c.smtp_username;
    if (c.smtp_password != nullptr) m.smtp.password = c.smtp_password;
    if (c.smtp_from != nullptr && c.smtp_from[0] != '\0') m.from = c.smtp_from;
    take(m.smtp.timeout_ms, c.smtp_timeout_ms, "smtp_timeout_ms");
    take(m.max_attempts, c.mail_max_attempts, "mail_max_attempts");
    m.validate();  // names the C fields
    if (c.mail_fetch_ms < 0) o.messages.mail_fetch_ms = 0;
    else if (c.mail_fetch_ms > 0) o.messages.mail_fetch_ms = c.mail_fetch_ms;
    o.messages.validate();
}

DatabaseOptions database_options(const sb_db_options& c) {
    DatabaseOptions o;
    take(o.busy_timeout_ms, c.busy_timeout_ms, "busy_timeout_ms");
    take(o.reader_connections, c.reader_connections, "reader_connections");
    o.synchronous_full = c.synchronous_full != 0;
    o.create = c.must_exist == 0;
    if (c.version >= 6 && c.record_cache_bytes != 0)
        o.record_cache_bytes = c.record_cache_bytes < 0 ? 0 : static_cast<std::size_t>(c.record_cache_bytes);
    return o;
}

}  // namespace

CsvSink c_sink(sb_csv_sink sink, void* data) {
    if (sink == nullptr) throw Error(ErrorCode::invalid_argument, "sink is NULL", "sink");
    return [sink, data](std::string_view piece) {
        const int rc = sink(data, piece.data(), piece.size());
        if (rc != 0) throw SinkStopped(rc);
    };
}

std::vector<std::string> axis_list(const char* csv) {
    std::vector<std::string> out;
    const std::string_view all = optional_text(csv);
    std::size_t start = 0;
    while (start <= all.size()) {
        std::size_t end = all.find(',', start);
        if (end == std::string_view::npos) end = all.size();
        std::string_view item = all.substr(start, end - start);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        start = end + 1;
    }
    return out;
}

Files& files_of(sb_db* db) {
    try {
        return db->core.files();
    } catch (const Error& e) {
        if (e.field() != "files_dir") throw;
        throw Error(e.code(), "this database has no files directory: open it with sb_db_options.files_dir set",
                    "files_dir");
    }
}

Principal any_principal(sb_db* db, const char* token, const char* endpoint) {
    Principal who = db->core.accounts().authenticate_any(text(token, "token"));
    who.endpoint = endpoint;
    return who;
}

Principal principal(sb_db* db, const char* token, const char* endpoint) {
    Principal who = db->core.accounts().authenticate(text(token, "token"), TokenKind::access);
    who.endpoint = endpoint;
    return who;
}

}  // namespace switchboard::capi

using namespace switchboard;
using namespace switchboard::capi;

extern "C" {

SB_EXTERN int sb_accounts_options_init(sb_accounts_options* opts, unsigned int version) {
    return guard([&] {
        require(opts, "opts");
        check_version(version, 1, SB_ACCOUNTS_OPTIONS_VERSION, "sb_accounts_options", "version");
        *opts = sb_accounts_options SB_ACCOUNTS_OPTIONS_INIT;
    });
}

// The call fields (version 5 on).
void call_options(const sb_db_options& c, SwitchboardOptions& o) {
    if (c.version < 5) return;
    InteractionOptions& i = o.interactions;
    if (c.max_call_seconds != 0) i.max_call_seconds = c.max_call_seconds;
    if (c.hold_min_ms != 0) i.hold_min_ms = c.hold_min_ms;
    try {
        i.validate();
    } catch (const Error& e) {
        const std::string field = e.field() == "hold_min_ms" ? "hold_min_ms" : e.field();
        throw Error(e.code(), e.what(), field);
    }
    const std::string stt = c.stt != nullptr ? c.stt : "";
    if (stt.empty() || stt == "none") return;
    if (stt != "pocketsphinx")
        throw Error(ErrorCode::invalid_argument, "stt must be \"pocketsphinx\", \"none\" or NULL", "stt");
    PocketSphinxOptions p;
    if (c.stt_preset != nullptr && c.stt_preset[0] != '\0') p.preset = c.stt_preset;
    try {
        i.transcriber = make_pocketsphinx(p);
    } catch (const Error& e) {
        throw Error(e.code(), e.what(), e.field() == "preset" ? "stt_preset" : "stt");
    }
}

SB_EXTERN int sb_db_options_init(sb_db_options* opts, unsigned int version) {
    return guard([&] {
        require(opts, "opts");
        check_db_options_version(version);
        // Only the fields of the version asked for: an older caller's
        // struct is shorter.
        const sb_db_options defaults = SB_DB_OPTIONS_INIT;
        const std::size_t size = version >= 6   ? sizeof(sb_db_options)
                                 : version >= 5 ? offsetof(sb_db_options, record_cache_bytes)
                                 : version >= 4 ? offsetof(sb_db_options, stt)
                                                : offsetof(sb_db_options, smtp_url);
        std::memcpy(opts, &defaults, size);
        opts->version = version;
    });
}

SB_EXTERN int sb_db_open(sb_db** out, const char* path, const sb_db_options* opts) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const std::string file(text(path, "path"));
        const sb_db_options defaults = SB_DB_OPTIONS_INIT;
        const sb_db_options& c = opts != nullptr ? *opts : defaults;
        // The version first: nothing after it is read from a struct of a
        // version this library refuses.
        check_db_options_version(c.version);
        SwitchboardOptions o;
        o.database = database_options(c);
        o.accounts = accounts_options(c.accounts);
        files_options(c, file, o);
        jobs_options(c, o);
        mail_options(c, o);
        call_options(c, o);
        auto handle = std::make_unique<sb_db>(file, std::move(o));
        *out = handle.release();
    });
}

SB_EXTERN int sb_db_close(sb_db* db) {
    return guard([&] { delete db; });
}

SB_EXTERN int sb_db_schema_version(sb_db* db, int* out) {
    if (out != nullptr) *out = 0;
    return guard([&] {
        require(db, "db");
        require(out, "out");
        *out = db->core.database().schema_version();
    });
}

SB_EXTERN int sb_db_record_cache_stats(sb_db* db, sb_record_cache_stats* out) {
    if (out != nullptr) *out = sb_record_cache_stats{};
    return guard([&] {
        require(db, "db");
        require(out, "out");
        const RecordCacheStats s = db->core.database().record_cache_stats();
        *out = {s.hits, s.misses, s.records, s.bytes, s.max_bytes};
    });
}

SB_EXTERN int sb_db_latest_schema_version(int* out) {
    if (out != nullptr) *out = 0;
    return guard([&] {
        require(out, "out");
        *out = Database::latest_schema_version();
    });
}

}  // extern "C"
