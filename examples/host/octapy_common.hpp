// switchboard-host: what the OctaPy dialect's files (octapy.cpp,
// octapy_text.cpp) share: the seed's catch-all messages, its answer shapes
// (HTTP 200 with {"STATUS":"OK", ...} or {"STATUS":"KO","errMsg":"..."}),
// where a token is found and the wrapper of an authenticated endpoint.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "dialect.hpp"

namespace switchboard::host::octapy {

inline constexpr std::string_view kDialect = "octapy";
inline const std::string kSystemFailure = "system failure, please try again";
inline const std::string kDatatype = "unexpected datatype, please try again";
inline const std::string kUnauthorized = "unauthorized";
// At a configured limit for now (the jobs' backlog is full): nothing was
// stored. The seed has no busy answer; this one follows its "..., please
// try again" form.
inline const std::string kBusy = "busy, please try again";

// A refusal with one of the seed's messages.
struct Ko {
    std::string message;
};

inline Response send(const boost::json::object& body) { return Response::json(200, json_text(body)); }

inline boost::json::object ok_object() {
    boost::json::object o;
    o["STATUS"] = "OK";
    return o;
}

inline Response ok() { return send(ok_object()); }

inline Response ko(const std::string& message) {
    boost::json::object o;
    o["STATUS"] = "KO";
    o["errMsg"] = message;
    return send(o);
}

inline std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

inline bool is_system_error(const Error& e) {
    return e.code() == ErrorCode::storage || e.code() == ErrorCode::schema || e.code() == ErrorCode::internal;
}

// The seed's catch-all answer, the cause written to the log.
inline Response system_failure(const Request& req, std::string_view what) {
    log_error(kDialect, req, what);
    return ko(kSystemFailure);
}

// The access token where the dialect looks before the parameters: the
// accessToken header, an Authorization: Bearer header, or the query string.
inline std::optional<std::string> access_token_outside_body(const Request& req) {
    if (const auto* h = req.header("accessToken")) return trim(*h);
    if (const auto* h = req.header("Authorization")) {
        const std::string v = trim(*h);
        if (v.size() > 7 && (v.compare(0, 7, "Bearer ") == 0 || v.compare(0, 7, "bearer ") == 0))
            return trim(std::string_view(v).substr(7));
    }
    if (const auto* q = req.query_value("accessToken")) return *q;
    return std::nullopt;
}

// One authenticated request: the caller (its activity label set), the
// request's parameters and whether a core operation (which records itself
// in the activity log) has been called.
template <class Ctx, class Input>
struct AuthedCall {
    Ctx& ctx;
    const Request& req;
    Principal who;
    Input params;
    bool core_called = false;

    template <class F>
    decltype(auto) core(F&& f) {
        core_called = true;
        return f();
    }
};

// How a file of the dialect reads a request's parameters (throwing
// DatatypeError for a malformed body), finds its token among them, and
// answers an error of the library that its endpoint did not answer itself.
template <class Input>
struct AuthedHooks {
    Accounts& accounts;
    ActivityLog& activity;
    TokenKind kind;
    Input (*read)(const Request&);
    std::string (*token)(const Request&, const Input*);
    Response (*on_error)(const Request&, const Error&);
};

// The wrapper of every authenticated endpoint. A malformed body is answered
// after authentication, so an anonymous caller learns nothing from it. The
// host records the refusals it makes before any core operation ran (the core
// operations record themselves), so each authenticated request leaves one
// entry in the activity log; a summary never holds a parameter's value.
template <class Ctx, class Input>
Handler authed_endpoint(Ctx& ctx, AuthedHooks<Input> hooks,
                        std::function<Response(AuthedCall<Ctx, Input>&)> fn) {
    return [&ctx, hooks, fn = std::move(fn)](const Request& req) -> Response {
        std::optional<AuthedCall<Ctx, Input>> call;
        const auto record_refusal = [&](bool always, const std::string& summary) {
            if (!call || (call->core_called && !always)) return;
            try {
                hooks.activity.record(call->who, call->who.endpoint, false, summary);
            } catch (const std::exception& e) {
                log_error(kDialect, req, std::string("cannot record activity: ") + e.what());
            }
        };
        try {
            std::optional<Input> params;
            try {
                params = hooks.read(req);
            } catch (const DatatypeError&) {
                // answered after authentication
            }
            const std::string token = hooks.token(req, params ? &*params : nullptr);
            Principal who;
            try {
                who = hooks.accounts.authenticate(token, hooks.kind);
            } catch (const Error& e) {
                if (e.code() == ErrorCode::unauthorized) return ko(kUnauthorized);
                throw;
            }
            who.endpoint = req.method + " " + req.path;
            call.emplace(AuthedCall<Ctx, Input>{ctx, req, std::move(who), params ? std::move(*params) : Input{}});
            if (!params) throw DatatypeError{};
            return fn(*call);
        } catch (const Ko& k) {
            record_refusal(false, k.message);
            return ko(k.message);
        } catch (const DatatypeError& d) {
            record_refusal(false, d.field.empty() ? "unexpected datatype: malformed body"
                                                  : "unexpected datatype: " + safe_name(d.field));
            return ko(kDatatype);
        } catch (const Error& e) {
            record_refusal(false, e.what());
            return hooks.on_error(req, e);
        } catch (const std::exception& e) {
            record_refusal(true, kSystemFailure);
            return system_failure(req, e.what());
        } catch (...) {
            record_refusal(true, kSystemFailure);
            return system_failure(req, "unknown exception");
        }
    };
}

}  // namespace switchboard::host::octapy
