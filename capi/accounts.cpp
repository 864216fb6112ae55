// Sign-up, sign-in, tokens, passwords and users through the C API.
#include <string>

#include "capi_internal.hpp"
#include "switchboard/json.hpp"

using namespace switchboard;
using namespace switchboard::capi;

extern "C" {

// ---------------------------------------------------------------- sign-up, sign-in

SB_EXTERN int sb_accounts_sign_up(sb_db* db, char** out_json, const char* request_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const SignUp request = json::sign_up_from_json(text(request_json, "request_json"));
        *out_json = to_c_string(json::to_json(db->core.accounts().sign_up(request)));
    });
}

SB_EXTERN int sb_accounts_verify_email(sb_db* db, int* out_ok, const char* key) {
    if (out_ok != nullptr) *out_ok = 0;
    return guard([&] {
        require(db, "db");
        require(out_ok, "out_ok");
        *out_ok = db->core.accounts().verify_email(text(key, "key")) ? 1 : 0;
    });
}

SB_EXTERN int sb_accounts_sign_in(sb_db* db, char** out_session_json, const char* login,
                                  const char* password) {
    reset_out(out_session_json);
    return guard([&] {
        require(db, "db");
        require(out_session_json, "out_session_json");
        const Session s =
            db->core.accounts().sign_in(text(login, "login"), text(password, "password"), "sb_accounts_sign_in");
        *out_session_json = to_c_string(json::to_json(s));
    });
}

SB_EXTERN int sb_accounts_sign_out(sb_db* db, const char* token) {
    return guard([&] {
        require(db, "db");
        db->core.accounts().sign_out(text(token, "token"));
    });
}

SB_EXTERN int sb_accounts_authenticate(sb_db* db, char** out_principal_json, const char* token, int kind) {
    reset_out(out_principal_json);
    return guard([&] {
        require(db, "db");
        require(out_principal_json, "out_principal_json");
        if (kind != SB_TOKEN_ACCESS && kind != SB_TOKEN_DEV)
            throw Error(ErrorCode::invalid_argument,
                        "kind must be SB_TOKEN_ACCESS or SB_TOKEN_DEV, not " + std::to_string(kind), "kind");
        const Principal who = db->core.accounts().authenticate(
            text(token, "token"), kind == SB_TOKEN_DEV ? TokenKind::dev : TokenKind::access);
        *out_principal_json = to_c_string(json::to_json(who));
    });
}

SB_EXTERN int sb_dev_token_issue(sb_db* db, char** out_session_json, const char* email,
                                 const char* username, const char* dev_key) {
    reset_out(out_session_json);
    return guard([&] {
        require(db, "db");
        require(out_session_json, "out_session_json");
        const Session s = db->core.accounts().issue_dev_token(text(email, "email"), text(username, "username"),
                                                       text(dev_key, "dev_key"));
        *out_session_json = to_c_string(json::to_json(s));
    });
}

// ---------------------------------------------------------------- passwords

SB_EXTERN int sb_accounts_request_password_reset(sb_db* db, const char* email) {
    return guard([&] {
        require(db, "db");
        db->core.accounts().request_password_reset(text(email, "email"));
    });
}

SB_EXTERN int sb_accounts_reset_password(sb_db* db, const char* email, const char* code,
                                         const char* new_password) {
    return guard([&] {
        require(db, "db");
        db->core.accounts().reset_password(text(email, "email"), text(code, "code"),
                                    text(new_password, "new_password"));
    });
}

SB_EXTERN int sb_accounts_change_password(sb_db* db, const char* token, const char* current_password,
                                          const char* new_password) {
    return guard([&] {
        require(db, "db");
        const std::string_view current = text(current_password, "current_password");
        const std::string_view next = text(new_password, "new_password");
        db->core.accounts().change_password(principal(db, token, "sb_accounts_change_password"), current, next);
    });
}

SB_EXTERN int sb_accounts_admin_reset_password(sb_db* db, char** out_temporary_password, const char* token,
                                               int64_t user_id) {
    reset_out(out_temporary_password);
    return guard([&] {
        require(db, "db");
        require(out_temporary_password, "out_temporary_password");
        const auto reset = db->core.accounts().admin_reset_password(
            principal(db, token, "sb_accounts_admin_reset_password"), user_id);
        *out_temporary_password = to_c_string(reset.temporary_password);
    });
}

// ---------------------------------------------------------------- users

SB_EXTERN int sb_accounts_register_customer(sb_db* db, char** out_json, const char* request_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Registration request = json::registration_from_json(text(request_json, "request_json"));
        *out_json = to_c_string(json::to_json(db->core.accounts().register_customer(request)));
    });
}

SB_EXTERN int sb_user_create(sb_db* db, char** out_json, const char* token, const char* fields_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_user_create");
        const UserFields fields = json::user_fields_from_json(text(fields_json, "fields_json"));
        *out_json = to_c_string(json::to_json(db->core.accounts().create_user(who, fields)));
    });
}

SB_EXTERN int sb_user_update(sb_db* db, char** out_json, const char* token, int64_t user_id,
                             const char* fields_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_user_update");
        const UserFields fields = json::user_fields_from_json(text(fields_json, "fields_json"));
        *out_json = to_c_string(json::to_json(db->core.accounts().update_user(who, user_id, fields)));
    });
}

SB_EXTERN int sb_user_get(sb_db* db, char** out_json, const char* token, int64_t user_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_user_get");
        *out_json = to_c_string(json::to_json(db->core.accounts().get_user(who, user_id)));
    });
}

SB_EXTERN int sb_user_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_user_list");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(json::to_json(db->core.accounts().list_users(who, query)));
    });
}

SB_EXTERN int sb_user_deactivate(sb_db* db, const char* token, int64_t user_id) {
    return guard([&] {
        require(db, "db");
        db->core.accounts().deactivate_user(principal(db, token, "sb_user_deactivate"), user_id);
    });
}

SB_EXTERN int sb_user_export_csv(sb_db* db, sb_csv_sink sink, void* sink_data, const char* token,
                                 const char* query_json) {
    return guard([&] {
        require(db, "db");
        const CsvSink out = c_sink(sink, sink_data);
        const Principal who = principal(db, token, "sb_user_export_csv");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        db->core.accounts().export_users_csv(who, query, out);
    });
}

SB_EXTERN int sb_user_export_csv_string(sb_db* db, char** out_csv, const char* token, const char* query_json) {
    reset_out(out_csv);
    return guard([&] {
        require(db, "db");
        require(out_csv, "out_csv");
        const Principal who = principal(db, token, "sb_user_export_csv_string");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_csv = csv_string([&](const CsvSink& sink) { db->core.accounts().export_users_csv(who, query, sink); });
    });
}

SB_EXTERN int sb_user_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                             const char* xaxis_csv, const char* yaxis_csv) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_user_report");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(
            json::to_json(db->core.accounts().report_users(who, query, axis_list(xaxis_csv), axis_list(yaxis_csv))));
    });
}

}  // extern "C"
