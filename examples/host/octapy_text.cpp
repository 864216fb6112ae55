// switchboard-host: the OctaPy interaction endpoints (seed 000).
//
//   IO1 POST /record/call        devToken; multipart 1stChannelFile (WAV),
//                                2ndChannelFile (optional), the labels; the
//                                analysis (speech-to-text, events, redaction)
//                                runs on the library's workers
//   GET  /report/{Ricket}/recording  the call's redacted recording (WAV)
//   IO2 POST /record/text        devToken; the analysis runs on the library's
//                                workers, the answer carries the Ricket at once
//   IO3 GET  /report/{Ricket}    devToken; the interaction and, once ready,
//                                its findings, promises and PCI, redacted
//   GET  /settings/getPoolList   accessToken; the organisation's phrase pools
//   POST /settings/addPoolPhrase, /settings/delPoolPhrase, /settings/resetPools
//                                accessToken (admins); switchboard additions
//
// Every endpoint answers HTTP 200 with {"STATUS":"OK", ...} or
// {"STATUS":"KO","errMsg":"..."}, as the rest of the dialect (octapy.cpp).
#include "octapy_text.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "octapy_common.hpp"

namespace switchboard::host {

namespace {

namespace json = boost::json;

using namespace octapy;  // the dialect's messages and answers (octapy_common.hpp)

bool is_blank(std::string_view s) {
    for (unsigned char c : s)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
    return true;
}

// The parameters of a text request: the query string (GET), a form or a
// JSON object body. A JSON body may carry invalid UTF-8 in its strings, so
// that a bad TextContent is answered as such rather than as a malformed
// body; the library refuses it.
Params read_text_params(const Request& req) {
    return req.method == "GET" ? Params::from_query(req) : Params::from_body(req, true);
}

// The developer token: the devToken header, or a devToken parameter (query
// string or body). Any other place is not looked at.
std::string dev_token(const Request& req, const Params& params) {
    if (const auto* h = req.header("devToken")) return trim(*h);
    if (const auto* q = req.query_value("devToken")) return *q;
    if (const auto* v = params.find("devToken"); v && v->is_string()) return std::string(v->as_string());
    return {};
}

// --------------------------------------------------------------- endpoints

using Exchange = octapy::Exchange<TextContext>;
using Fn = std::function<Response(Exchange&)>;

// A developer token (IO2) or an access token (the pool settings), found
// where the rest of the dialect finds it.
Handler authed_endpoint(TextContext& ctx, TokenKind kind, Fn fn) {
    return endpoint(ctx,
                    Gate{read_text_params, kind == TokenKind::dev ? dev_token : access_token,
                         token_of(ctx.base.accounts, kind), &ctx.base.activity},
                    std::move(fn));
}

// A report reader's endpoint (IO3, the pool list): a developer token or an
// access token (the core's one rule decides which roles may read: admins and
// supervisors), in the devToken places first, then the accessToken places.
std::string reader_token(const Request& req, const Params& params) {
    std::string t = dev_token(req, params);
    return t.empty() ? access_token(req, params) : t;
}

Handler reader_endpoint(TextContext& ctx, Fn fn) {
    return endpoint(ctx, Gate{read_text_params, reader_token, any_token(ctx.base.accounts), &ctx.base.activity},
                    std::move(fn));
}

// --------------------------------------------------------------- IO2, IO3

// The seed's parameter for a field the library names.
std::string parameter_name(std::string_view field) {
    if (field == "text") return "TextContent";
    if (field == "department") return "departmentLabel";
    if (field == "agent_id") return "AgentId";
    if (field == "client_id") return "ClientId";
    if (field == "ticket_no") return "TicketNo";
    if (field == "first_channel") return "1stChannelFile";
    if (field == "second_channel") return "2ndChannelFile";
    return safe_name(field);
}

// IO1: the channel files are multipart parts (with or without a file name).
Response record_call(Exchange& c) {
    CallInteractionFields f;
    const std::string* first = nullptr;
    const std::string* second = nullptr;
    for (const auto& part : c.req.files) {
        if (part.field == "1stChannelFile" && !first) first = &part.content;
        if (part.field == "2ndChannelFile" && !second) second = &part.content;
    }
    for (const auto& [name, value] : c.req.form) {
        if (name == "1stChannelFile" && !first) first = &value;
        if (name == "2ndChannelFile" && !second) second = &value;
    }
    if (!first) throw Refusal{"1stChannelFile is missing: send the recording as multipart/form-data"};
    f.first_channel = *first;
    if (second) f.second_channel = *second;
    f.department = c.params.string("departmentLabel");
    f.agent_id = c.params.string("AgentId");
    f.client_id = c.params.string("ClientId");
    f.ticket_no = c.params.string("TicketNo");
    Interaction created;
    try {
        created = c.core([&] { return c.ctx.interactions().record_call(c.who, f); });
    } catch (const Error& e) {
        const std::string param = parameter_name(e.field());
        const std::string message = e.what();
        // The seed's answer for a file that is not a WAV, with why and which file.
        if (message.rfind("binary needs to be in .WAV format", 0) == 0) throw Refusal{message + " (" + param + ")"};
        if (e.code() == ErrorCode::too_large)
            throw Refusal{param + " is too long, the longest call accepted is " +
                          std::to_string(static_cast<long long>(c.ctx.max_call_seconds)) + " s"};
        if (e.code() == ErrorCode::busy) {
            log_error(kDialect, c.req, e.what());
            throw Refusal{kBusy};
        }
        if (e.code() == ErrorCode::invalid_argument && (e.field() == "first_channel" || e.field() == "second_channel"))
            throw Refusal{param + ": " + message};
        if (e.code() == ErrorCode::invalid_argument && e.field() != "spool_dir") throw Refusal{param + " isn't valid"};
        throw;
    }
    json::object o = ok_object();
    o["Ricket"] = created.ricket;
    return send(o);
}

Response record_text(Exchange& c) {
    TextInteractionFields f;
    const auto text = c.params.string("TextContent");
    if (!text) throw Refusal{"TextContent is missing"};
    f.text = *text;
    f.department = c.params.string("departmentLabel");
    f.agent_id = c.params.string("AgentId");
    f.client_id = c.params.string("ClientId");
    f.ticket_no = c.params.string("TicketNo");
    Interaction created;
    try {
        created = c.core([&] { return c.ctx.interactions().record_text(c.who, f); });
    } catch (const Error& e) {
        // The library decides what is refused; the answer names the
        // parameter in the seed's style ("password is too long, ...").
        if (e.field() == "text" && e.code() == ErrorCode::too_large)
            throw Refusal{"TextContent is too long, maximum length is " + std::to_string(c.ctx.max_text_bytes) +
                     " bytes"};
        if (e.field() == "text" && e.code() == ErrorCode::invalid_argument) {
            if (is_blank(f.text)) throw Refusal{"TextContent is empty"};
            if (!valid_utf8(f.text)) throw Refusal{"TextContent isn't valid UTF-8"};
            throw Refusal{"TextContent isn't valid"};
        }
        if (e.code() == ErrorCode::busy) {
            // The jobs' backlog is at its byte budget: nothing was stored;
            // the client may post again (the seed's "please try again").
            log_error(kDialect, c.req, e.what());
            throw Refusal{kBusy};
        }
        if (e.code() == ErrorCode::invalid_argument || e.code() == ErrorCode::too_large)
            throw Refusal{parameter_name(e.field()) + " isn't valid"};
        throw;
    }
    json::object o = ok_object();
    o["Ricket"] = created.ricket;
    return send(o);
}

// DATA: the interaction (to_json(Interaction)) with the analysis's fields
// (findings, promises, redacted_text, pci, truncated; for a call the
// report's transcript, events, stats ...) lifted beside its metadata once
// it is ready. A call's also carries, when ready, the link to its redacted
// recording.
json::object report_data(const Interaction& i) {
    json::value v = json::parse(to_json(i));
    json::object data = std::move(v.as_object());
    for (const char* key : {"analysis", "call"}) {
        auto it = data.find(key);
        if (it == data.end()) continue;
        json::value analysis = std::move(it->value());
        data.erase(it);
        if (analysis.is_object())
            for (auto& kv : analysis.as_object()) data[kv.key()] = std::move(kv.value());
    }
    if (i.kind == 'C') {
        data["recording"] = i.status == ReportStatus::ready && i.recording_file_id
                                ? json::value("/report/" + i.ricket + "/recording")
                                : json::value(nullptr);
    }
    return data;
}

Response report(Exchange& c) {
    const std::string ricket = c.req.path_param("Ricket");
    Interaction i;
    try {
        i = c.core([&] { return c.ctx.interactions().report(c.who, ricket); });
    } catch (const Error& e) {
        // The seed has two answers for IO3; an unknown Ricket, or one of
        // another organisation, is its "else".
        if (e.code() == ErrorCode::not_found || e.code() == ErrorCode::invalid_argument) throw Refusal{kSystemFailure};
        throw;
    }
    json::object o = ok_object();
    o["DATA"] = report_data(i);
    return send(o);
}

// A call's redacted recording: the WAV stored once the analysis is done.
Response recording(Exchange& c) {
    const std::string ricket = c.req.path_param("Ricket");
    Interaction i;
    try {
        i = c.core([&] { return c.ctx.interactions().report(c.who, ricket); });
    } catch (const Error& e) {
        if (e.code() == ErrorCode::not_found || e.code() == ErrorCode::invalid_argument) throw Refusal{kSystemFailure};
        throw;
    }
    if (i.kind != 'C' || i.status != ReportStatus::ready || !i.recording_file_id)
        throw Refusal{"the recording isn't ready"};
    auto [info, bytes] = c.ctx.base.files.content_of(i.org_id, i.recording_file_id);
    Response r;
    r.content_type = "audio/wav";
    r.body = std::move(bytes);
    r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + i.ricket + ".wav\""});
    return r;
}

