// switchboard-host: the OctaPy dialect (seed 000): sign-up and sign-in
// (Au1-Au5), settings and developer keys (Se1-Se8), the platform operator's
// user management (UM1-UM4) and the activity log (Ac1).
//
// Every endpoint answers HTTP 200 with {"STATUS":"OK", ...} or
// {"STATUS":"KO","errMsg":"..."}; the messages are the seed's.
#include <climits>
#include <ctime>
#include <functional>

#include "dialect.hpp"
#include "octapy_common.hpp"

namespace switchboard::host {

namespace {

namespace json = boost::json;

using namespace octapy;  // the dialect's messages and answers (octapy_common.hpp)

// "DD/MM/YYYY, HH:mm" (UTC), the activity log's format in the seed.
std::string octapy_time(std::int64_t ms) {
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%02d/%02d/%04d, %02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900,
                  tm.tm_hour, tm.tm_min);
    return buf;
}

// Accepts the seed's "DD/MM/YYYY" besides what the core reads (ISO-8601, Unix ms).
std::string time_bound(const std::string& v) {
    int d, m, y;
    char tail;
    if (v.size() == 10 && std::sscanf(v.c_str(), "%2d/%2d/%4d%c", &d, &m, &y, &tail) == 3) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        return buf;
    }
    return v;
}

Params read_params(const Request& req) {
    return req.method == "GET" ? Params::from_query(req) : Params::from_body(req);
}

// --------------------------------------------------------------- endpoints

using Exchange = octapy::Exchange<Context>;
using Fn = std::function<Response(Exchange&)>;

Handler open_endpoint(Context& ctx, Fn fn) { return endpoint(ctx, open_gate(read_params), std::move(fn)); }

Handler authed_endpoint(Context& ctx, Fn fn) {
    return endpoint(ctx, Gate{read_params, access_token, token_of(ctx.accounts, TokenKind::access), &ctx.activity},
                    std::move(fn));
}

// --------------------------------------------------------------- shapes

json::object profile_data(const Organisation& o) {
    return {{"companyName", o.company_name}, {"email", o.email}, {"contactNo", o.contact_number}};
}

json::object standards_data(const Organisation& o) {
    return {{"silenceLen", o.standards.silence_len_ms},
            {"interruptionLen", o.standards.interruption_len_ms},
            {"listBy", std::string(to_string(o.standards.list_by))}};
}

json::object constraints_data(const Organisation& o) {
    const auto& c = o.constraints;
    return {{"expTicketNo",
             {{"daily", c.expected_tickets_daily},
              {"weekly", c.expected_tickets_weekly},
              {"monthly", c.expected_tickets_monthly}}},
            {"thresholds", {{"minCAllLen", c.min_call_len_s}, {"maxCAllLen", c.max_call_len_s}}}};
}

json::object dev_key_data(const DevKey& k) {
    return {{"username", k.username}, {"passKey", k.pass_key_hint}, {"status", k.active ? "Activated" : "Deactivated"}};
}

// UM1/UM2: an organisation as the seed's "user" widget.
json::object org_widget(const Organisation& o) {
    return {{"companyName", o.company_name},
            {"email", o.email},
            {"userId", o.id},
            {"additionalInfo",
             {{"contactNo", o.contact_number},
              {"verified", o.verified},
              {"userCount", o.user_count},
              {"createdOn", octapy_time(o.created_ms)}}}};
}

// UM3: the profile under the same keys UM4 takes.
json::object org_profile(const Organisation& o) {
    const auto& s = o.standards;
    const auto& c = o.constraints;
    return {{"userId", o.id},
            {"profile/companyName", o.company_name},
            {"profile/email", o.email},
            {"profile/contactNo", o.contact_number},
            {"standards/silenceLen", s.silence_len_ms},
            {"standards/interruptionLen", s.interruption_len_ms},
            {"standards/listBy", std::string(to_string(s.list_by))},
            {"constrains/expTicketNo/daily", c.expected_tickets_daily},
            {"constrains/expTicketNo/weekly", c.expected_tickets_weekly},
            {"constrains/expTicketNo/monthly", c.expected_tickets_monthly},
            {"constrains/thresholds/minCAllLen", c.min_call_len_s},
            {"constrains/thresholds/maxCAllLen", c.max_call_len_s}};
}

