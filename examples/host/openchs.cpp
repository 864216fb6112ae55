// switchboard-host: the OpenCHS dialect (seed 004) under /eproc/: login,
// password change and admin reset (1.1-1.3), users (2.1-2.4), plus customer
// self-registration (Customer Care Registry, seed 001) and logout.
//
// Answers: 201 created, 202 changed, 200 read, 401 with the "loggedoff" body
// when the session is missing or invalid, 412 {"errors":[[...]]} for any
// refusal, 500 for a system failure.
#include <functional>

#include "dialect.hpp"

namespace switchboard::host {

namespace {

namespace json = boost::json;

constexpr std::string_view kDialect = "openchs";
const std::string kSystemFailure = "system failure, please try again";
const std::string kDatatype = "unexpected datatype, please try again";

Response send(int status, const json::object& body) { return Response::json(status, json_text(body)); }

Response auth_required() {
    json::object o;
    o["errors"] = json::array{json::array{"error", "Authentication Required"}};
    o["loggedoff"] = json::array{json::array{"Auth"}};
    return send(401, o);
}

// {"errors":[["error", message, ERROR_TYPE, table, row, field]]}
Response error_row(int status, const std::string& message, std::string_view type, const std::string& table,
                   const std::string& row, const std::string& field) {
    json::object o;
    o["errors"] = json::array{json::array{"error", json::string(message), json::string(type), json::string(table),
                                          json::string(row), json::string(field)}};
    return send(status, o);
}

Response system_failure(const Request& req, std::string_view what) {
    log_error(kDialect, req, what);
    return error_row(500, kSystemFailure, "internal", "", "", "");
}

// Core field names -> the OpenCHS names a client sent.
using FieldMap = std::vector<std::pair<std::string_view, std::string_view>>;

const FieldMap kUserFields = {{"username", "usn"},  {"extension", "exten"}, {"first_name", "fname"},
                              {"last_name", "lname"}, {"password", "pass"},  {"active", "enabled"}};

std::string map_field(const std::string& core_field, const FieldMap& map) {
    for (const auto& [from, to] : map)
        if (core_field == from) return std::string(to);
    return core_field;
}

// A refusal decided in the host before any core operation ran.
struct Refusal {
    std::string message;
    std::string field;
};

// The answer for a core error.
Response error_response(const Request& req, const Error& e, const std::string& table, const std::string& row,
                        const FieldMap& fields) {
    switch (e.code()) {
        case ErrorCode::unauthorized: return auth_required();
        case ErrorCode::schema:
        case ErrorCode::storage:
        case ErrorCode::internal: return system_failure(req, e.what());
        default: {
            const std::string field = map_field(e.field(), fields);
            return error_row(412, e.what(), to_string(e.code()), table, row, field);
        }
    }
}

std::string bearer_token(const Request& req) {
    const std::string* h = req.header("XAuthorization");
    if (!h) h = req.header("Authorization");
    if (!h) return {};
    std::string_view v = *h;
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    if (v.size() < 7 || (v.substr(0, 7) != "Bearer " && v.substr(0, 7) != "bearer ")) return {};
    v.remove_prefix(7);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return std::string(v);
}

std::string str(std::int64_t n) { return std::to_string(n); }

// A user in OpenCHS field names. Values are strings, as in the seed's examples.
json::object user_object(const User& u) {
    return {{"id", str(u.id)},
            {"usn", u.username},
            {"exten", u.extension},
            {"photo", u.photo},
            {"fname", u.first_name},
            {"lname", u.last_name},
            {"phone", u.phone},
            {"email", u.email},
            {"role", std::string(to_string(u.role))},
            {"enabled", u.active ? "1" : "0"},
            {"created_on", format_iso_ms(u.created_ms)}};
}

// What the login answer can say about a principal whose record the host may
// not read (the platform operator, or a temporary password).
json::object principal_object(const Principal& p) {
    return {{"id", str(p.user_id)}, {"usn", p.username}, {"role", std::string(to_string(p.role))}};
}

// --------------------------------------------------------------- wrappers

struct Call {
    Context& ctx;
    const Request& req;
    Principal who;
    std::string token;
    Params params;
    std::string row;        // the record the request is about, for error rows
    FieldMap fields = kUserFields;
    bool core_called = false;

