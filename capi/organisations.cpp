// Organisations, the platform operator, developer keys, the activity log and
// the outbox through the C API.
#include <string>

#include "capi_internal.hpp"
#include "switchboard/json.hpp"

using namespace switchboard;
using namespace switchboard::capi;

extern "C" {

// ---------------------------------------------------------------- own organisation

SB_EXTERN int sb_org_get(sb_db* db, char** out_json, const char* token) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_org_get");
        *out_json = to_c_string(json::to_json(db->core.accounts().get_organisation(who)));
    });
}

SB_EXTERN int sb_org_modify(sb_db* db, char** out_json, const char* token, const char* patch_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_org_modify");
        const SettingsPatch patch = json::settings_patch_from_json(text(patch_json, "patch_json"));
        *out_json = to_c_string(json::to_json(db->core.accounts().modify_settings(who, patch)));
    });
}

// ---------------------------------------------------------------- platform operator

SB_EXTERN int sb_operator_create(sb_db* db, char** out_json, const char* username, const char* email,
                                 const char* password) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const User u = db->core.accounts().create_operator(std::string(text(username, "username")),
                                                    std::string(text(email, "email")),
                                                    std::string(text(password, "password")));
        *out_json = to_c_string(json::to_json(u));
    });
}

SB_EXTERN int sb_org_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_org_list");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(json::to_json(db->core.accounts().list_organisations(who, query)));
    });
}

SB_EXTERN int sb_org_get_by_id(sb_db* db, char** out_json, const char* token, int64_t org_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_org_get_by_id");
        *out_json = to_c_string(json::to_json(db->core.accounts().get_organisation(who, org_id)));
    });
}

SB_EXTERN int sb_org_modify_by_id(sb_db* db, char** out_json, const char* token, int64_t org_id,
                                  const char* patch_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_org_modify_by_id");
        const SettingsPatch patch = json::settings_patch_from_json(text(patch_json, "patch_json"));
        *out_json = to_c_string(json::to_json(db->core.accounts().modify_organisation(who, org_id, patch)));
    });
}

// ---------------------------------------------------------------- developer keys

SB_EXTERN int sb_devkey_add(sb_db* db, char** out_json, const char* token, const char* username) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_devkey_add");
        *out_json = to_c_string(json::to_json(db->core.accounts().add_dev_key(who, text(username, "username"))));
    });
}

SB_EXTERN int sb_devkey_list(sb_db* db, char** out_json, const char* token) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_devkey_list");
        *out_json = to_c_string(json::to_json(db->core.accounts().list_dev_keys(who)));
    });
}

SB_EXTERN int sb_devkey_set_active(sb_db* db, char** out_json, const char* token, const char* username,
                                   int active) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_devkey_set_active");
        const DevKey key = db->core.accounts().set_dev_key_active(who, text(username, "username"), active != 0);
        *out_json = to_c_string(json::to_json(key));
    });
}

SB_EXTERN int sb_devkey_delete(sb_db* db, const char* token, const char* username) {
    return guard([&] {
        require(db, "db");
        const Principal who = principal(db, token, "sb_devkey_delete");
        db->core.accounts().delete_dev_key(who, text(username, "username"));
    });
}

// ---------------------------------------------------------------- activity, outbox

SB_EXTERN int sb_activity_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_activity_list");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(json::to_json(db->core.activity().list(who, query)));
    });
}

SB_EXTERN int sb_outbox_list(sb_db* db, char** out_json, const char* to_address) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        *out_json = to_c_string(json::to_json(db->core.accounts().outbox(optional_text(to_address))));
    });
}

SB_EXTERN int sb_outbox_mark_sent(sb_db* db, char** out_json, int64_t id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        *out_json = to_c_string(json::to_json(db->core.accounts().mark_outbox_sent(id)));
    });
}

}  // extern "C"
