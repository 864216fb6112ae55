// switchboard-host: what the people who run the host read. GET /health says
// whether it is alive and ready (its store answers, its job workers run);
// GET /metrics gives its figures in Prometheus' text format. Neither shows
// a record or needs a credential: serve them on a network only operators
// reach (docs/http.md).
#include <chrono>
#include <cstdio>

#include "dialect.hpp"
#include "switchboard/jobs.hpp"

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

    out += "# HELP switchboard_http_open_connections Connections open now (live streams not included).\n"
           "# TYPE switchboard_http_open_connections gauge\n"
           "switchboard_http_open_connections " + std::to_string(st.open_connections) + "\n";
    out += "# HELP switchboard_http_refused_connections_total Connections refused past max_connections.\n"
           "# TYPE switchboard_http_refused_connections_total counter\n"
           "switchboard_http_refused_connections_total " + std::to_string(st.refused_connections) + "\n";
    out += "# HELP switchboard_live_subscribers Live streams open now (server-sent events and WebSockets).\n"
           "# TYPE switchboard_live_subscribers gauge\n"
           "switchboard_live_subscribers " + std::to_string(st.live_streams) + "\n";

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
    out += "# HELP switchboard_jobs_backlog_bytes Sealed payload bytes of queued and running jobs.\n"
           "# TYPE switchboard_jobs_backlog_bytes gauge\n"
           "switchboard_jobs_backlog_bytes " + std::to_string(s.backlog_bytes) + "\n";
    out += "# HELP switchboard_jobs_memory_bytes Job payloads held in memory for this process's workers.\n"
           "# TYPE switchboard_jobs_memory_bytes gauge\n"
           "switchboard_jobs_memory_bytes " + std::to_string(s.memory_bytes) + "\n";
    out += "# HELP switchboard_jobs_handover_depth Jobs handed to this process's workers in memory, not yet started.\n"
           "# TYPE switchboard_jobs_handover_depth gauge\n"
           "switchboard_jobs_handover_depth " + std::to_string(s.handovers) + "\n";
    out += "# HELP switchboard_job_workers Job worker threads running.\n"
           "# TYPE switchboard_job_workers gauge\n"
           "switchboard_job_workers " + std::to_string(s.workers_running) + "\n";

    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = std::move(out);
    return r;
}

}  // namespace

void register_operations(Server& server, Context& ctx) {
    server.route("GET", "/health", [&ctx](const Request&) { return health(ctx); }, RouteOptions{.fast = true});
    server.route("GET", "/metrics", [&ctx, &server](const Request&) { return metrics(ctx, server); },
                 RouteOptions{.fast = true});
}

}  // namespace switchboard::host