    template <class F>
    decltype(auto) core(F&& f) {
        core_called = true;
        return f();
    }
};

using AuthedFn = std::function<Response(Call&)>;

void record_refusal(const std::optional<Call>& call, bool always, const std::string& summary) {
    if (!call || (call->core_called && !always)) return;
    try {
        call->ctx.activity.record(call->who, call->who.endpoint, false, summary);
    } catch (const std::exception& e) {
        log_error(kDialect, call->req, std::string("cannot record activity: ") + e.what());
    }
}

Handler authed_endpoint(Context& ctx, std::string table, AuthedFn fn) {
    return [&ctx, table = std::move(table), fn = std::move(fn)](const Request& req) -> Response {
        std::optional<Call> call;
        try {
            const std::string token = bearer_token(req);
            Principal who;
            try {
                who = ctx.accounts.authenticate(token, TokenKind::access);
            } catch (const Error& e) {
                if (e.code() == ErrorCode::unauthorized) return auth_required();
                throw;
            }
            who.endpoint = req.method + " " + req.path;
            std::optional<Params> params;
            try {
                params = req.method == "GET" ? Params::from_query(req) : Params::from_body(req);
            } catch (const DatatypeError&) {
                // answered below, once the refusal can be recorded
            }
            call.emplace(Call{ctx, req, std::move(who), token, params ? std::move(*params) : Params{}, "",
                              kUserFields, false});
            if (!params) throw DatatypeError{};
            return fn(*call);
        } catch (const Refusal& r) {
            record_refusal(call, false, r.message);
            return error_row(412, r.message, "invalid_argument", table, call ? call->row : "", r.field);
        } catch (const DatatypeError& d) {
            record_refusal(call, false, d.field.empty() ? "unexpected datatype: malformed body"
                                                        : "unexpected datatype: " + safe_name(d.field));
            return error_row(412, kDatatype, "invalid_argument", table, call ? call->row : "",
                             d.field.empty() ? "" : safe_name(d.field));
        } catch (const Error& e) {
            record_refusal(call, false, e.what());
            return error_response(req, e, table, call ? call->row : "", call ? call->fields : kUserFields);
        } catch (const std::exception& e) {
            record_refusal(call, true, kSystemFailure);
            return system_failure(req, e.what());
        } catch (...) {
            record_refusal(call, true, kSystemFailure);
            return system_failure(req, "unknown exception");
        }
    };
}

using PublicFn = std::function<Response(Context&, const Request&)>;

Handler open_endpoint(Context& ctx, std::string table, FieldMap fields, PublicFn fn) {
    return [&ctx, table = std::move(table), fields = std::move(fields), fn = std::move(fn)](const Request& req) {
        try {
            return fn(ctx, req);
        } catch (const Refusal& r) {
            return error_row(412, r.message, "invalid_argument", table, "", r.field);
        } catch (const DatatypeError& d) {
            return error_row(412, kDatatype, "invalid_argument", table, "", d.field.empty() ? "" : safe_name(d.field));
        } catch (const Error& e) {
            return error_response(req, e, table, "", fields);
        } catch (const std::exception& e) {
            return system_failure(req, e.what());
        } catch (...) {
            return system_failure(req, "unknown exception");
        }
    };
}

std::int64_t id_param(Call& c, const std::string& value, const char* field) {
    const auto id = parse_whole(value);
    if (!id || *id <= 0) throw Refusal{std::string(field) + " isn't a valid record id", field};
    c.row = str(*id);
    return *id;
}

// usn, exten, photo, fname, lname, phone, email, role, pass, enabled.
UserFields user_fields(const Params& p) {
    UserFields f;
    for (const auto& kv : p.object()) {
        const std::string key(kv.key());
        if (key == "usn") f.username = p.text(key);
        else if (key == "exten") f.extension = p.text(key);
        else if (key == "photo") f.photo = p.text(key);
        else if (key == "fname") f.first_name = p.text(key);
        else if (key == "lname") f.last_name = p.text(key);
        else if (key == "phone") f.phone = p.text(key);
        else if (key == "email") f.email = p.text(key);
        else if (key == "pass") f.password = p.text(key);
        else if (key == "enabled") f.active = p.flag(key);
        else if (key == "role") f.role = role_from_string(*p.text(key));
        else throw Refusal{"unknown field \"" + safe_name(key) + "\"", safe_name(key)};
    }
    return f;
}

// --------------------------------------------------------------- 1. authentication

// 1.1 POST /eproc/ with XAuthorization: Basic base64(username:password).
Response login(Context& ctx, const Request& req) {
    const std::string* h = req.header("XAuthorization");
    if (!h) h = req.header("Authorization");
    if (!h) return auth_required();
    std::string_view v = *h;
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    if (v.size() < 6 || (v.substr(0, 6) != "Basic " && v.substr(0, 6) != "basic ")) return auth_required();
    v.remove_prefix(6);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    bool decoded = false;
    const std::string pair = base64_decode(v, decoded);
    const auto colon = pair.find(':');
    if (!decoded || colon == std::string::npos) return auth_required();

    Session s;
    try {
        s = ctx.accounts.sign_in(pair.substr(0, colon), pair.substr(colon + 1), "POST " + req.path);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::credentials || e.code() == ErrorCode::unauthorized) return auth_required();
        throw;
    }
    Principal p = s.principal;
    p.endpoint = "POST " + req.path;
    json::object o;
    o["ss"] = json::array{json::array{json::string(s.token), json::string(str(p.user_id)), json::string(p.username),
                                      json::string(str(p.org_id)), json::string(to_string(p.role))}};
    if (p.role == Role::platform_operator || p.must_change_password) {
        o["Profile"] = json::array{principal_object(p)};
        if (p.must_change_password) o["profile_nb"] = json::array{json::array{"info", "Password Change Required"}};
    } else {
        o["Profile"] = json::array{user_object(ctx.accounts.get_user(p, p.user_id))};
    }
    return send(201, o);
}

// 1.2 POST /eproc/changeAuth {"pass0", "pass1", "pass2"}.
Response change_auth(Call& c) {
    c.fields = {{"current_password", "pass0"}, {"currentPwd", "pass0"}, {"password", "pass1"}};
    c.row = str(c.who.user_id);
    const std::string pass0 = c.params.text("pass0").value_or("");
    const std::string pass1 = c.params.text("pass1").value_or("");
    const std::string pass2 = c.params.text("pass2").value_or("");
    if (pass1 != pass2) throw Refusal{"passwords don't match", "pass2"};
    const User u = c.core([&] { return c.ctx.accounts.change_password(c.who, pass0, pass1); });
    // Every session of the user has ended: the client signs in again.
    json::object o;
    o["profile_nb"] = json::array{json::array{"info", "Password Changed"}};
    o["Profile"] = json::array{user_object(u)};
    return send(202, o);
}

// 1.3 POST /eproc/changeAuthAdmin/{id} (or {"id": ...} in the body).
Response change_auth_admin(Call& c) {
    std::int64_t id;
    const std::string path_id = c.req.path_param("id");
    if (!path_id.empty()) {
        id = id_param(c, path_id, "id");
    } else {
        const auto body_id = c.params.whole("id");
        if (!body_id) throw Refusal{"id is required", "id"};
        id = id_param(c, str(*body_id), "id");
    }
    const PasswordReset reset = c.core([&] { return c.ctx.accounts.admin_reset_password(c.who, id); });
    json::object o;
    o["users_nb"] = json::array{json::array{"info", "Password Reset"}};
    o["Profile"] = json::array{user_object(reset.user)};
    o["temporary_password"] = reset.temporary_password;
    return send(202, o);
}

Response logout(Call& c) {
    c.core([&] { c.ctx.accounts.sign_out(c.token); });
    c.ctx.activity.record(c.who, c.who.endpoint, true, "signed out");
    json::object o;
    o["loggedoff"] = json::array{json::array{"Auth"}};
    return send(200, o);
}

// --------------------------------------------------------------- 2. users

Response create_user(Call& c) {
    const UserFields f = user_fields(c.params);
    const CreatedUser created = c.core([&] { return c.ctx.accounts.create_user(c.who, f); });
    json::object o;
    o["users_nb"] = json::array{json::array{"info", "User Created"}};
    o["users"] = json::array{user_object(created.user)};
    if (created.temporary_password) o["temporary_password"] = *created.temporary_password;
    return send(201, o);
}

Response edit_user(Call& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    const UserFields f = user_fields(c.params);
    const User u = c.core([&] { return c.ctx.accounts.update_user(c.who, id, f); });
    json::object o;
    o["users_nb"] = json::array{json::array{"info", "User Updated"}};
    o["users"] = json::array{user_object(u)};
    return send(202, o);
}

Response view_user(Call& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    const User u = c.core([&] { return c.ctx.accounts.get_user(c.who, id); });
    json::object o;
    o["users"] = json::array{user_object(u)};
    return send(200, o);
}

// GET /eproc/users/?field=value&_c=50&_a=0: every other query parameter is a
// filter on a user field (usn, fname, lname, exten, phone, email, role,
// enabled, created_on, id); newest first.
Response list_users(Call& c) {
    ListQuery q;
    for (const auto& [k, v] : c.req.query) {
        if (k == "_c") {
            const auto n = parse_whole(v);
            if (!n || *n < 0 || *n > 1'000'000'000) throw Refusal{"_c must be a whole number", "_c"};
            q.count = static_cast<int>(*n);
        } else if (k == "_a") {
            const auto n = parse_whole(v);
            if (!n || *n < 0) throw Refusal{"_a must be a whole number", "_a"};
            q.offset = *n;
        } else {
            q.filters.emplace_back(k, v);
        }
    }
    c.fields = {{"count", "_c"}, {"offset", "_a"}};  // filter names are the client's own
    const Page<User> page = c.core([&] { return c.ctx.accounts.list_users(c.who, q); });
    json::array users;
    for (const auto& u : page.items) users.push_back(user_object(u));
    json::object o;
    o["users"] = std::move(users);
    o["users_ctx"] = json::array{json::array{"total", json::string(str(page.total))}};
    return send(200, o);
}

// Customer Care Registry: a customer registers with an organisation.
// {"org", "email", "pass1", "pass2", "fname", "lname", "usn"?, "phone"?}
Response register_customer(Context& ctx, const Request& req) {
    const Params p = Params::from_body(req);
    Registration r;
    for (const auto& kv : p.object()) {
        const std::string key(kv.key());
        if (key == "org") {
            const auto org = p.whole(key);
            if (*org <= 0) throw Refusal{"org isn't a valid organisation id", "org"};
            r.org_id = *org;
        } else if (key == "email") r.email = *p.text(key);
        else if (key == "pass1") r.password = *p.text(key);
        else if (key == "pass2") r.password_confirm = *p.text(key);
        else if (key == "fname") r.first_name = *p.text(key);
        else if (key == "lname") r.last_name = *p.text(key);
        else if (key == "usn") r.username = *p.text(key);
        else if (key == "phone") r.phone = *p.text(key);
        else throw Refusal{"unknown field \"" + safe_name(key) + "\"", safe_name(key)};
    }
    if (r.org_id == 0) throw Refusal{"org is required", "org"};
    const User u = ctx.accounts.register_customer(r);
    json::object o;
    o["users_nb"] = json::array{json::array{"info", "User Registered"}};
    o["users"] = json::array{user_object(u)};
    return send(201, o);
}

const FieldMap kRegistrationFields = {{"org_id", "org"},      {"password", "pass1"}, {"password_confirm", "pass2"},
                                      {"first_name", "fname"}, {"last_name", "lname"}, {"username", "usn"}};

}  // namespace

Response openchs_transport_error(const Request&, int status) {
    std::string message = "Bad Request", type = "invalid_argument";
    if (status == 404) message = "Not Found", type = "not_found";
    else if (status == 405) message = "Method Not Allowed", type = "invalid_argument";
    else if (status == 413) message = "request body is too large", type = "too_large";
    return error_row(status, message, type, "", "", "");
}

void register_openchs(Server& server, Context& ctx) {
    server.route("POST", "/eproc", open_endpoint(ctx, "users", kUserFields, login));
    server.route("POST", "/eproc/changeAuth", authed_endpoint(ctx, "users", change_auth));
    server.route("POST", "/eproc/changeAuthAdmin", authed_endpoint(ctx, "users", change_auth_admin));
    server.route("POST", "/eproc/changeAuthAdmin/{id}", authed_endpoint(ctx, "users", change_auth_admin));
    server.route("POST", "/eproc/logout", authed_endpoint(ctx, "", logout));
    server.route("POST", "/eproc/register", open_endpoint(ctx, "users", kRegistrationFields, register_customer));

    server.route("POST", "/eproc/users", authed_endpoint(ctx, "users", create_user));
    server.route("GET", "/eproc/users", authed_endpoint(ctx, "users", list_users));
    server.route("POST", "/eproc/users/{id}", authed_endpoint(ctx, "users", edit_user));
    server.route("GET", "/eproc/users/{id}", authed_endpoint(ctx, "users", view_user));
}

}  // namespace switchboard::host
