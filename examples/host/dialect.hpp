// switchboard-host: what the dialects share. A dialect translates one seed
// document's endpoints onto the C++ API; it decides nothing about the domain.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http_layer.hpp"
#include "switchboard/error.hpp"
#include "switchboard/facade.hpp"
#include "switchboard/time.hpp"

namespace switchboard::host {

// What every handler reaches: the facade's modules.
struct Context {
    Switchboard& core;
    Accounts& accounts;
    ActivityLog& activity;
    Cases& cases;
    Calls& calls;
    Files& files;
    Presence& presence;
    Mailer& mail;
    Messages& messages;

    explicit Context(Switchboard& sb)
        : core(sb), accounts(sb.accounts()), activity(sb.activity()), cases(sb.cases()), calls(sb.calls()),
          files(sb.files()), presence(sb.presence()), mail(sb.mail()), messages(sb.messages()) {}
};

void register_octapy(Server& server, Context& ctx);
// Also registers the two below.
void register_openchs(Server& server, Context& ctx);
void register_openchs_cases(Server& server, Context& ctx);  // tickets, categories, conversations
void register_openchs_calls(Server& server, Context& ctx);  // calls, QA, files, stats
void register_openchs_events(Server& server, Context& ctx); // the live feed (GET /eproc/events)
void register_openchs_queues(Server& server, Context& ctx); // queue status (joinq, leaveq, poll), agent states
void register_openchs_mail(Server& server, Context& ctx);   // mail settings, templates, test mail
void register_openchs_messages(Server& server, Context& ctx); // emails and SMS (sections 7, 8), delivery reports

// DeepCall agent profile v2 (/deepcall/api/v2/agentProfile/...): presence by ssid.
void register_deepcall(Server& server, Context& ctx);
// Comm100's voice API: POST /voicetwilio/agent/{agentid}/status.
void register_comm100(Server& server, Context& ctx);

// GET /health (liveness and readiness: the store and the job workers) and
// GET /metrics (Prometheus' text format), for whoever runs the host.
void register_operations(Server& server, Context& ctx);

// Answers for requests no route took (404, 405, 413, 400), in each dialect's shape.
Response octapy_transport_error(const Request& req, int status);
Response openchs_transport_error(const Request& req, int status);

// The token of an "<header>: Bearer <token>" request header: the first of
// `headers` present ("" when none is, or it is not a bearer token).
std::string bearer_from(const Request& req, std::initializer_list<const char*> headers);

// Writes "error: <dialect> <VERB> <path>: <what>" to stderr (never a secret:
// callers pass exception texts and field names only).
void log_error(std::string_view dialect, const Request& req, std::string_view what);

// A parameter of the wrong JSON type, or a body that is not a JSON object.
struct DatatypeError {
    std::string field;  // "" for the body as a whole
};

// The parameters of a request: a JSON object body, or form / query fields
// (whose values are all strings).
class Params {
public:
    Params() = default;
    // Reads the body: a form when the request says so, otherwise JSON (an
    // empty body is an empty object). Throws DatatypeError for malformed JSON
    // or JSON that is not an object. With allow_invalid_utf8, JSON strings
    // may hold invalid UTF-8 (for the library to refuse as such).
    static Params from_body(const Request& req, bool allow_invalid_utf8 = false);
    // The query string's fields.
    static Params from_query(const Request& req);

    bool from_form() const noexcept { return form_; }
    const boost::json::object& object() const noexcept { return obj_; }
    const boost::json::value* find(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }

    // Strict accessors (OctaPy): a JSON string; a JSON integer (or, in a
    // form, a whole number); a JSON boolean (or, in a form, true/false/1/0).
    // nullopt when absent; DatatypeError when present with another type.
    std::optional<std::string> string(std::string_view key) const;
    std::optional<std::int64_t> integer(std::string_view key) const;
    std::optional<bool> boolean(std::string_view key) const;

    // Lenient accessors (OpenCHS, whose clients send numbers as strings and
    // strings as numbers): text accepts strings and numbers; whole accepts
    // integers and whole-number strings; flag accepts booleans, 0/1 and
    // "0"/"1"/"true"/"false".
    std::optional<std::string> text(std::string_view key) const;
    std::optional<std::int64_t> whole(std::string_view key) const;
    std::optional<bool> flag(std::string_view key) const;

    // Nested objects flattened into "a/b/c" keys (OctaPy settings).
    std::vector<std::pair<std::string, const boost::json::value*>> flattened() const;

private:
    boost::json::object obj_;
    bool form_ = false;
};

// JSON text written straight into a string, byte for byte as
// boost::json::serialize writes the same object: for the busiest answers (a
// page of tickets), which then build no tree of values first.
//
//   JsonOut j;
//   j.open_object().key("tickets").open_array();
//   ... j.open_object().member("id", "7").close_object(); ...
//   j.close_array().close_object();
//   std::string text = j.take();
class JsonOut {
public:
    JsonOut& open_object();
    JsonOut& close_object();
    JsonOut& open_array();
    JsonOut& close_array();
    JsonOut& key(std::string_view name);
    JsonOut& string(std::string_view value);
    JsonOut& member(std::string_view name, std::string_view value) { return key(name).string(value); }
    std::string take() { return std::move(out_); }

private:
    void separate();
    std::string out_;
    std::vector<bool> empty_;  // per open object or array: nothing in it yet
    bool after_key_ = false;
};

std::optional<std::int64_t> parse_whole(std::string_view text);
// A parameter name fit for a log or an answer: the name itself when it is a
// plain identifier (letters, digits, '_', '-', '.', '/'; at most 64), else
// "(unreadable name)" -- a malformed body's "name" may hold anything, secrets included.
std::string safe_name(std::string_view name);
std::string json_text(const boost::json::value& v);

}  // namespace switchboard::host
