// sb_db: options, opening and closing a database.
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

Principal principal(sb_db* db, const char* token, const char* endpoint) {
    Principal who = db->accounts.authenticate(text(token, "token"), TokenKind::access);
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
        *opts = sb_db_options SB_DB_OPTIONS_INIT;
    });
}

SB_EXTERN int sb_db_open(sb_db** out, const char* path, const sb_db_options* opts) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const std::string file(text(path, "path"));
        sb_db_options defaults = SB_DB_OPTIONS_INIT;
        const sb_db_options& c = opts != nullptr ? *opts : defaults;
        const DatabaseOptions db_options = database_options(c);
        const AccountsOptions acc_options = accounts_options(c.accounts);
        auto handle = std::make_unique<sb_db>(Database::open(file, db_options), acc_options);
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
        *out = db->database.schema_version();
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