// --------------------------------------------------------------- pools

json::object pool_entry_data(const PoolEntry& e) {
    return {{"pool", e.pool}, {"phrase", e.text}, {"regex", e.regex}, {"builtIn", e.built_in}};
}

Response pool_list(Exchange& c) {
    json::array list;
    for (const auto& e : c.core([&] { return c.ctx.pools().list(c.who); })) list.push_back(pool_entry_data(e));
    json::object o = ok_object();
    o["DATA"] = std::move(list);
    return send(o);
}

// pool and phrase are required strings.
std::pair<std::string, std::string> pool_and_phrase(const Params& params) {
    auto pool = params.string("pool");
    auto phrase = params.string("phrase");
    if (!pool) throw DatatypeError{"pool"};
    if (!phrase) throw DatatypeError{"phrase"};
    return {std::move(*pool), std::move(*phrase)};
}

// regex: JSON true/false, or "true"/"false"/"1"/"0" as a string (in JSON too).
bool regex_flag(const Params& params) {
    if (const auto* v = params.find("regex"); v && v->is_string()) {
        const std::string_view s = v->as_string();
        if (s == "true" || s == "1") return true;
        if (s == "false" || s == "0") return false;
        throw DatatypeError{"regex"};
    }
    return params.boolean("regex").value_or(false);
}

