// switchboard-host: what the OctaPy dialect's files (octapy.cpp,
// octapy_text.cpp) share: the seed's catch-all messages and its answer
// shapes, HTTP 200 with {"STATUS":"OK", ...} or {"STATUS":"KO","errMsg":"..."}.
#pragma once

#include <string>
#include <string_view>

#include "dialect.hpp"

namespace switchboard::host::octapy {

inline constexpr std::string_view kDialect = "octapy";
inline const std::string kSystemFailure = "system failure, please try again";
inline const std::string kDatatype = "unexpected datatype, please try again";
inline const std::string kUnauthorized = "unauthorized";

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

}  // namespace switchboard::host::octapy
