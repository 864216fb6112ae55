// switchboard-host: cpp-httplib behind the Request/Response layer.
#include "http_layer.hpp"

#include "switchboard/time.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <stdexcept>

namespace switchboard::host {

// ------------------------------------------------------------------ helpers

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const noexcept {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
    });
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

const std::string* last_value(const Fields& fields, std::string_view name) {
    const std::string* found = nullptr;
    for (const auto& [k, v] : fields)
        if (k == name) found = &v;
    return found;
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i <= path.size()) {
        const std::size_t j = std::min(path.find('/', i), path.size());
        if (j > i) out.emplace_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

}  // namespace

std::string url_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += (c == '+' && plus_is_space) ? ' ' : c;
    }
    return out;
}

Fields parse_urlencoded(std::string_view text) {
    Fields out;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t amp = std::min(text.find('&', i), text.size());
        const std::string_view pair = text.substr(i, amp - i);
        if (!pair.empty()) {
            const std::size_t eq = pair.find('=');
            if (eq == std::string_view::npos)
                out.emplace_back(url_decode(pair, true), std::string());
            else
                out.emplace_back(url_decode(pair.substr(0, eq), true), url_decode(pair.substr(eq + 1), true));
        }
        i = amp + 1;
    }
    return out;
}

std::string base64_decode(std::string_view text, bool& ok) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+' || c == '-') return 62;
        if (c == '/' || c == '_') return 63;
        return -1;
    };
    ok = true;
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (char c : text) {
        if (c == '=') {
            ++padding;
            continue;
        }
        if (padding) {  // data after padding
            ok = false;
            return {};
        }
        const int v = value(c);
        if (v < 0) {
            ok = false;
            return {};
        }
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    if (padding > 2 || bits >= 6) ok = false;
    return ok ? out : std::string();
}

// ------------------------------------------------------------------ Request / Response

const std::string* Request::header(std::string_view name) const {
    auto it = headers.find(name);
    return it == headers.end() ? nullptr : &it->second;
}

const std::string* Request::query_value(std::string_view name) const { return last_value(query, name); }

const std::string* Request::form_value(std::string_view name) const { return last_value(form, name); }

std::string Request::path_param(const std::string& name) const {
    auto it = path_params.find(name);
    return it == path_params.end() ? std::string() : it->second;
}

std::string Request::content_type() const {
    const std::string* ct = header("Content-Type");
    if (!ct) return {};
    std::string out = ct->substr(0, ct->find(';'));
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    std::size_t start = 0;
    while (start < out.size() && std::isspace(static_cast<unsigned char>(out[start]))) ++start;
    out.erase(0, start);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

Response Response::json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Response Response::streamed(std::string content_type, BodyWriter writer, long long length) {
    Response r;
    r.content_type = std::move(content_type);
    r.stream = std::move(writer);
    r.stream_length = length;
    return r;
}

Response Response::redirect(const std::string& location, int status) {
    Response r;
    r.status = status;
    r.content_type = "text/plain";
    r.headers.emplace_back("Location", location);
    return r;
}

// ------------------------------------------------------------------ Server

namespace {

struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
};

// Per-request state kept on the worker thread between cpp-httplib's hooks.
struct Trace {
    bool started = false;
    std::chrono::steady_clock::time_point start;
    bool dispatched = false;
};
thread_local Trace t_trace;

}  // namespace

struct Server::Impl {
    ServerOptions options;
    httplib::Server svr;
    std::vector<Route> routes;
    std::vector<std::pair<std::string, ErrorHandler>> error_handlers;
    LogSink log;
    std::size_t payload_max = 0;  // the largest body limit of any route
    std::mutex stop_mutex;
    bool stop_requested = false;
    bool stop_sent = false;

    // The best route for the path: any method (for 405) and this method.
    const Route* match(const std::string& method, const std::vector<std::string>& segs,
                       std::map<std::string, std::string>* params, bool* other_method) const {
        const Route* best = nullptr;
        int best_literals = -1;
        for (const auto& r : routes) {
            if (r.segments.size() != segs.size()) continue;
            int literals = 0;
            bool ok = true;
            for (std::size_t i = 0; i < segs.size() && ok; ++i) {
                const auto& p = r.segments[i];
                if (p.size() >= 2 && p.front() == '{' && p.back() == '}') continue;
                ok = p == segs[i];
                ++literals;
            }
            if (!ok) continue;
            const bool same_method = r.method == method || (method == "HEAD" && r.method == "GET");
            if (!same_method) {
                if (other_method) *other_method = true;
                continue;
            }
            if (literals > best_literals) {
                best = &r;
                best_literals = literals;
            }
        }
        if (best && params) {
            params->clear();
            for (std::size_t i = 0; i < segs.size(); ++i) {
                const auto& p = best->segments[i];
                if (p.size() >= 2 && p.front() == '{' && p.back() == '}')
                    (*params)[p.substr(1, p.size() - 2)] = segs[i];
            }
        }
        return best;
    }