// --------------------------------------------------------------- settings patch

std::string value_string(const json::value* v, const std::string& key) {
    if (!v->is_string()) throw DatatypeError{key};
    return std::string(v->as_string());
}

int value_int(const json::value* v, const std::string& key, bool form) {
    std::optional<std::int64_t> n;
    if (form && v->is_string()) n = parse_whole(v->as_string());
    else if (v->is_int64()) n = v->as_int64();
    else if (v->is_uint64()) n = v->as_uint64() > static_cast<std::uint64_t>(INT_MAX) ? INT_MAX : v->as_uint64();
    if (!n) throw DatatypeError{key};
    // Out-of-range integers reach the core's range check as its bounds.
    if (*n > INT_MAX) return INT_MAX;
    if (*n < INT_MIN) return INT_MIN;
    return static_cast<int>(*n);
}

// Se5 / UM4 keys, flat ("profile/companyName") or nested JSON objects. The
// seed spells the section "constrains"; "constraints" is accepted too. An
// unknown key is refused, so that a misspelt setting is never ignored.
SettingsPatch settings_patch(const Params& params, bool own_organisation) {
    SettingsPatch p;
    for (const auto& [raw_key, v] : params.flattened()) {
        if (raw_key == "accessToken" || (!own_organisation && raw_key == "userId")) continue;
        std::string key = raw_key;
        if (key.compare(0, 12, "constraints/") == 0) key = "constrains/" + key.substr(12);
        const bool form = params.from_form();
        if (key == "profile/companyName") p.company_name = value_string(v, raw_key);
        else if (key == "profile/email") p.email = value_string(v, raw_key);
        else if (key == "profile/contactNo") p.contact_number = value_string(v, raw_key);
        else if (key == "profile/password") p.password = value_string(v, raw_key);
        else if (key == "profile/currentPwd" && own_organisation) p.current_password = value_string(v, raw_key);
        else if (key == "standards/silenceLen") p.silence_len_ms = value_int(v, raw_key, form);
        else if (key == "standards/interruptionLen") p.interruption_len_ms = value_int(v, raw_key, form);
        else if (key == "standards/listBy") p.list_by = value_string(v, raw_key);
        else if (key == "constrains/expTicketNo/daily") p.expected_tickets_daily = value_int(v, raw_key, form);
        else if (key == "constrains/expTicketNo/weekly") p.expected_tickets_weekly = value_int(v, raw_key, form);
        else if (key == "constrains/expTicketNo/monthly") p.expected_tickets_monthly = value_int(v, raw_key, form);
        else if (key == "constrains/thresholds/minCAllLen") p.min_call_len_s = value_int(v, raw_key, form);
        else if (key == "constrains/thresholds/maxCAllLen") p.max_call_len_s = value_int(v, raw_key, form);
        else throw DatatypeError{raw_key};
    }
    return p;
}

// Se5/UM4 answers: the seed's words for the password rules, the core's
// message for any other refusal of a value.
[[noreturn]] void rethrow_settings_error(const Error& e) {
    if (e.code() == ErrorCode::credentials) throw Refusal{"password didn't match, please try again"};
    if (e.code() == ErrorCode::invalid_argument && e.field() == "password")
        throw Refusal{"password didn't qualify, please try again"};
    if (e.code() == ErrorCode::invalid_argument) throw Refusal{e.what()};
    throw e;
}

// _c / _a from the query string.
void read_paging(const Request& req, ListQuery& q) {
    if (const auto* c = req.query_value("_c")) {
        auto n = parse_whole(*c);
        if (!n || *n < 0 || *n > INT_MAX) throw DatatypeError{"_c"};
        q.count = static_cast<int>(*n);
    }
    if (const auto* a = req.query_value("_a")) {
        auto n = parse_whole(*a);
        if (!n || *n < 0) throw DatatypeError{"_a"};
        q.offset = *n;
    }
}

