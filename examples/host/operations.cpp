// switchboard-host: what the people who run the host read. GET /health says
// whether it is alive and ready (its store answers, its job workers run);
// GET /metrics gives its figures in Prometheus' text format; GET
// /openapi.json describes every route. None shows a record or needs a
// credential: serve them on a network only operators
// reach (docs/http.md).
#include <cctype>
#include <chrono>
#include <cstdio>

#include "dialect.hpp"
#include "switchboard/jobs.hpp"
#include "switchboard/version.hpp"

namespace switchboard::host {

namespace {

namespace json = boost::json;

// A label value in Prometheus' text format: backslash, quote and newline escaped.
std::string label(std::string_view v) {
    std::string out;
    for (const char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

// A metric of one value, with its HELP and TYPE lines.
void single(std::string& out, const char* name, const char* type, const char* help, std::int64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(value) + "\n";
}

Response health(Context& ctx) {
    json::object checks;
    bool ready = true;

    // The store: a read of every organisation's jobs by state.
    const auto t0 = std::chrono::steady_clock::now();
    try {
        const JobCounts c = ctx.core.jobs().database_counts();
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        checks["store"] = json::object{{"ok", true}, {"ms", ms}, {"jobs_queued", c.queued}};
    } catch (const std::exception& e) {
        ready = false;
        checks["store"] = json::object{{"ok", false}, {"error", e.what()}};
    }

    // The job workers: all running, not stopping.
    const Jobs::Status s = ctx.core.jobs().status();
    const bool workers_ok = !s.stopping && s.workers_running == s.workers;
    ready = ready && workers_ok;
    checks["jobs"] = json::object{{"ok", workers_ok},
                                  {"workers", s.workers},
                                  {"workers_running", s.workers_running},
                                  {"backlog_bytes", s.backlog_bytes},
                                  {"max_backlog_bytes", ctx.core.jobs().options().max_backlog_bytes}};

    json::object o{{"status", ready ? "ok" : "unavailable"}, {"live", true}, {"ready", ready}, {"checks", checks}};
    Response r = Response::json(ready ? 200 : 503, json_text(o));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

Response metrics(Context& ctx, const Server& server) {
    const ServerStats st = server.stats();
    std::string out;
    out.reserve(4096);

    out += "# HELP switchboard_http_requests_total Requests answered, by route pattern and status.\n"
           "# TYPE switchboard_http_requests_total counter\n";
    for (const auto& r : st.requests)
        out += "switchboard_http_requests_total{method=\"" + label(r.method) + "\",route=\"" + label(r.route) +
               "\",status=\"" + std::to_string(r.status) + "\"} " + std::to_string(r.count) + "\n";

    out += "# HELP switchboard_http_request_duration_seconds Time from a request's first byte to its answer sent.\n"
           "# TYPE switchboard_http_request_duration_seconds histogram\n";
    for (std::size_t i = 0; i < st.latency_bounds_s.size(); ++i)
        out += "switchboard_http_request_duration_seconds_bucket{le=\"" + number(st.latency_bounds_s[i]) + "\"} " +
               std::to_string(st.latency_counts[i]) + "\n";
    out += "switchboard_http_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(st.latency_total) + "\n";
    out += "switchboard_http_request_duration_seconds_sum " + number(st.latency_sum_s) + "\n";
    out += "switchboard_http_request_duration_seconds_count " + std::to_string(st.latency_total) + "\n";

    single(out, "switchboard_http_open_connections", "gauge", "Connections open now (live streams not included).",
           st.open_connections);
    single(out, "switchboard_http_refused_connections_total", "counter",
           "Connections refused past max_connections.", static_cast<std::int64_t>(st.refused_connections));
    single(out, "switchboard_live_subscribers", "gauge", "Live streams open now (server-sent events and WebSockets).",
           st.live_streams);

    out += "# HELP switchboard_jobs Background jobs of every organisation, by state.\n"
           "# TYPE switchboard_jobs gauge\n";
    try {
        const JobCounts c = ctx.core.jobs().database_counts();
        for (const auto& [state, n] : {std::pair{"queued", c.queued}, std::pair{"running", c.running},
                                        std::pair{"done", c.done}, std::pair{"failed", c.failed}})
            out += std::string("switchboard_jobs{state=\"") + state + "\"} " + std::to_string(n) + "\n";
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: GET /metrics: jobs could not be counted: %s\n", e.what());
    }
    const Jobs::Status s = ctx.core.jobs().status();
    single(out, "switchboard_jobs_backlog_bytes", "gauge", "Sealed payload bytes of queued and running jobs.",
           s.backlog_bytes);
    single(out, "switchboard_jobs_memory_bytes", "gauge", "Job payloads held in memory for this process's workers.",
           s.memory_bytes);
    single(out, "switchboard_jobs_handover_depth", "gauge",
           "Jobs handed to this process's workers in memory, not yet started.", s.handovers);
    single(out, "switchboard_job_workers", "gauge", "Job worker threads running.", s.workers_running);
    const RecordCacheStats kept = ctx.core.database().record_cache_stats();
    single(out, "switchboard_record_cache_hits_total", "counter", "Ticket reads by id answered from memory.",
           static_cast<std::int64_t>(kept.hits));
    single(out, "switchboard_record_cache_misses_total", "counter", "Ticket reads by id that queried the store.",
           static_cast<std::int64_t>(kept.misses));
    single(out, "switchboard_record_cache_records", "gauge", "Tickets kept in memory.",
           static_cast<std::int64_t>(kept.records));
    single(out, "switchboard_record_cache_bytes", "gauge",
           "Memory of the tickets kept, against the record_cache_mb budget.", static_cast<std::int64_t>(kept.bytes));

    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = std::move(out);
    return r;
}

// Which seed document a route belongs to, by its path.
std::string dialect_of(const std::string& pattern) {
    if (pattern == "/eproc" || pattern.rfind("/eproc/", 0) == 0) return "OpenCHS";
    if (pattern.rfind("/deepcall/", 0) == 0) return "DeepCall";
    if (pattern.rfind("/voicetwilio/", 0) == 0) return "Comm100";
    if (pattern == "/health" || pattern == "/metrics" || pattern == "/openapi.json") return "Operations";
    return "OctaPy";
}

json::object response(const char* description, const char* media_type = "application/json") {
    json::object r{{"description", description}};
    r["content"] = json::object{{media_type, json::object{{"schema", json::object{{"type", "object"}}}}}};
    return r;
}

// The answers a route may give, by dialect (docs/http.md).
json::object responses_of(const std::string& dialect, const std::string& method, const std::string& pattern) {
    json::object r;
    if (dialect == "OctaPy") {
        r["200"] = response("{\"STATUS\": \"OK\", ...} on success, {\"STATUS\": \"KO\", \"errMsg\": ...} on failure");
        r["default"] = response("the transport's refusals (404, 405, 413 ...), in the KO shape");
    } else if (dialect == "OpenCHS") {
        if (pattern == "/eproc/events") {
            r["200"] = response("server-sent events (or a WebSocket on upgrade)", "text/event-stream");
        } else if (method == "POST") {
            r["201"] = response("the record created");
            r["202"] = response("the record changed");
        } else {
            r["200"] = response("the records read");
        }
        r["401"] = response("a missing, unknown, expired or signed-out session");
        r["412"] = response("a refusal: {\"errors\": [[\"error\", message, type, table, row, field]]}");
        r["default"] = response("the transport's refusals and system failures, in the 412 shape");
    } else if (dialect == "DeepCall") {
        r["200"] = response("{\"data\": ..., \"status\": \"success\", \"code\": 200} on success, "
                            "{\"status\": \"error\", \"code\": 1000-1506, \"message\": ...} on failure");
        r["default"] = response("the transport's refusals (404, 405, 413 ...), in the error shape");
    } else if (dialect == "Comm100") {
        r["200"] = json::object{{"description", "done (an empty body)"}};
        r["default"] = response("{\"error\": ..., \"message\": ...}: 400, 401, 403, 404, 409, 500");
    } else if (pattern == "/metrics") {
        r["200"] = json::object{
            {"description", "Prometheus' text format"},
            {"content", json::object{{"text/plain", json::object{{"schema", json::object{{"type", "string"}}}}}}}};
    } else {
        r["200"] = response(pattern == "/health" ? "alive and ready" : "this document");
        if (pattern == "/health") r["503"] = response("alive, not ready: a check failed");
    }
    return r;
}

// GET /openapi.json: every route of every dialect, made from the route
// table itself, so that it cannot drift from what is served.
std::string openapi(const Server& server) {
    json::object paths;
    for (const auto& route : server.routes()) {
        std::string method = route.method;
        for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const std::string dialect = dialect_of(route.pattern);
        std::string operation_id = method;
        json::array parameters;
        for (std::size_t i = 0; i < route.pattern.size(); ++i) {
            const char c = route.pattern[i];
            operation_id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
            if (c == '{') {
                const std::size_t close = route.pattern.find('}', i);
                parameters.push_back(json::object{{"name", route.pattern.substr(i + 1, close - i - 1)},
                                                  {"in", "path"},
                                                  {"required", true},
                                                  {"schema", json::object{{"type", "string"}}}});
            }
        }
        json::object op{{"tags", json::array{json::value(dialect)}},
                         {"operationId", operation_id},
                         {"summary", route.method + " " + route.pattern + " (" + dialect + ")"},
                         {"responses", responses_of(dialect, route.method, route.pattern)}};
        if (!parameters.empty()) op["parameters"] = std::move(parameters);
        auto& item = paths[route.pattern];
        if (!item.is_object()) item = json::object{};
        item.as_object()[method] = std::move(op);
    }
    json::object doc{{"openapi", "3.1.0"},
                     {"info", json::object{{"title", "switchboard-host"},
                                           {"version", SWITCHBOARD_VERSION_STRING},
                                           {"description", "The endpoints of the OctaPy (at /), OpenCHS (under /eproc/), "
                                                           "DeepCall (under /deepcall/) and Comm100 (under /voicetwilio/) "
                                                           "documents, and the host's own. See docs/http.md."}}},
                     {"tags", json::array{json::object{{"name", "OctaPy"}}, json::object{{"name", "OpenCHS"}},
                                          json::object{{"name", "DeepCall"}}, json::object{{"name", "Comm100"}},
                                          json::object{{"name", "Operations"}}}},
                     {"paths", std::move(paths)}};
    return json_text(doc);
}

}  // namespace

void register_operations(Server& server, Context& ctx) {
    server.route("GET", "/health", [&ctx](const Request&) { return health(ctx); }, RouteOptions{.fast = true});
    server.route("GET", "/metrics", [&ctx, &server](const Request&) { return metrics(ctx, server); },
                 RouteOptions{.fast = true});
    server.route("GET", "/openapi.json", [&server](const Request&) { return Response::json(200, openapi(server)); },
                 RouteOptions{.fast = true});
}

}  // namespace switchboard::host
