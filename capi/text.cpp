// Text analysis, phrase pools and text interactions through the C API.
#include <boost/json.hpp>

#include <string>

#include "capi_internal.hpp"
#include "switchboard/interactions.hpp"
#include "switchboard/text.hpp"

using namespace switchboard;
using namespace switchboard::capi;

namespace {

namespace bj = boost::json;

TextOptions text_options(const sb_text_options* opts) {
    TextOptions o;
    if (opts == nullptr) return o;
    if (opts->version != SB_TEXT_OPTIONS_VERSION)
        throw Error(ErrorCode::invalid_argument,
                    "unknown sb_text_options version " + std::to_string(opts->version) + " (this library knows " +
                        std::to_string(SB_TEXT_OPTIONS_VERSION) + ")",
                    "version");
    o.max_bytes = opts->max_bytes;
    o.promises = opts->promises != 0;
    o.pci = opts->pci != 0;
    o.mask_expiry = opts->mask_expiry != 0;
    if (opts->speaker != nullptr) o.speaker = std::string(opts->speaker);
    if (opts->pci_pool != nullptr) o.pci_pool = opts->pci_pool;
    o.max_findings = opts->max_findings;
    o.validate();
    return o;
}

// An access token, or else a developer token.
Principal dev_principal(sb_db* db, const char* token, const char* endpoint) {
    Principal who = db->core.accounts().authenticate(text(token, "token"), TokenKind::dev);
    who.endpoint = endpoint;
    return who;
}

std::string entry_json(const PoolEntry& e) {
    return bj::serialize(
        bj::object{{"pool", e.pool}, {"text", e.text}, {"regex", e.regex}, {"built_in", e.built_in}});
}

TextInteractionFields fields_from_json(std::string_view json) {
    bj::value v;
    try {
        v = bj::parse(json);
    } catch (const std::exception&) {
        throw Error(ErrorCode::invalid_argument, "fields_json is not valid JSON", "fields_json");
    }
    if (!v.is_object()) throw Error(ErrorCode::invalid_argument, "fields_json must be an object", "fields_json");
    TextInteractionFields f;
    bool has_text = false;
    for (const auto& [key, value] : v.as_object()) {
        const std::string k(key);
        std::optional<std::string>* slot = nullptr;
        if (k == "department") slot = &f.department;
        else if (k == "agent_id") slot = &f.agent_id;
        else if (k == "client_id") slot = &f.client_id;
        else if (k == "ticket_no") slot = &f.ticket_no;
        else if (k != "text") throw Error(ErrorCode::invalid_argument, "unknown field \"" + k + "\"", k);
        if (value.is_null() && slot) continue;
        if (!value.is_string()) throw Error(ErrorCode::invalid_argument, k + " must be a string", k);
        if (slot) *slot = std::string(value.as_string());
        else {
            f.text = std::string(value.as_string());
            has_text = true;
        }
    }
    if (!has_text) throw Error(ErrorCode::invalid_argument, "the text is missing", "text");
    return f;
}

}  // namespace

extern "C" {

SB_EXTERN int sb_text_options_init(sb_text_options* opts, unsigned int version) {
    return guard([&] {
        require(opts, "opts");
        if (version != SB_TEXT_OPTIONS_VERSION)
            throw Error(ErrorCode::invalid_argument, "unknown sb_text_options version " + std::to_string(version),
                        "version");
        const sb_text_options defaults = SB_TEXT_OPTIONS_INIT;
        *opts = defaults;
    });
}

SB_EXTERN int sb_text_analyze(char** out_json, const char* input, const sb_text_options* opts) {
    reset_out(out_json);
    return guard([&] {
        require(out_json, "out_json");
        const TextOptions o = text_options(opts);
        *out_json = to_c_string(to_json(analyze_text(text(input, "text"), o)));
    });
}

SB_EXTERN int sb_pools_list(sb_db* db, char** out_json, const char* token) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = any_principal(db, token, "sb_pools_list");
        bj::array items;
        for (const auto& e : db->core.pools().list(who)) items.push_back(bj::parse(entry_json(e)));
        *out_json = to_c_string(bj::serialize(items));
    });
}

SB_EXTERN int sb_pools_add(sb_db* db, char** out_json, const char* token, const char* pool, const char* phrase,
                           int regex) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_pools_add");
        *out_json =
            to_c_string(entry_json(db->core.pools().add(who, text(pool, "pool"), text(phrase, regex ? "regex" : "phrase"),
                                                 regex != 0)));
    });
}

SB_EXTERN int sb_pools_remove(sb_db* db, const char* token, const char* pool, const char* phrase) {
    return guard([&] {
        require(db, "db");
        const Principal who = principal(db, token, "sb_pools_remove");
        db->core.pools().remove(who, text(pool, "pool"), text(phrase, "phrase"));
    });
}

SB_EXTERN int sb_pools_reset(sb_db* db, const char* token) {
    return guard([&] {
        require(db, "db");
        const Principal who = principal(db, token, "sb_pools_reset");
        db->core.pools().reset(who);
    });
}

SB_EXTERN int sb_text_record(sb_db* db, char** out_json, const char* token, const char* fields_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = dev_principal(db, token, "sb_text_record");
        const TextInteractionFields fields = fields_from_json(text(fields_json, "fields_json"));
        *out_json = to_c_string(to_json(db->core.interactions().record_text(who, fields)));
    });
}

SB_EXTERN int sb_text_report(sb_db* db, char** out_json, const char* token, const char* ricket) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = any_principal(db, token, "sb_text_report");
        *out_json = to_c_string(to_json(db->core.interactions().report(who, text(ricket, "ricket"))));
    });
}

SB_EXTERN int sb_text_drain(sb_db* db) {
    return guard([&] {
        require(db, "db");
        if (!db->core.jobs().drain())
            throw Error(ErrorCode::busy, "jobs are still queued or running after 60 s", "jobs");
    });
}

}  // extern "C"
