// switchboard-host: the OpenCHS exchange and endpoints, list conventions,
// CSV streaming and file downloads shared by the OpenCHS handlers.
#include "openchs_common.hpp"

#include <cctype>

#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <algorithm>
#include <deque>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

namespace switchboard::host::openchs {

Response send(int status, const json::object& body) { return Response::json(status, json_text(body)); }

Response wrapped(int status, std::string_view name, const std::string& json_text, bool in_array) {
    std::string body = "{\"" + std::string(name) + "\":";
    body += in_array ? "[" + json_text + "]}" : json_text + "}";
    return Response::json(status, std::move(body));
}

Refusal unknown_field(const std::string& key, std::string table) {
    return Refusal{"unknown field \"" + safe_name(key) + "\"", safe_name(key), std::move(table)};
}

Response auth_required() {
    json::object o;
    o["errors"] = json::array{json::array{"error", "Authentication Required"}};
    o["loggedoff"] = json::array{json::array{"Auth"}};
    return send(401, o);
}

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

const FieldMap kUserFields = {{"username", "usn"},  {"extension", "exten"}, {"first_name", "fname"},
                              {"last_name", "lname"}, {"password", "pass"},  {"active", "enabled"}};
const FieldMap kTicketFields = {{"contact_first_name", "contact_fname"}, {"contact_last_name", "contact_lname"}};
const FieldMap kCallFields = {{"agent_id", "usr"}, {"direction", "vector"}, {"queue", "context_masq"},
                              {"wait_s", "sla_wait"}};
const FieldMap kQaFields = {{"call_agent_id", "chan_usr"}, {"call_direction", "chan_vector"}};

std::string map_field(const std::string& core_field, const FieldMap& map) {
    for (const auto& [from, to] : map)
        if (core_field == from) return to;
    return core_field;
}

std::string core_field(const std::string& client_field, const FieldMap& map) {
    for (const auto& [from, to] : map)
        if (client_field == to) return from;
    return client_field;
}

std::string str(std::int64_t n) { return std::to_string(n); }
std::string id_text(std::int64_t n) { return n ? std::to_string(n) : std::string(); }

namespace {

// A core message with the field names in it said as the client says them
// ("filter active expects 1 or 0" is "filter enabled expects 1 or 0" to an
// OpenCHS client). Only whole names are replaced.
std::string client_words(const std::string& message, const FieldMap& fields) {
    auto word_char = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
    std::string out;
    for (std::size_t i = 0; i < message.size();) {
        if (!word_char(message[i])) {
            out += message[i++];
            continue;
        }
        std::size_t j = i;
        while (j < message.size() && word_char(message[j])) ++j;
        out += map_field(message.substr(i, j - i), fields);
        i = j;
    }
    return out;
}

// The session token: XAuthorization (or Authorization): Bearer <token>.
std::string bearer_token(const Request& req, const Params&) { return bearer_from(req, {"XAuthorization", "Authorization"}); }

// The parameters: the query string (GET), none for a multipart upload (its
// parts are read by the handler), else the body.
Params read_params(const Request& req) {
    if (req.method == "GET") return Params::from_query(req);
    if (req.content_type() == "multipart/form-data") return Params{};
    return Params::from_body(req);
}

Handler endpoint(Context& ctx, std::string table, FieldMap fields, Gate gate, Fn fn) {
    return [&ctx, table = std::move(table), fields = std::move(fields), gate = std::move(gate),
            fn = std::move(fn)](const Request& req) {
        Exchange c(ctx, req, table, fields);
        return run(c, gate, [&] { return fn(c); });
    };
}

}  // namespace

Exchange::Exchange(Context& context, const Request& r, std::string error_table, FieldMap field_names)
    : host::EndpointCall(r, kDialect), ctx(context), table(std::move(error_table)), fields(std::move(field_names)) {}

Response Exchange::unauthorized() const { return auth_required(); }

Response Exchange::refused(const Refusal& r) const {
    return error_row(412, r.message, "invalid_argument", r.table.empty() ? table : r.table, row, r.field);
}

Response Exchange::datatype(const DatatypeError& d) const {
    return error_row(412, kDatatype, "invalid_argument", table, row, d.field.empty() ? "" : safe_name(d.field));
}

Response Exchange::core_error(const Error& e) const {
    switch (e.code()) {
        case ErrorCode::unauthorized: return auth_required();
        case ErrorCode::schema:
        case ErrorCode::storage:
        case ErrorCode::internal: return openchs::system_failure(req, e.what());
        default: {
            std::string t = table;
            for (const auto& [field, nested_table] : nested_tables)
                if (e.field() == field) t = nested_table;
            // A list's refused filter or group field: its message names
            // fields, which the client knows by its own names.
            const bool names_fields = listing && (e.field() == "xaxis" || e.field() == "yaxis" ||
                                                  map_field(e.field(), fields) != e.field());
            return error_row(412, names_fields ? client_words(e.what(), fields) : std::string(e.what()),
                             to_string(e.code()), t, row, map_field(e.field(), fields));
        }
    }
}

Response Exchange::system_failure(std::string_view what) const { return openchs::system_failure(req, what); }

Handler authed_endpoint(Context& ctx, std::string table, Fn fn) {
    Gate gate{read_params, bearer_token, token_of(ctx.accounts, TokenKind::access), &ctx.activity};
    return endpoint(ctx, std::move(table), kUserFields, std::move(gate), std::move(fn));
}

namespace {

std::string bearer_or_query_token(const Request& req, const Params& params) {
    std::string token = bearer_token(req, params);
    if (token.empty())
        if (const std::string* t = req.query_value("token")) token = *t;
    return token;
}

Params read_nothing(const Request&) { return Params{}; }

}  // namespace

Handler live_endpoint(Context& ctx, std::string table, Fn fn) {
    Gate gate{read_nothing, bearer_or_query_token, token_of(ctx.accounts, TokenKind::access), &ctx.activity};
    return endpoint(ctx, std::move(table), kUserFields, std::move(gate), std::move(fn));
}

Handler open_endpoint(Context& ctx, std::string table, FieldMap fields, Fn fn) {
    return endpoint(ctx, std::move(table), std::move(fields), open_gate(nullptr), std::move(fn));
}

std::int64_t id_param(Exchange& c, const std::string& value, const char* field) {
    const auto id = parse_whole(value);
    if (!id || *id <= 0) throw Refusal{std::string(field) + " isn't a valid record id", field};
    c.row = str(*id);
    return *id;
}

// --------------------------------------------------------------- lists

const std::string* ListRequest::get(std::string_view name) const {
    const std::string* found = nullptr;
    for (const auto& [k, v] : reserved)
        if (k == name) found = &v;
    return found;
}

ListRequest list_request(Exchange& c, std::initializer_list<std::string_view> reserved,
                         std::initializer_list<std::string_view> search_names, const FieldMap& names) {
    ListRequest lr;
    lr.names = names;
    c.listing = true;
    auto is_in = [](const std::string& k, std::initializer_list<std::string_view> names) {
        for (auto n : names)
            if (k == n) return true;
        return false;
    };
    for (const auto& [k, v] : c.req.query) {
        if (k == "_c") {
            const auto n = parse_whole(v);
            if (!n || *n < 0 || *n > 1'000'000'000) throw Refusal{"_c must be a whole number", "_c"};
            lr.query.count = static_cast<int>(*n);
        } else if (k == "_a") {
            const auto n = parse_whole(v);
            if (!n || *n < 0) throw Refusal{"_a must be a whole number", "_a"};
            lr.query.offset = *n;
        } else if (is_in(k, search_names)) {
            lr.query.search = v;
        } else if (is_in(k, reserved)) {
            lr.reserved.emplace_back(k, v);
        } else {
            lr.query.filters.emplace_back(core_field(k, names), v);
        }
    }
    // Error rows name the fields as the client does.
    c.fields = {{"count", "_c"}, {"offset", "_a"}};
    c.fields.insert(c.fields.end(), names.begin(), names.end());
    return lr;
}

bool csv_requested(const ListRequest& lr) {
    const std::string* v = lr.get("csv");
    if (!v || *v == "0") return false;
    if (*v == "1") return true;
    throw Refusal{"csv must be 1 or 0", "csv"};
}

Axes axes(const ListRequest& lr) {
    Axes a;
    std::vector<std::string> seen;
    for (const char* name : {"xaxis", "yaxis"}) {
        std::vector<std::string>& out = name[0] == 'x' ? a.x : a.y;
        const std::string* v = lr.get(name);
        for (std::size_t i = 0; v && i <= v->size();) {
            const std::size_t comma = std::min(v->find(',', i), v->size());
            std::string item = v->substr(i, comma - i);
            while (!item.empty() && item.front() == ' ') item.erase(0, 1);
            while (!item.empty() && item.back() == ' ') item.pop_back();
            if (!item.empty()) {
                for (const auto& s : seen)
                    if (s == item) throw Refusal{"group field \"" + safe_name(item) + "\" is repeated", name};
                seen.push_back(item);
                out.push_back(core_field(item, lr.names));
            }
            i = comma + 1;
        }
    }
    return a;
}

Response pivot_answer(const std::string& name, const PivotReport& report, const FieldMap& names) {
    std::vector<std::string> groups = report.xaxis;
    groups.insert(groups.end(), report.yaxis.begin(), report.yaxis.end());
    for (auto& g : groups) g = map_field(g, names);
    json::array rows;
    for (const auto& r : report.rows) {
        json::object row;
        for (std::size_t i = 0; i < groups.size() && i < r.keys.size(); ++i) row[groups[i]] = r.keys[i];
        row["count"] = str(r.count);
        if (!report.sum_of.empty()) row[report.sum_of] = str(r.sum);
        rows.push_back(std::move(row));
    }
    auto join = [&names](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ",") + map_field(x, names);
        return s;
    };
    json::object o;
    o[name + "_rpt"] = std::move(rows);
    o[name + "_ctx"] = json::array{json::array{"total", json::string(str(report.total))},
                                   json::array{"xaxis", json::string(join(report.xaxis))},
                                   json::array{"yaxis", json::string(join(report.yaxis))}};
    if (!report.sum_of.empty())
        o[name + "_ctx"].as_array().push_back(json::array{json::string("total_" + report.sum_of), json::string(str(report.sum_total))});
    return send(200, o);
}

// --------------------------------------------------------------- CSV streaming

namespace {

// The CSV text with the names of its header row (the first line, plain
// names separated by commas; the core writes it whole in its first piece)
// mapped to the client's.
std::string renamed_header(const std::string& text, const FieldMap& names) {
    const std::size_t end = text.find("\r\n");
    if (end == std::string::npos) return text;
    std::string out;
    for (std::size_t i = 0; i <= end;) {
        const std::size_t comma = std::min(text.find(',', i), end);
        out += (i ? "," : "") + map_field(text.substr(i, comma - i), names);
        i = comma + 1;
    }
    return out + text.substr(end);
}

// The pieces of a CSV export between the thread that runs it and the one that
// sends them. At most kDepth pieces (~64 KiB each) wait at a time.
struct CsvPipe {
    static constexpr std::size_t kDepth = 4;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::string> pieces;
    bool finished = false;
    bool cancelled = false;
    std::exception_ptr error;
    std::thread worker;