    const ErrorHandler* error_handler_for(const std::string& raw_path) const {
        // An unreadable request has no path: it gets the root's handler.
        const std::string path = raw_path.empty() || raw_path[0] != '/' ? "/" : raw_path;
        const ErrorHandler* best = nullptr;
        std::size_t best_len = 0;
        for (const auto& [prefix, h] : error_handlers) {
            if (path.compare(0, prefix.size(), prefix) == 0 && (!best || prefix.size() > best_len)) {
                best = &h;
                best_len = prefix.size();
            }
        }
        return best;
    }

    std::string log_path(const std::string& method, const std::string& path) const {
        const Route* r = match(method, split_path(path), nullptr, nullptr);
        return r && r->options.redact_path ? r->pattern : path;
    }

    static Request convert(const httplib::Request& in, bool with_body) {
        Request out;
        out.method = in.method;
        out.path = in.path;
        out.remote_addr = in.remote_addr;
        for (const auto& [k, v] : in.headers) out.headers.emplace(k, v);
        const auto q = in.target.find('?');
        if (q != std::string::npos) out.query = parse_urlencoded(std::string_view(in.target).substr(q + 1));
        if (!with_body) return out;
        out.body = in.body;
        const std::string ct = out.content_type();
        if (ct == "application/x-www-form-urlencoded") {
            out.is_form = true;
            out.form = parse_urlencoded(out.body);
        } else if (ct == "multipart/form-data") {
            out.is_form = true;
            for (const auto& [name, part] : in.files) {
                if (part.filename.empty())
                    out.form.emplace_back(name, part.content);
                else
                    out.files.push_back(UploadedFile{name, part.filename, part.content_type, part.content});
            }
        }
        return out;
    }

    static void apply(const Response& from, httplib::Response& to) {
        to.status = from.status;
        for (const auto& [k, v] : from.headers) to.set_header(k, v);
        if (!from.stream) {
            to.set_content(from.body, from.content_type);
            return;
        }
        BodyWriter writer = from.stream;
        if (from.stream_length >= 0) {
            to.set_content_provider(
                static_cast<std::size_t>(from.stream_length), from.content_type,
                [writer](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                    // The writer sends everything in one call: being asked
                    // again means it sent less than it announced.
                    if (offset != 0) return false;
                    return writer([&sink](std::string_view piece) { return sink.write(piece.data(), piece.size()); });
                });
        } else {
            to.set_chunked_content_provider(from.content_type, [writer](std::size_t, httplib::DataSink& sink) {
                if (!writer([&sink](std::string_view piece) { return sink.write(piece.data(), piece.size()); }))
                    return false;
                sink.done();
                return true;
            });
        }
    }

    // The body limit of the route a request goes to.
    std::size_t body_limit(const std::string& method, const std::string& path) const {
        const Route* r = match(method, split_path(path), nullptr, nullptr);
        return r && r->options.max_body ? r->options.max_body : options.max_body;
    }

    static Response internal_error() {
        return Response::json(500, R"({"error":"internal","message":"system failure, please try again"})");
    }

    void dispatch(const httplib::Request& hreq, httplib::Response& hres) {
        t_trace.dispatched = true;
        Request req = convert(hreq, true);
        Response res;
        try {
            const auto segs = split_path(req.path);
            bool other_method = false;
            const Route* r = match(req.method, segs, &req.path_params, &other_method);
            const std::size_t limit = r && r->options.max_body ? r->options.max_body : options.max_body;
            if (r && hreq.body.size() > limit) {
                // A chunked body has no Content-Length to check beforehand.
                const ErrorHandler* eh = error_handler_for(req.path);
                res = eh ? (*eh)(req, 413) : Response::json(413, "{}");
                res.headers.emplace_back("Connection", "close");
            } else if (r) {
                req.route = r->pattern;
                res = r->handler(req);
            } else {
                const int status = other_method ? 405 : 404;
                const ErrorHandler* eh = error_handler_for(req.path);
                res = eh ? (*eh)(req, status) : Response::json(status, "{}");
            }
        } catch (const std::exception& e) {
            // Dialect handlers catch everything themselves; this is the last guard.
            std::fprintf(stderr, "error: %s %s: unhandled exception: %s\n", req.method.c_str(), req.path.c_str(),
                         e.what());
            res = internal_error();
        } catch (...) {
            std::fprintf(stderr, "error: %s %s: unhandled exception\n", req.method.c_str(), req.path.c_str());
            res = internal_error();
        }
        apply(res, hres);
        // cpp-httplib reads no body for GET, HEAD or OPTIONS: one that was sent
        // would be taken for the next request on the connection. Close it.
        const bool body_read = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                               req.method == "DELETE";
        const std::string* length = req.header("Content-Length");
        if (!body_read && ((length && *length != "0") || req.header("Transfer-Encoding")))
            hres.set_header("Connection", "close");
    }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    auto& svr = impl_->svr;
    Impl* impl = impl_.get();
    const int threads = std::max(1, impl_->options.threads);
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    impl_->payload_max = impl_->options.max_body;
    svr.set_payload_max_length(impl_->payload_max);
    // Answers are small: without TCP_NODELAY, Nagle's algorithm holds a
    // reply back until the client's delayed ACK, about 40 ms per request.
    svr.set_tcp_nodelay(true);
    impl_->log = [](const std::string& line) {
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    };