// A list's invalid filter or page is a datatype problem in the seed's words.
template <class F>
auto list_call(Exchange& call, F&& f) {
    try {
        return call.core(std::forward<F>(f));
    } catch (const Error& e) {
        if (e.code() == ErrorCode::invalid_argument) throw Refusal{kDatatype};
        throw;
    }
}

// --------------------------------------------------------------- Au1-Au5

Response sign_up(Exchange& c) {
    const Params& p = c.params;
    SignUp s;
    s.company_name = p.string("companyName").value_or("");
    s.email = p.string("email").value_or("");
    s.phone = p.string("phone").value_or("");
    s.password = p.string("password").value_or("");
    c.ctx.accounts.sign_up(s);
    return ok();
}

Response verify(Context& ctx, const Request& req) {
    bool verified = false;
    try {
        verified = ctx.accounts.verify_email(req.path_param("key"));
    } catch (const std::exception& e) {
        log_error(kDialect, req, e.what());
    }
    return Response::redirect(std::string("/signIn?verified=") + (verified ? "1" : "0"));
}

// The sign-in form the verification link lands on.
Response sign_in_form(const Request& req) {
    std::string note;
    if (const auto* v = req.query_value("verified"))
        note = *v == "1" ? "<p>Your email address is verified. You can sign in now.</p>"
                         : "<p>This verification link is not valid or has expired.</p>";
    Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Sign in</title></head><body>\n"
             "<h1>Sign in</h1>\n" +
             note +
             "\n<form method=\"post\" action=\"/signIn\">\n"
             "<label>Email <input name=\"email\" type=\"email\" required></label>\n"
             "<label>Password <input name=\"password\" type=\"password\" required></label>\n"
             "<button type=\"submit\">Sign in</button>\n</form>\n</body></html>\n";
    return r;
}

Response sign_in(Exchange& c) {
    const Params& p = c.params;
    const Session s = c.ctx.accounts.sign_in(p.string("email").value_or(""), p.string("password").value_or(""),
                                             "POST /signIn");
    json::object o = ok_object();
    o["accessToken"] = s.token;
    return send(o);
}

// email alone asks for a one-time code (always OK for a well-formed address);
// email + code + password completes the reset (an extension of the seed).
Response reset_password(Exchange& c) {
    const Params& p = c.params;
    const std::string email = p.string("email").value_or("");
    const auto code = p.string("code");
    const auto password = p.string("password");
    if (!code && !password) {
        c.ctx.accounts.request_password_reset(email);
        return ok();
    }
    if (!code) throw DatatypeError{"code"};
    if (!password) throw DatatypeError{"password"};
    try {
        c.ctx.accounts.reset_password(email, *code, *password);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::credentials) throw Refusal{e.what()};
        throw;
    }
    return ok();
}

Response api_request(Exchange& c) {
    const Params& p = c.params;
    auto username = p.string("userName");
    if (!username) username = p.string("username");
    const Session s = c.ctx.accounts.issue_dev_token(p.string("email").value_or(""), username.value_or(""),
                                                     p.string("devKey").value_or(""));
    json::object o = ok_object();
    o["devToken"] = s.token;
    return send(o);
}

// --------------------------------------------------------------- Se1-Se8

Response with_data(json::value data) {
    json::object o = ok_object();
    o["DATA"] = std::move(data);
    return send(o);
}

Response settings_profile(Exchange& c) {
    return with_data(profile_data(c.core([&] { return c.ctx.accounts.get_organisation(c.who); })));
}

Response settings_standards(Exchange& c) {
    return with_data(standards_data(c.core([&] { return c.ctx.accounts.get_organisation(c.who); })));
}

