// sb_db: options, opening and closing a database.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <type_traits>
#include <string>

#include "capi_internal.hpp"

namespace switchboard::capi {

namespace {

void check_version(unsigned int got, unsigned int known, const char* what, const char* field) {
    if (got == 0 || got > known)
        throw Error(ErrorCode::invalid_argument,
                    std::string(what) + " version " + std::to_string(got) +
                        " is not supported (this switchboard knows versions 1 to " +
                        std::to_string(known) + ")",
                    field);
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

AccountsOptions accounts_options(const sb_accounts_options& c) {
    check_version(c.version, SB_ACCOUNTS_OPTIONS_VERSION, "sb_accounts_options", "accounts.version");
    AccountsOptions o;
    take(o.pwhash_opslimit, c.pwhash_opslimit, "pwhash_opslimit");
    take(o.pwhash_memlimit, c.pwhash_memlimit, "pwhash_memlimit");
    take(o.session_idle_ms, c.session_idle_ms, "session_idle_ms");
    take(o.session_absolute_ms, c.session_absolute_ms, "session_absolute_ms");
    take(o.dev_token_absolute_ms, c.dev_token_absolute_ms, "dev_token_absolute_ms");
    take(o.verification_ttl_ms, c.verification_ttl_ms, "verification_ttl_ms");
    take(o.reset_code_ttl_ms, c.reset_code_ttl_ms, "reset_code_ttl_ms");
    take(o.reset_code_max_attempts, c.reset_code_max_attempts, "reset_code_max_attempts");
    take(o.max_failed_sign_ins, c.max_failed_sign_ins, "max_failed_sign_ins");
    take(o.failed_window_ms, c.failed_window_ms, "failed_window_ms");
    take(o.lockout_ms, c.lockout_ms, "lockout_ms");
    take(o.list_limits.default_count, c.list_default_count, "list_default_count");
    take(o.list_limits.max_count, c.list_max_count, "list_max_count");
    if (c.public_url != nullptr && c.public_url[0] != '\0') o.public_url = c.public_url;
    return o;
}

// The layout of sb_db_options version 1, which ends after `accounts`: a
// version 1 caller's struct is this long, so nothing past it is read or
// written for version 1.
struct sb_db_options_v1 {
    unsigned int version;
    int busy_timeout_ms;
    int reader_connections;
    int synchronous_full;
    int must_exist;
    sb_accounts_options accounts;
};
static_assert(offsetof(sb_db_options, accounts) == offsetof(sb_db_options_v1, accounts));
static_assert(offsetof(sb_db_options, files_dir) >= sizeof(sb_db_options_v1),
              "version 2 fields must come after the end of version 1");

// The bytes of sb_db_options that a struct of `version` has.
std::size_t db_options_size(unsigned int version) {
    return version == 1 ? sizeof(sb_db_options_v1) : sizeof(sb_db_options);
}

// Where files live: files_dir when given, else "<directory of the database
// file>/files"; "" (none) for an in-memory database without files_dir.
void files_options(const sb_db_options& c, const std::string& path, SwitchboardOptions& o) {
    if (c.version >= 2) {
        take(o.max_file_bytes, c.max_file_bytes, "max_file_bytes");
        if (c.files_dir != nullptr && c.files_dir[0] != '\0') {
            o.files_dir = c.files_dir;
            return;
        }
    }
    if (path == ":memory:" || path.empty()) return;
    o.files_dir = (std::filesystem::path(path).parent_path() / "files").string();
}

DatabaseOptions database_options(const sb_db_options& c) {
    check_version(c.version, SB_DB_OPTIONS_VERSION, "sb_db_options", "version");
    DatabaseOptions o;
    take(o.busy_timeout_ms, c.busy_timeout_ms, "busy_timeout_ms");
    take(o.reader_connections, c.reader_connections, "reader_connections");
    o.synchronous_full = c.synchronous_full != 0;
    o.create = c.must_exist == 0;
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
        check_version(version, SB_ACCOUNTS_OPTIONS_VERSION, "sb_accounts_options", "version");
        *opts = sb_accounts_options SB_ACCOUNTS_OPTIONS_INIT;
    });
}

SB_EXTERN int sb_db_options_init(sb_db_options* opts, unsigned int version) {
    return guard([&] {
        require(opts, "opts");
        check_version(version, SB_DB_OPTIONS_VERSION, "sb_db_options", "version");
        sb_db_options defaults = SB_DB_OPTIONS_INIT;
        defaults.version = version;
        // Only the fields of that version: an older caller's struct is shorter.
        std::memcpy(static_cast<void*>(opts), &defaults, db_options_size(version));
    });
}

SB_EXTERN int sb_db_open(sb_db** out, const char* path, const sb_db_options* opts) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const std::string file(text(path, "path"));
        sb_db_options defaults = SB_DB_OPTIONS_INIT;
        const sb_db_options& c = opts != nullptr ? *opts : defaults;
        SwitchboardOptions o;
        o.database = database_options(c);
        o.accounts = accounts_options(c.accounts);
        files_options(c, file, o);
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

SB_EXTERN int sb_db_latest_schema_version(int* out) {
    if (out != nullptr) *out = 0;
    return guard([&] {
        require(out, "out");
        *out = Database::latest_schema_version();
    });
}

}  // extern "C"
