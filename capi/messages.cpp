// C API: emails and SMS (switchboard_messages.h): thin translations of
// switchboard::Messages.
#include <string>

#include "capi_internal.hpp"
#include "switchboard/json.hpp"
#include "switchboard/messages.hpp"
#include "switchboard_messages.h"

using namespace switchboard;
using namespace switchboard::capi;

namespace {

template <class F>
int answer(sb_db* db, char** out, const char* token, const char* endpoint, F&& f) {
    return json_call(db, out, token, endpoint,
                     [&](Switchboard& core, const Principal& who) { return f(core.messages(), who); });
}

// An export as one string.
template <class F>
std::string csv_text(F&& export_fn) {
    std::string text;
    export_fn(CsvSink([&text](std::string_view piece) { text.append(piece); }));
    return text;
}

}  // namespace

extern "C" {

SB_EXTERN int sb_email_send(sb_db* db, char** out_json, const char* token, const char* email_json) {
    return answer(db, out_json, token, "sb_email_send", [&](Messages& m, const Principal& who) {
        return to_json(m.send_email(who, new_email_from_json(text(email_json, "email_json"))));
    });
}

SB_EXTERN int sb_email_get(sb_db* db, char** out_json, const char* token, int64_t email_id) {
    return answer(db, out_json, token, "sb_email_get",
                  [&](Messages& m, const Principal& who) { return to_json(m.email(who, email_id)); });
}

SB_EXTERN int sb_email_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    return answer(db, out_json, token, "sb_email_list", [&](Messages& m, const Principal& who) {
        return to_json(m.list_emails(who, json::list_query_from_json(optional_text(query_json))));
    });
}

SB_EXTERN int sb_email_export_csv_string(sb_db* db, char** out_csv, const char* token, const char* query_json) {
    return answer(db, out_csv, token, "sb_email_export_csv_string", [&](Messages& m, const Principal& who) {
        const ListQuery q = json::list_query_from_json(optional_text(query_json));
        return csv_text([&](const CsvSink& sink) { m.export_emails_csv(who, q, sink); });
    });
}

SB_EXTERN int sb_email_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                              const char* xaxis_csv, const char* yaxis_csv) {
    return answer(db, out_json, token, "sb_email_report", [&](Messages& m, const Principal& who) {
        return json::to_json(m.report_emails(who, json::list_query_from_json(optional_text(query_json)),
                                             axis_list(xaxis_csv), axis_list(yaxis_csv)));
    });
}

SB_EXTERN int sb_sms_send(sb_db* db, char** out_json, const char* token, const char* sms_json) {
    return answer(db, out_json, token, "sb_sms_send", [&](Messages& m, const Principal& who) {
        return to_json(m.send_sms(who, new_sms_from_json(text(sms_json, "sms_json"))));
    });
}

SB_EXTERN int sb_sms_get(sb_db* db, char** out_json, const char* token, int64_t sms_id) {
    return answer(db, out_json, token, "sb_sms_get",
                  [&](Messages& m, const Principal& who) { return to_json(m.sms(who, sms_id)); });
}

SB_EXTERN int sb_sms_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    return answer(db, out_json, token, "sb_sms_list", [&](Messages& m, const Principal& who) {
        return to_json(m.list_sms(who, json::list_query_from_json(optional_text(query_json))));
    });
}

SB_EXTERN int sb_sms_export_csv_string(sb_db* db, char** out_csv, const char* token, const char* query_json) {
    return answer(db, out_csv, token, "sb_sms_export_csv_string", [&](Messages& m, const Principal& who) {
        const ListQuery q = json::list_query_from_json(optional_text(query_json));
        return csv_text([&](const CsvSink& sink) { m.export_sms_csv(who, q, sink); });
    });
}

SB_EXTERN int sb_sms_report(sb_db* db, char** out_json, const char* token, const char* query_json,
                            const char* xaxis_csv, const char* yaxis_csv) {
    return answer(db, out_json, token, "sb_sms_report", [&](Messages& m, const Principal& who) {
        return json::to_json(m.report_sms(who, json::list_query_from_json(optional_text(query_json)),
                                          axis_list(xaxis_csv), axis_list(yaxis_csv)));
    });
}

SB_EXTERN int sb_mailbox_get(sb_db* db, char** out_json, const char* token) {
    return answer(db, out_json, token, "sb_mailbox_get",
                  [&](Messages& m, const Principal& who) { return to_json(m.mailbox(who)); });
}

SB_EXTERN int sb_mailbox_set(sb_db* db, char** out_json, const char* token, const char* mailbox_json) {
    return answer(db, out_json, token, "sb_mailbox_set", [&](Messages& m, const Principal& who) {
        return to_json(m.set_mailbox(who, mailbox_change_from_json(text(mailbox_json, "mailbox_json"))));
    });
}

SB_EXTERN int sb_mailbox_fetch(sb_db* db, char** out_json, const char* token) {
    return answer(db, out_json, token, "sb_mailbox_fetch",
                  [&](Messages& m, const Principal& who) { return to_json(m.fetch_mail(who)); });
}

}  // extern "C"