    // The last owner (the response, once sent or dropped) stops and waits for the export.
    ~CsvPipe() {
        {
            std::lock_guard<std::mutex> lock(mu);
            cancelled = true;
        }
        cv.notify_all();
        if (worker.joinable()) worker.join();
    }
};

}  // namespace

Response stream_csv(Exchange& c, const std::string& filename, std::function<void(const CsvSink&)> run,
                    const FieldMap& names) {
    auto pipe = std::make_shared<CsvPipe>();
    CsvPipe* p = pipe.get();  // the worker never owns the pipe: its destructor joins the worker
    c.core_called = true;
    p->worker = std::thread([p, run = std::move(run), names] {
        bool header = true;
        try {
            run([p, &header, &names](std::string_view piece) {
                std::string text(piece);
                if (header && !names.empty()) text = renamed_header(text, names);
                header = false;
                std::unique_lock<std::mutex> lock(p->mu);
                p->cv.wait(lock, [p] { return p->cancelled || p->pieces.size() < CsvPipe::kDepth; });
                // The core records the export as failed with this message.
                if (p->cancelled) throw Error(ErrorCode::storage, "the client stopped reading the CSV");
                p->pieces.push_back(std::move(text));
                p->cv.notify_all();
            });
        } catch (...) {
            std::lock_guard<std::mutex> lock(p->mu);
            p->error = std::current_exception();
        }
        {
            std::lock_guard<std::mutex> lock(p->mu);
            p->finished = true;
        }
        p->cv.notify_all();
    });
    {
        std::unique_lock<std::mutex> lock(p->mu);
        p->cv.wait(lock, [p] { return !p->pieces.empty() || p->finished; });
        if (p->pieces.empty() && p->error) {
            const std::exception_ptr e = p->error;
            lock.unlock();
            std::rethrow_exception(e);  // a refusal: nothing was sent yet
        }
    }
    Response r = Response::streamed("text/csv; charset=utf-8", [pipe](const StreamWrite& write) {
        for (;;) {
            std::string piece;
            {
                std::unique_lock<std::mutex> lock(pipe->mu);
                pipe->cv.wait(lock, [&] { return !pipe->pieces.empty() || pipe->finished; });
                if (pipe->pieces.empty()) return !pipe->error;  // an error mid-way aborts the answer
                piece = std::move(pipe->pieces.front());
                pipe->pieces.pop_front();
            }
            pipe->cv.notify_all();
            if (!write(piece)) return false;
        }
    });
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    return r;
}

// --------------------------------------------------------------- files

Response stream_file(const std::string& path, std::int64_t size, const std::string& content_type,
                     const std::string& download_name) {
    auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
    if (!*in) throw Error(ErrorCode::storage, "cannot open a stored file");
    in->seekg(0, std::ios::end);
    if (static_cast<std::int64_t>(in->tellg()) != size) throw Error(ErrorCode::storage, "a stored file has changed");
    in->seekg(0);
    Response r = Response::streamed(
        content_type,
        [in](const StreamWrite& write) {
            std::string buffer(64 * 1024, '\0');
            while (*in) {
                in->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
                const auto n = static_cast<std::size_t>(in->gcount());
                if (n && !write(std::string_view(buffer.data(), n))) return false;
            }
            return in->eof();
        },
        size);
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + sanitised_file_name(download_name) + "\"");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return r;
}

std::string sanitised_file_name(std::string_view name) {
    std::string out;
    for (unsigned char ch : name) {
        const bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                          ch == '.' || ch == '-' || ch == '_';
        out += keep ? static_cast<char>(ch) : '_';
    }
    while (!out.empty() && out.front() == '.') out.erase(0, 1);
    if (out.size() > 200) out.resize(200);
    return out.empty() ? "file" : out;
}

}  // namespace switchboard::host::openchs