    svr.set_pre_routing_handler([impl](const httplib::Request& req, httplib::Response& res) {
        t_trace.started = true;
        t_trace.start = std::chrono::steady_clock::now();
        t_trace.dispatched = false;
        // The payload limit of cpp-httplib is the largest of all routes; a
        // route's own limit is checked here, before the body is read.
        if (req.has_header("Content-Length")) {
            const std::string length = req.get_header_value("Content-Length");
            const bool digits = !length.empty() && length.size() <= 19 &&
                                std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (digits && std::stoull(length) > impl->body_limit(req.method, req.path)) {
                res.status = 413;
                res.set_header("Connection", "close");
                return httplib::Server::HandlerResponse::Handled;  // the error handler writes the answer
            }
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    auto handler = [impl](const httplib::Request& req, httplib::Response& res) { impl->dispatch(req, res); };
    svr.Get(".*", handler);
    svr.Post(".*", handler);
    svr.Put(".*", handler);
    svr.Patch(".*", handler);
    svr.Delete(".*", handler);
    svr.Options(".*", handler);

    // Requests that never reached dispatch(): body over the limit, unreadable
    // requests. Answers dispatch() produced itself are left alone.
    svr.set_error_handler(httplib::Server::HandlerWithResponse([impl](const httplib::Request& hreq,
                                                                      httplib::Response& hres) {
        if (t_trace.dispatched) return httplib::Server::HandlerResponse::Unhandled;
        Request req = Impl::convert(hreq, false);
        const ErrorHandler* eh = impl->error_handler_for(req.path);
        Response res;
        try {
            res = eh ? (*eh)(req, hres.status) : Response::json(hres.status, "{}");
        } catch (...) {
            res = Impl::internal_error();
        }
        Impl::apply(res, hres);
        return httplib::Server::HandlerResponse::Handled;
    }));
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        Impl::apply(Impl::internal_error(), res);
    });
    svr.set_logger([impl](const httplib::Request& req, const httplib::Response& res) {
        double ms = 0;
        if (t_trace.started)
            ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_trace.start).count();
        t_trace = Trace{};
        char tail[64];
        std::snprintf(tail, sizeof tail, " %d %.1fms", res.status, ms);
        impl->log(switchboard::format_time(switchboard::now_ms()) + " " + req.method + " " + impl->log_path(req.method, req.path) + tail);
    });
}

Server::~Server() = default;

void Server::route(const std::string& method, const std::string& pattern, Handler handler, RouteOptions options) {
    impl_->payload_max = std::max(impl_->payload_max, options.max_body);
    impl_->svr.set_payload_max_length(impl_->payload_max);
    impl_->routes.push_back(Route{method, pattern, split_path(pattern), std::move(handler), options});
}

void Server::on_error(const std::string& prefix, ErrorHandler handler) {
    impl_->error_handlers.emplace_back(prefix, std::move(handler));
}

void Server::set_log(LogSink sink) { impl_->log = std::move(sink); }

int Server::bind() {
    const auto& o = impl_->options;
    if (o.port == 0) {
        const int port = impl_->svr.bind_to_any_port(o.host);
        if (port <= 0) throw std::runtime_error("cannot bind to " + o.host + " (any port)");
        return port;
    }
    if (!impl_->svr.bind_to_port(o.host, o.port))
        throw std::runtime_error("cannot bind to " + o.host + ":" + std::to_string(o.port));
    return o.port;
}

bool Server::listen() {
    {
        std::lock_guard<std::mutex> lock(impl_->stop_mutex);
        if (impl_->stop_requested) return true;
    }
    return impl_->svr.listen_after_bind();
}

void Server::stop() {
    std::lock_guard<std::mutex> lock(impl_->stop_mutex);
    impl_->stop_requested = true;
    if (!impl_->stop_sent && impl_->svr.is_running()) {
        impl_->svr.stop();
        impl_->stop_sent = true;
    }
}

}  // namespace switchboard::host
