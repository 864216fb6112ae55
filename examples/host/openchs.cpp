// switchboard-host: the OpenCHS dialect (seed 004) under /eproc/: login,
// password change and admin reset (1.1-1.3), users (2.1-2.6), plus customer
// self-registration (Customer Care Registry, seed 001) and logout. The case
// records are served by openchs_cases.cpp and openchs_calls.cpp.
#include <functional>

#include "openchs_common.hpp"

namespace switchboard::host {

using namespace openchs;

namespace {

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
            {"created_on", format_time(u.created_ms)}};
}

// What the login answer can say about a principal whose record the host may
// not read (the platform operator, or a temporary password).
json::object principal_object(const Principal& p) {
    return {{"id", str(p.user_id)}, {"usn", p.username}, {"role", std::string(to_string(p.role))}};
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
Response login(Exchange& c) {
    const std::string* h = c.req.header("XAuthorization");
    if (!h) h = c.req.header("Authorization");
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
        s = c.ctx.accounts.sign_in(pair.substr(0, colon), pair.substr(colon + 1), "POST " + c.req.path);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::credentials || e.code() == ErrorCode::unauthorized) return auth_required();
        throw;
    }
    Principal p = s.principal;
    p.endpoint = "POST " + c.req.path;
    json::object o;
    o["ss"] = json::array{json::array{json::string(s.token), json::string(str(p.user_id)), json::string(p.username),
                                      json::string(str(p.org_id)), json::string(to_string(p.role))}};
    if (p.role == Role::platform_operator || p.must_change_password) {
        o["Profile"] = json::array{principal_object(p)};
        if (p.must_change_password) o["profile_nb"] = json::array{json::array{"info", "Password Change Required"}};
    } else {
        o["Profile"] = json::array{user_object(c.ctx.accounts.get_user(p, p.user_id))};
    }
    return send(201, o);
}

// 1.2 POST /eproc/changeAuth {"pass0", "pass1", "pass2"}.
Response change_auth(Exchange& c) {
    c.fields = {{"current_password", "pass0"}, {"currentPwd", "pass0"}, {"password", "pass1"},
                {"password_confirm", "pass2"}};
    c.row = str(c.who.user_id);
    const std::string pass0 = c.params.text("pass0").value_or("");
    const std::string pass1 = c.params.text("pass1").value_or("");
    const std::string pass2 = c.params.text("pass2").value_or("");
    const User u = c.core([&] { return c.ctx.accounts.change_password(c.who, pass0, pass1, pass2); });
    // Every session of the user has ended: the client signs in again.
    json::object o;
    o["profile_nb"] = json::array{json::array{"info", "Password Changed"}};
    o["Profile"] = json::array{user_object(u)};
    return send(202, o);
}

// 1.3 POST /eproc/changeAuthAdmin/{id} (or {"id": ...} in the body).
Response change_auth_admin(Exchange& c) {
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

Response logout(Exchange& c) {
    c.core([&] { c.ctx.accounts.sign_out(c.credential); });
    c.ctx.activity.record(c.who, c.who.endpoint, true, "signed out");
    json::object o;
    o["loggedoff"] = json::array{json::array{"Auth"}};
    return send(200, o);
}

// --------------------------------------------------------------- 2. users

Response create_user(Exchange& c) {
    const UserFields f = user_fields(c.params);
    const CreatedUser created = c.core([&] { return c.ctx.accounts.create_user(c.who, f); });
    json::object o;
    o["users_nb"] = json::array{json::array{"info", "User Created"}};
    o["users"] = json::array{user_object(created.user)};
    if (created.temporary_password) o["temporary_password"] = *created.temporary_password;
    return send(201, o);
}

Response edit_user(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    const UserFields f = user_fields(c.params);
    const User u = c.core([&] { return c.ctx.accounts.update_user(c.who, id, f); });
    json::object o;
    o["users_nb"] = json::array{json::array{"info", "User Updated"}};
    o["users"] = json::array{user_object(u)};
    return send(202, o);
}

Response view_user(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    const User u = c.core([&] { return c.ctx.accounts.get_user(c.who, id); });
    json::object o;
    o["users"] = json::array{user_object(u)};
    return send(200, o);
}

// GET /eproc/users/?field=value&_c=50&_a=0: every other query parameter is a
// filter on a user field (usn, fname, lname, exten, phone, email, role,
// enabled, created_on, id); newest first. ?csv=1: the same selection as CSV (2.5).
Response list_users(Exchange& c) {
    const ListRequest lr = list_request(c, {"csv"}, {}, kUserFields);
    if (csv_requested(lr)) {
        return stream_csv(
            c, "users.csv",
            [&ctx = c.ctx, who = c.who, q = lr.query](const CsvSink& sink) { ctx.accounts.export_users_csv(who, q, sink); },
            lr.names);
    }
    const Page<User> page = c.core([&] { return c.ctx.accounts.list_users(c.who, lr.query); });
    json::array users;
    for (const auto& u : page.items) users.push_back(user_object(u));
    json::object o;
    o["users"] = std::move(users);
    o["users_ctx"] = json::array{json::array{"total", json::string(str(page.total))}};
    return send(200, o);
}

// 2.6 GET /eproc/users/rpt?xaxis=role&yaxis=enabled (and any filter).
Response report_users(Exchange& c) {
    const ListRequest lr = list_request(c, {"xaxis", "yaxis"}, {}, kUserFields);
    const Axes a = axes(lr);
    const PivotReport r = c.core([&] { return c.ctx.accounts.report_users(c.who, lr.query, a.x, a.y); });
    return pivot_answer("users", r, lr.names);
}

// Customer Care Registry: a customer registers with an organisation.
// {"org", "email", "pass1", "pass2", "fname", "lname", "usn"?, "phone"?}
Response register_customer(Exchange& c) {
    const Params p = Params::from_body(c.req);
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
    const User u = c.ctx.accounts.register_customer(r);
    json::object o;
    o["users_nb"] = json::array{json::array{"info", "User Registered"}};
    o["users"] = json::array{user_object(u)};
    return send(201, o);
}

const FieldMap kRegistrationFields = {{"org_id", "org"},      {"password", "pass1"}, {"password_confirm", "pass2"},
                                      {"first_name", "fname"}, {"last_name", "lname"}, {"username", "usn"}};

}  // namespace

Response openchs_transport_error(const Request&, int status) {
    using openchs::error_row;
    std::string message = "Bad Request", type = "invalid_argument";
    if (status == 404) message = "Not Found", type = "not_found";
    else if (status == 405) message = "Method Not Allowed", type = "invalid_argument";
    else if (status == 413) message = "request body is too large", type = "too_large";
    else if (status != 400) message = transport_reason(status), type = status == 503 ? "busy" : "invalid_argument";
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
    server.route("GET", "/eproc/users/rpt", authed_endpoint(ctx, "users", report_users));

    register_openchs_cases(server, ctx);
    register_openchs_calls(server, ctx);
    register_openchs_events(server, ctx);
    register_openchs_queues(server, ctx);
    register_openchs_mail(server, ctx);
    register_openchs_messages(server, ctx);
}

}  // namespace switchboard::host