Response settings_constraints(Exchange& c) {
    return with_data(constraints_data(c.core([&] { return c.ctx.accounts.get_organisation(c.who); })));
}

Response dev_key_list(Exchange& c) {
    json::array list;
    for (const auto& k : c.core([&] { return c.ctx.accounts.list_dev_keys(c.who); })) list.push_back(dev_key_data(k));
    return with_data(std::move(list));
}

Response settings_modify(Exchange& c) {
    const SettingsPatch patch = settings_patch(c.params, true);
    try {
        c.core([&] { return c.ctx.accounts.modify_settings(c.who, patch); });
    } catch (const Error& e) {
        rethrow_settings_error(e);
    }
    return ok();
}

Response add_dev_key(Exchange& c) {
    const std::string username = c.params.string("username").value_or("");
    CreatedDevKey k;
    try {
        k = c.core([&] { return c.ctx.accounts.add_dev_key(c.who, username); });
    } catch (const Error& e) {
        if (e.code() == ErrorCode::invalid_argument && e.field() == "username") throw Refusal{"username isn't valid"};
        throw;
    }
    json::object o = ok_object();
    o["username"] = k.key.username;
    o["passKey"] = k.pass_key;
    return send(o);
}

// status "Activated"/"Deactivated", or active true/false.
Response modify_dev_key(Exchange& c) {
    const std::string username = c.params.string("username").value_or("");
    std::optional<bool> active;
    if (auto s = c.params.string("status")) {
        std::string l;
        for (char ch : *s) l += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (l == "activated") active = true;
        else if (l == "deactivated") active = false;
        else throw DatatypeError{"status"};
    } else {
        active = c.params.boolean("active");
    }
    if (!active) throw DatatypeError{"status"};
    DevKey k;
    try {
        k = c.core([&] { return c.ctx.accounts.set_dev_key_active(c.who, username, *active); });
    } catch (const Error& e) {
        if ((e.code() == ErrorCode::invalid_argument && e.field() == "username") ||
            e.code() == ErrorCode::not_found)
            throw Refusal{"username isn't valid"};
        throw;
    }
    return with_data(dev_key_data(k));
}

Response delete_dev_key(Exchange& c) {
    const std::string username = c.params.string("username").value_or("");
    try {
        c.core([&] { c.ctx.accounts.delete_dev_key(c.who, username); });
    } catch (const Error& e) {
        if (e.code() == ErrorCode::not_found || e.code() == ErrorCode::invalid_argument)
            throw Refusal{"username isn't found"};
        throw;
    }
    return ok();
}

// --------------------------------------------------------------- UM1-UM4

Response organisations_page(Exchange& c, const std::string& search) {
    ListQuery q;
    read_paging(c.req, q);
    q.search = search;
    // The seed's names (companyName, contactNo) beside switchboard's.
    for (const auto& [k, v] : c.req.query) {
        if (k == "accessToken" || k == "_c" || k == "_a" || k == "q") continue;
        q.filters.emplace_back(k == "companyName" ? "company_name" : k == "contactNo" ? "contact_number" : k, v);
    }
    const Page<Organisation> page = list_call(c, [&] { return c.ctx.accounts.list_organisations(c.who, q); });
    json::array list;
    for (const auto& o : page.items) list.push_back(org_widget(o));
    json::object o = ok_object();
    o["DATA"] = std::move(list);
    o["total"] = page.total;
    return send(o);
}

Response users_list(Exchange& c) { return organisations_page(c, ""); }

Response users_search(Exchange& c) {
    std::string text = c.req.path_param("text");
    if (text.empty())
        if (const auto* q = c.req.query_value("q")) text = *q;
    return organisations_page(c, text);
}

Response user_profile(Exchange& c) {
    const auto id = parse_whole(c.req.path_param("userId"));
    if (!id) throw DatatypeError{"userId"};
    return with_data(org_profile(c.core([&] { return c.ctx.accounts.get_organisation(c.who, *id); })));
}

