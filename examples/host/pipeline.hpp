// switchboard-host: the one pipeline every endpoint's request goes through,
// whatever the dialect:
//
//   1. read the parameters (a malformed body is answered only after
//      authentication, so an anonymous caller learns nothing from it);
//   2. find the caller's credential and authenticate it (Gate);
//   3. label the principal's activity endpoint "VERB /path";
//   4. run the handler;
//   5. turn every outcome into the dialect's answer (EndpointCall's answer
//      hooks), recording a refusal in the activity log when no core
//      operation recorded it.
//
// A dialect derives its exchange from EndpointCall: what its handlers reach
// besides (the facade's modules, where its error rows point) and its answers.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "dialect.hpp"

namespace switchboard::host {

// A refusal decided in the host before any core operation ran: the
// dialect's message; OpenCHS error rows also name the field and, for a
// nested object, its table.
struct Refusal {
    std::string message;
    std::string field = {};
    std::string table = {};
};

// Who a credential belongs to; throws Error(unauthorized) when it is
// missing or not valid. The request and its parameters are there for a
// credential that signs them (a webhook's signature).
using Authenticator = std::function<Principal(const std::string& credential, const Request&, const Params&)>;

// The accounts' tokens: of one kind (a session's access token, a developer
// token), or of either kind.
Authenticator token_of(Accounts& accounts, TokenKind kind);
Authenticator any_token(Accounts& accounts);

// How a request gets to its handler: how its parameters are read, and how
// its caller proves who it is. An open endpoint has no authenticator.
struct Gate {
    // nullptr: the endpoint takes no parameters. Throws DatatypeError.
    Params (*read)(const Request&) = nullptr;
    // Where the caller's credential is ("" when it sent none).
    std::string (*credential)(const Request&, const Params&) = nullptr;
    Authenticator authenticate;
    // Where refusals of authenticated callers are recorded.
    ActivityLog* activity = nullptr;
};

// The gate of an open endpoint: no caller to find, nothing recorded.
inline Gate open_gate(Params (*read)(const Request&)) {
    Gate gate;
    gate.read = read;
    return gate;
}

// One request through the pipeline.
class EndpointCall {
public:
    const Request& req;
    Params params;           // empty when the body is malformed
    std::string credential;  // as the caller sent it
    Principal who;           // once authenticated; who.endpoint is "VERB /path"
    bool core_called = false;

    // A core operation: it records itself in the activity log.
    template <class F>
    decltype(auto) core(F&& f) {
        core_called = true;
        return f();
    }

protected:
    EndpointCall(const Request& r, std::string_view dialect) : req(r), dialect_(dialect) {}
    EndpointCall(const EndpointCall&) = delete;
    EndpointCall& operator=(const EndpointCall&) = delete;
    ~EndpointCall() = default;

private:
    friend Response run(EndpointCall& c, const Gate& gate, const std::function<Response()>& handler);

    // The dialect's answers: a missing or invalid credential; a Refusal; a
    // malformed body or a parameter of the wrong type; a library error no
    // handler answered; anything unexpected (written to the error log).
    virtual Response unauthorized() const = 0;
    virtual Response refused(const Refusal& r) const = 0;
    virtual Response datatype(const DatatypeError& d) const = 0;
    virtual Response core_error(const Error& e) const = 0;
    virtual Response system_failure(std::string_view what) const = 0;

    std::string_view dialect_;  // for the error log
};

// Takes `c` through the pipeline to `handler`; whatever the handler throws
// becomes the dialect's answer.
Response run(EndpointCall& c, const Gate& gate, const std::function<Response()>& handler);

}  // namespace switchboard::host