Response pool_add(Exchange& c) {
    const auto [pool, phrase] = pool_and_phrase(c.params);
    const bool regex = regex_flag(c.params);
    const PoolEntry e = c.core([&] { return c.ctx.pools().add(c.who, pool, phrase, regex); });
    json::object o = ok_object();
    o["DATA"] = pool_entry_data(e);
    return send(o);
}

Response pool_delete(Exchange& c) {
    const auto [pool, phrase] = pool_and_phrase(c.params);
    try {
        c.core([&] { c.ctx.pools().remove(c.who, pool, phrase); });
    } catch (const Error& e) {
        if (e.code() == ErrorCode::not_found) throw Refusal{"phrase isn't found"};
        throw;
    }
    return send(ok_object());
}

Response pool_reset(Exchange& c) {
    c.core([&] { c.ctx.pools().reset(c.who); });
    return send(ok_object());
}

}  // namespace

void register_octapy_text(Server& server, TextContext& ctx) {
    // A JSON body may escape every byte of the text (up to 6 bytes each);
    // the route takes what the text limit needs even above --max-body.
    RouteOptions record_options;
    record_options.max_body = std::max(ctx.max_body, ctx.max_text_bytes * 6 + (64u << 10));
    server.route("POST", "/record/text", authed_endpoint(ctx, TokenKind::dev, record_text), record_options);
    server.route("GET", "/report/{Ricket}", reader_endpoint(ctx, report), RouteOptions{.fast = true});
    RouteOptions call_options;
    call_options.max_body = std::max(ctx.max_body, ctx.max_call_bytes);
    server.route("POST", "/record/call", authed_endpoint(ctx, TokenKind::dev, record_call), call_options);
    server.route("GET", "/report/{Ricket}/recording", reader_endpoint(ctx, recording));

    server.route("GET", "/settings/getPoolList", reader_endpoint(ctx, pool_list));
    server.route("POST", "/settings/addPoolPhrase", authed_endpoint(ctx, TokenKind::access, pool_add));
    server.route("POST", "/settings/delPoolPhrase", authed_endpoint(ctx, TokenKind::access, pool_delete));
    server.route("POST", "/settings/resetPools", authed_endpoint(ctx, TokenKind::access, pool_reset));
}

}  // namespace switchboard::host
