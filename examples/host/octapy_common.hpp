// switchboard-host: what the OctaPy dialect's files (octapy.cpp,
// octapy_text.cpp) share: the seed's catch-all messages, its answer shapes
// (HTTP 200 with {"STATUS":"OK", ...} or {"STATUS":"KO","errMsg":"..."}),
// where the access token is found and the dialect's exchange with the
// pipeline (pipeline.hpp).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "dialect.hpp"
#include "pipeline.hpp"

namespace switchboard::host::octapy {

inline constexpr std::string_view kDialect = "octapy";
inline const std::string kSystemFailure = "system failure, please try again";
inline const std::string kDatatype = "unexpected datatype, please try again";
inline const std::string kUnauthorized = "unauthorized";
// At a configured limit for now (the jobs' backlog is full): nothing was
// stored. The seed has no busy answer; this one follows its "..., please
// try again" form.
inline const std::string kBusy = "busy, please try again";

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

// The access token: the accessToken header, an Authorization: Bearer
// header, or an accessToken parameter (query string or body).
inline std::string access_token(const Request& req, const Params& params) {
    if (const auto* h = req.header("accessToken")) return trim(*h);
    if (const auto* h = req.header("Authorization")) {
        const std::string v = trim(*h);
        if (v.size() > 7 && (v.compare(0, 7, "Bearer ") == 0 || v.compare(0, 7, "bearer ") == 0))
            return trim(std::string_view(v).substr(7));
    }
    if (const auto* q = req.query_value("accessToken")) return *q;
    if (const auto* v = params.find("accessToken"); v && v->is_string()) return std::string(v->as_string());
    return {};
}

// The seed's message for a library error no endpoint answered itself.
inline std::string message_for(const Error& e) {
    switch (e.code()) {
        case ErrorCode::unauthorized:
        case ErrorCode::forbidden: return kUnauthorized;
        case ErrorCode::credentials: return "credentials didn't match";
        case ErrorCode::schema:
        case ErrorCode::storage:
        case ErrorCode::internal: return kSystemFailure;
        default: return e.what();
    }
}

// An OctaPy request (pipeline.hpp): every outcome is STATUS KO with the
// seed's message. `ctx` is what the file's handlers reach.
template <class Ctx>
class Exchange final : public host::EndpointCall {
public:
    Ctx& ctx;

    Exchange(Ctx& context, const Request& r) : host::EndpointCall(r, kDialect), ctx(context) {}

private:
    Response unauthorized() const override { return ko(kUnauthorized); }
    Response refused(const Refusal& r) const override { return ko(r.message); }
    Response datatype(const DatatypeError&) const override { return ko(kDatatype); }
    Response core_error(const Error& e) const override {
        if (is_system_error(e)) log_error(kDialect, req, e.what());
        return ko(message_for(e));
    }
    Response system_failure(std::string_view what) const override { return octapy::system_failure(req, what); }
};

// A route's handler: each request goes through the pipeline as an Exchange.
template <class Ctx>
Handler endpoint(Ctx& ctx, Gate gate, std::type_identity_t<std::function<Response(Exchange<Ctx>&)>> fn) {
    return [&ctx, gate = std::move(gate), fn = std::move(fn)](const Request& req) {
        Exchange<Ctx> c(ctx, req);
        return run(c, gate, [&] { return fn(c); });
    };
}

}  // namespace switchboard::host::octapy
