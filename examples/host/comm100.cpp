// switchboard-host: the Comm100 voice API's agent status (seed 002).
//
//   POST /voicetwilio/agent/{agentid}/status   {"available": true|false}
//   Authorization: Bearer <access token>
//
// available true logs the agent in (available), false logs them out
// (offline). An agent changes only their own status; a supervisor or an
// admin may also log another agent out (the core decides who may). Success
// is HTTP 200 with an empty body, as the seed shows; a failure is the seed's
// {"error": ..., "message": ...} with a 4xx status (5xx for the host's own
// failures).
#include <boost/json.hpp>

#include <string>
#include <string_view>

#include "dialect.hpp"
#include "pipeline.hpp"
#include "switchboard/presence.hpp"

namespace switchboard::host {

namespace {

namespace json = boost::json;

constexpr std::string_view kDialect = "comm100";

Response failure(int status, std::string_view error, std::string_view message) {
    return Response::json(status, json_text(json::object{{"error", error}, {"message", message}}));
}

Response bad_request(std::string_view message) { return failure(400, "Bad Request", message); }

// A Comm100 request (pipeline.hpp).
class Exchange final : public EndpointCall {
public:
    Context& ctx;

    Exchange(Context& c, const Request& r) : EndpointCall(r, kDialect), ctx(c) {}

private:
    Response unauthorized() const override {
        return failure(401, "Unauthorized", "a valid access token is required (Authorization: Bearer)");
    }
    Response refused(const Refusal& r) const override { return bad_request(r.message); }
    Response datatype(const DatatypeError& d) const override {
        if (d.field.empty()) return bad_request("the body must be a JSON object");
        return bad_request(safe_name(d.field) + " must be true or false");
    }
    Response core_error(const Error& e) const override {
        switch (e.code()) {
            case ErrorCode::unauthorized: return unauthorized();
            case ErrorCode::forbidden:
            case ErrorCode::password_change_required: return failure(403, "Forbidden", e.what());
            case ErrorCode::not_found: return failure(404, "Not Found", e.what());
            // A user of the organisation who takes no calls is no agent.
            case ErrorCode::invalid_argument:
                if (e.field() == "user_id") return failure(404, "Not Found", e.what());
                return bad_request(e.what());
            case ErrorCode::conflict: return failure(409, "Conflict", e.what());
            case ErrorCode::busy: return failure(503, "Service Unavailable", e.what());
            case ErrorCode::schema:
            case ErrorCode::storage:
            case ErrorCode::internal: return system_failure(e.what());
            default: return bad_request(e.what());
        }
    }
    Response system_failure(std::string_view what) const override {
        log_error(kDialect, req, what);
        return failure(500, "Internal Server Error", "system failure, please try again");
    }
};

Params read_body(const Request& req) { return Params::from_body(req); }

// Authorization: Bearer <token>.
std::string bearer_token(const Request& req, const Params&) { return bearer_from(req, {"Authorization"}); }

Response empty_ok() {
    Response r;
    r.status = 200;
    r.content_type = "text/plain";
    return r;
}

Response update_status(Exchange& c) {
    const auto id = parse_whole(c.req.path_param("agentid"));
    if (!id || *id <= 0) throw Refusal{"agentid must be a user id"};
    for (const auto& kv : c.params.object())
        if (kv.key() != "available") throw Refusal{"unknown parameter " + safe_name(kv.key())};
    const auto available = c.params.boolean("available");
    if (!available) throw Refusal{"available is required"};
    Presence& presence = c.ctx.presence;
    const bool self = *id == c.who.user_id;
    if (!*available) {
        c.core([&] { return presence.log_out(c.who, self ? 0 : *id); });
        return empty_ok();
    }
    // Only the agent makes themselves available.
    if (!self) throw Error(ErrorCode::forbidden, "only the agent makes themselves available");
    // Available: logged in, or back from a break or a wrap-up; refused (409)
    // while ringing for a call or on one.
    c.core([&] { return presence.set_available(c.who); });
    return empty_ok();
}

// The transport's refusals under the dialect's path, in its shape.
Response transport_error(const Request&, int status) {
    std::string_view error = "Bad Request";
    switch (status) {
        case 404: error = "Not Found"; break;
        case 405: error = "Method Not Allowed"; break;
        case 408: error = "Request Timeout"; break;
        case 411: error = "Length Required"; break;
        case 413: error = "Payload Too Large"; break;
        case 431: error = "Request Header Fields Too Large"; break;
        case 501: error = "Not Implemented"; break;
        case 503: error = "Service Unavailable"; break;
        default: break;
    }
    return failure(status, error, transport_reason(status));
}

}  // namespace

void register_comm100(Server& server, Context& ctx) {
    Gate gate{read_body, bearer_token, token_of(ctx.accounts, TokenKind::access), &ctx.activity};
    server.route("POST", "/voicetwilio/agent/{agentid}/status", [&ctx, gate](const Request& req) {
        Exchange c(ctx, req);
        return run(c, gate, [&] { return update_status(c); });
    });
    server.on_error("/voicetwilio/", transport_error);
}

}  // namespace switchboard::host
