// switchboard-host: the pipeline of every endpoint (pipeline.hpp).
#include "pipeline.hpp"

#include <exception>
#include <utility>

namespace switchboard::host {

Authenticator token_of(Accounts& accounts, TokenKind kind) {
    return [&accounts, kind](const std::string& token, const Request&, const Params&) {
        return accounts.authenticate(token, kind);
    };
}

Authenticator any_token(Accounts& accounts) {
    return [&accounts](const std::string& token, const Request&, const Params&) {
        return accounts.authenticate_any(token);
    };
}

namespace {
// The activity log's summary of a system failure.
constexpr std::string_view kFailure = "system failure, please try again";
}  // namespace

Response run(EndpointCall& c, const Gate& gate, const std::function<Response()>& handler) {
    bool authenticated = false;
    // The core operations record themselves. The pipeline records a refusal
    // made before any of them ran, and always a system failure, so each
    // authenticated request leaves one entry; a summary never holds a
    // parameter's value. Anonymous requests belong to no organisation.
    const auto record_refusal = [&](bool always, std::string_view summary) {
        if (!authenticated || (c.core_called && !always)) return;
        try {
            gate.activity->record(c.who, c.who.endpoint, false, summary);
        } catch (const std::exception& e) {
            log_error(c.dialect_, c.req, std::string("cannot record activity: ") + e.what());
        }
    };
    try {
        bool malformed = false;
        try {
            if (gate.read) c.params = gate.read(c.req);
        } catch (const DatatypeError&) {
            malformed = true;  // answered once the caller is known
        }
        if (gate.authenticate) {
            c.credential = gate.credential(c.req, c.params);
            try {
                c.who = gate.authenticate(c.credential, c.req, c.params);
            } catch (const Error& e) {
                if (e.code() == ErrorCode::unauthorized) return c.unauthorized();
                throw;
            }
            c.who.endpoint = c.req.method + " " + c.req.path;
            authenticated = true;
        }
        if (malformed) throw DatatypeError{};
        return handler();
    } catch (const Refusal& r) {
        record_refusal(false, r.message);
        return c.refused(r);
    } catch (const DatatypeError& d) {
        record_refusal(false, d.field.empty() ? "unexpected datatype: malformed body"
                                              : "unexpected datatype: " + safe_name(d.field));
        return c.datatype(d);
    } catch (const Error& e) {
        record_refusal(false, e.what());
        return c.core_error(e);
    } catch (const std::exception& e) {
        record_refusal(true, kFailure);
        return c.system_failure(e.what());
    } catch (...) {
        record_refusal(true, kFailure);
        return c.system_failure("unknown exception");
    }
}

}  // namespace switchboard::host
