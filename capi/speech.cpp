// C API: calls with speech-to-text (switchboard_speech.h).
#include <boost/json.hpp>

#include <memory>

#include "capi_internal.hpp"
#include "switchboard/speech.hpp"
#include "switchboard_speech.h"

struct sb_spoken_call {
    switchboard::SpokenCall report;
};

using namespace switchboard;
using namespace switchboard::capi;

namespace {

namespace bj = boost::json;

bj::object json_object(const char* json, const char* field) {
    if (json == nullptr) return {};
    bj::value v;
    try {
        v = bj::parse(json);
    } catch (const std::exception&) {
        throw Error(ErrorCode::invalid_argument, std::string(field) + " is not valid JSON", field);
    }
    if (!v.is_object()) throw Error(ErrorCode::invalid_argument, std::string(field) + " must be an object", field);
    return v.as_object();
}

std::string string_of(const bj::value& v, const std::string& key) {
    if (!v.is_string()) throw Error(ErrorCode::invalid_argument, key + " must be a string", key);
    return std::string(v.as_string());
}

double number_of(const bj::value& v, const std::string& key) {
    if (!v.is_number()) throw Error(ErrorCode::invalid_argument, key + " must be a number", key);
    return v.to_number<double>();
}

int whole_of(const bj::value& v, const std::string& key) {
    if (!v.is_int64()) throw Error(ErrorCode::invalid_argument, key + " must be a whole number", key);
    return static_cast<int>(v.as_int64());
}

CallInteractionFields call_fields(const char* json) {
    CallInteractionFields f;
    for (const auto& [key, value] : json_object(json, "fields_json")) {
        const std::string k(key);
        std::optional<std::string>* slot = k == "department" ? &f.department
                                           : k == "agent_id" ? &f.agent_id
                                           : k == "client_id" ? &f.client_id
                                           : k == "ticket_no" ? &f.ticket_no
                                                              : nullptr;
        if (!slot) throw Error(ErrorCode::invalid_argument, "unknown field \"" + k + "\"", k);
        if (!value.is_null()) *slot = string_of(value, k);
    }
    return f;
}

}  // namespace

extern "C" {

SB_EXTERN int sb_call_record(sb_db* db, char** out_json, const char* token, const void* first_wav, size_t first_len,
                             const void* second_wav, size_t second_len, const char* fields_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        Principal who = db->core.accounts().authenticate(text(token, "token"), TokenKind::dev);
        who.endpoint = "sb_call_record";
        CallInteractionFields f = call_fields(fields_json);
        if (first_len > 0) f.first_channel.assign(static_cast<const char*>(require(first_wav, "first_wav")), first_len);
        if (second_wav != nullptr) f.second_channel = std::string(static_cast<const char*>(second_wav), second_len);
        *out_json = to_c_string(to_json(db->core.interactions().record_call(who, f)));
    });
}

SB_EXTERN int sb_call_analyse_recording(sb_db* db, char** out_json, const char* token, int64_t call_id) {
    return json_call(db, out_json, token, "sb_call_analyse_recording", [&](Switchboard& core, const Principal& who) {
        return to_json(core.interactions().analyse_call_recording(who, call_id));
    });
}

SB_EXTERN int sb_call_analyze(sb_spoken_call** out, const char* agent_path, const char* client_path,
                              const char* options_json) {
    reset_out(out);
    return guard([&] {
        require(out, "out");
        const std::string agent(text(agent_path, "agent_path"));
        SpokenCallOptions o;
        bool transcribe = true;
        std::string preset = "balanced", redacted_wav;
        for (const auto& [key, value] : json_object(options_json, "options_json")) {
            const std::string k(key);
            if (k == "transcribe") {
                if (!value.is_bool()) throw Error(ErrorCode::invalid_argument, "transcribe must be true or false", k);
                transcribe = value.as_bool();
            } else if (k == "preset") preset = string_of(value, k);
            else if (k == "silence_min_ms") o.acoustic.silence_min_ms = whole_of(value, k);
            else if (k == "interruption_min_ms") o.acoustic.interruption_min_ms = whole_of(value, k);
            else if (k == "hold_min_ms") o.hold_min_ms = whole_of(value, k);
            else if (k == "min_call_s") o.min_call_s = number_of(value, k);
            else if (k == "max_call_s") o.max_call_s = number_of(value, k);
            else if (k == "redaction") o.redaction = string_of(value, k);
            else if (k == "redacted_wav") redacted_wav = string_of(value, k);
            else throw Error(ErrorCode::invalid_argument, "unknown option \"" + k + "\"", k);
        }
        o.validate();
        auto stt = transcribe ? shared_pocketsphinx(preset) : nullptr;
        auto call = std::make_unique<sb_spoken_call>();
        call->report = analyze_call_file(agent, std::string(optional_text(client_path)), stt.get(),
                                         default_text_analyzer(), o, redacted_wav);
        *out = call.release();
    });
}

SB_EXTERN void sb_spoken_call_free(sb_spoken_call* call) { delete call; }

SB_EXTERN int sb_spoken_call_json(const sb_spoken_call* call, char** out_json) {
    reset_out(out_json);
    return guard([&] {
        require(call, "call");
        require(out_json, "out_json");
        *out_json = to_c_string(to_json(call->report));
    });
}

SB_EXTERN size_t sb_spoken_call_word_count(const sb_spoken_call* call) {
    return call ? call->report.words.size() : 0;
}

SB_EXTERN int sb_spoken_call_word(const sb_spoken_call* call, size_t index, sb_word* out) {
    return guard([&] {
        require(call, "call");
        require(out, "out");
        if (index >= call->report.words.size())
            throw Error(ErrorCode::invalid_argument, "index is past the last word", "index");
        const auto& w = call->report.words[index];
        *out = sb_word{w.channel, w.speaker.c_str(), w.text.c_str(), w.start, w.end, w.confidence, w.redacted};
    });
}

SB_EXTERN size_t sb_spoken_call_event_count(const sb_spoken_call* call) {
    return call ? call->report.events.size() : 0;
}

SB_EXTERN int sb_spoken_call_event(const sb_spoken_call* call, size_t index, sb_call_event* out) {
    return guard([&] {
        require(call, "call");
        require(out, "out");
        if (index >= call->report.events.size())
            throw Error(ErrorCode::invalid_argument, "index is past the last event", "index");
        const auto& e = call->report.events[index];
        *out = sb_call_event{e.type.c_str(), e.channel, e.speaker.c_str(), e.start, e.end, e.pool.c_str(),
                             e.text.c_str(), e.time_statement.c_str(), e.interrupted.c_str(),
                             e.spotted.c_str()};
    });
}

}  // extern "C"