Response modify_user_profile(Exchange& c) {
    const auto id = c.params.integer("userId");
    if (!id) throw DatatypeError{"userId"};
    const SettingsPatch patch = settings_patch(c.params, false);
    try {
        c.core([&] { return c.ctx.accounts.modify_organisation(c.who, *id, patch); });
    } catch (const Error& e) {
        rethrow_settings_error(e);
    }
    return ok();
}

// --------------------------------------------------------------- Ac1

// Filters: from, to (ISO-8601, DD/MM/YYYY or Unix ms), endpoint (exact, or a
// prefix ending in '*'), status (OK/KO), actor; _c and _a page.
Response activity_logs(Exchange& c) {
    ListQuery q;
    read_paging(c.req, q);
    const auto* from = c.req.query_value("from");
    const auto* to = c.req.query_value("to");
    if (from || to)
        q.filters.emplace_back("time", (from ? time_bound(*from) : std::string("1970-01-01")) + " to " +
                                           (to ? time_bound(*to) : std::string("9999-12-31")));
    for (const char* name : {"endpoint", "status", "actor"})
        if (const auto* v = c.req.query_value(name)) q.filters.emplace_back(name, *v);
    const Page<ActivityEntry> page = list_call(c, [&] { return c.ctx.activity.list(c.who, q); });
    json::array list;
    for (const auto& e : page.items)
        list.push_back(json::object{{"Endpoint", e.endpoint},
                                    {"Timestamp", octapy_time(e.time_ms)},
                                    {"Status", e.ok ? "OK" : "KO"},
                                    {"Content", e.summary},
                                    {"Actor", e.actor}});
    json::object o = ok_object();
    o["DATA"] = std::move(list);
    o["total"] = page.total;
    return send(o);
}

}  // namespace

Response octapy_transport_error(const Request&, int status) {
    json::object o;
    o["STATUS"] = "KO";
    o["errMsg"] = transport_reason(status);
    return Response::json(status, json_text(o));
}

void register_octapy(Server& server, Context& ctx) {
    server.route("POST", "/signUp", open_endpoint(ctx, sign_up));
    server.route(
        "GET", "/verify/{key}", [&ctx](const Request& req) { return verify(ctx, req); },
        RouteOptions{.redact_path = true});
    server.route("GET", "/signIn", [](const Request& req) { return sign_in_form(req); });
    server.route("POST", "/signIn", open_endpoint(ctx, sign_in));
    server.route("POST", "/resetPwd", open_endpoint(ctx, reset_password));
    server.route("POST", "/apiReq", open_endpoint(ctx, api_request));

    server.route("GET", "/settings/profile", authed_endpoint(ctx, settings_profile));
    server.route("GET", "/settings/standards", authed_endpoint(ctx, settings_standards));
    server.route("GET", "/settings/constraints", authed_endpoint(ctx, settings_constraints));
    server.route("GET", "/settings/getDevKeyList", authed_endpoint(ctx, dev_key_list));
    server.route("POST", "/settings/modify", authed_endpoint(ctx, settings_modify));
    server.route("POST", "/settings/addDevKey", authed_endpoint(ctx, add_dev_key));
    server.route("POST", "/settings/modifyDevKey", authed_endpoint(ctx, modify_dev_key));
    server.route("POST", "/settings/delDevKey", authed_endpoint(ctx, delete_dev_key));

    server.route("GET", "/userMgmt/getUsersList", authed_endpoint(ctx, users_list));
    server.route("GET", "/userMgmt/searchUsersList", authed_endpoint(ctx, users_search));
    server.route("GET", "/userMgmt/searchUsersList/{text}", authed_endpoint(ctx, users_search));
    server.route("GET", "/userMgmt/getUserProfile/{userId}", authed_endpoint(ctx, user_profile));
    server.route("POST", "/userMgmt/modifyUserProfile", authed_endpoint(ctx, modify_user_profile));

    server.route("GET", "/activities/views/logs", authed_endpoint(ctx, activity_logs));
}

}  // namespace switchboard::host
