// C API: the mailer (switchboard_mail.h): thin translations of
// switchboard::Mailer.
#include <string>

#include "capi_internal.hpp"
#include "switchboard/json.hpp"
#include "switchboard/mailer.hpp"
#include "switchboard_mail.h"

using namespace switchboard;
using namespace switchboard::capi;

namespace {

template <class F>
int mail_call(sb_db* db, char** out_json, const char* token, const char* endpoint, F&& f) {
    return json_call(db, out_json, token, endpoint,
                     [&](Switchboard& core, const Principal& who) { return f(core.mail(), who); });
}

}  // namespace

extern "C" {

SB_EXTERN int sb_mail_settings(sb_db* db, char** out_json, const char* token) {
    return mail_call(db, out_json, token, "sb_mail_settings",
                     [](Mailer& m, const Principal& who) { return to_json(m.settings(who)); });
}

SB_EXTERN int sb_mail_set_settings(sb_db* db, char** out_json, const char* token, const char* settings_json) {
    return mail_call(db, out_json, token, "sb_mail_set_settings", [&](Mailer& m, const Principal& who) {
        return to_json(m.change_settings(who, mail_settings_from_json(text(settings_json, "settings_json"))));
    });
}

SB_EXTERN int sb_mail_templates(sb_db* db, char** out_json, const char* token) {
    return mail_call(db, out_json, token, "sb_mail_templates",
                     [](Mailer& m, const Principal& who) { return to_json(m.templates(who)); });
}

SB_EXTERN int sb_mail_set_template(sb_db* db, char** out_json, const char* token, const char* template_json) {
    return mail_call(db, out_json, token, "sb_mail_set_template", [&](Mailer& m, const Principal& who) {
        return to_json(m.set_template(who, mail_template_from_json(text(template_json, "template_json"))));
    });
}

SB_EXTERN int sb_mail_reset_template(sb_db* db, char** out_json, const char* token, const char* kind) {
    return mail_call(db, out_json, token, "sb_mail_reset_template", [&](Mailer& m, const Principal& who) {
        return to_json(m.reset_template(who, text(kind, "kind")));
    });
}

SB_EXTERN int sb_mail_send_test(sb_db* db, char** out_json, const char* token, const char* to) {
    return mail_call(db, out_json, token, "sb_mail_send_test", [&](Mailer& m, const Principal& who) {
        return to_json(m.send_test(who, text(to, "to")));
    });
}

SB_EXTERN int sb_mail_retry(sb_db* db, char** out_json, const char* token, int64_t outbox_id) {
    return mail_call(db, out_json, token, "sb_mail_retry", [&](Mailer& m, const Principal& who) {
        return json::to_json(m.retry(who, outbox_id));
    });
}

SB_EXTERN int sb_mail_dispatch(sb_db* db, int* out_count) {
    if (out_count != nullptr) *out_count = 0;
    return guard([&] {
        require(db, "db");
        require(out_count, "out_count");
        *out_count = db->core.mail().dispatch();
    });
}

}  // extern "C"
