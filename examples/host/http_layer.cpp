// switchboard-host: the Request/Response layer over Boost.Beast. Every
// connection is read and written asynchronously, so a slow or idle client
// holds a socket and a little memory, never a thread; handlers run on the
// server's threads once a whole request is in.
#include "http_layer.hpp"

#include "switchboard/time.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <future>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <tuple>

namespace switchboard::host {

// ------------------------------------------------------------------ helpers

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const noexcept {
    // ASCII case folding (header names are ASCII): no locale lookup per character.
    const auto fold = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 'A' && u <= 'Z' ? static_cast<unsigned char>(u | 0x20) : u;
    };
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char x = fold(a[i]), y = fold(b[i]);
        if (x != y) return x < y;
    }
    return a.size() < b.size();
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

Response Response::live_stream(LiveStart start) {
    Response r;
    r.content_type = "text/event-stream";
    r.live = std::move(start);
    return r;
}

Response Response::redirect(const std::string& location, int status) {
    Response r;
    r.status = status;
    r.content_type = "text/plain";
    r.headers.emplace_back("Location", location);
    return r;
}

// ------------------------------------------------------------------ transport words and logs

std::string_view transport_reason(int status) {
    switch (status) {
        case 404: return "unknown endpoint";
        case 405: return "method not allowed";
        case 408: return "the request took too long to arrive";
        case 411: return "a request body needs a Content-Length";
        case 413: return "request body is too large";
        case 431: return "request headers are too large";
        case 501: return "transfer encoding not supported";
        case 503: return "too many connections, please try again";
        default: return "bad request";
    }
}

void append_json_string(std::string& out, std::string_view value) {
    // boost::json's escapes: quote, backslash, \b \t \n \f \r, other
    // control characters as \u00xx; everything else as it is.
    static constexpr char hex[] = "0123456789abcdef";
    out.reserve(out.size() + value.size() + 2);
    out += '"';
    std::size_t plain = 0;  // start of the run not yet copied
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(value.data() + plain, i - plain);
        plain = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\f': out += "\\f"; break;
            case '\r': out += "\\r"; break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
        }
    }
    out.append(value.data() + plain, value.size() - plain);
    out += '"';
}

std::string escape_for_log(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7F || c == '"' || c == '\\' || c == '%') {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += ch;
        }
    }
    return out;
}

std::string log_line(const LogEntry& e) {
    char tail[64];
    std::snprintf(tail, sizeof tail, " %d %.1fms", e.status, e.ms);
    return switchboard::format_time(e.time_ms) + " " + e.method + " " + e.path + tail;
}

std::string log_json_line(const LogEntry& e) {
    // Every string here is escaped for the log already (ASCII without
    // quotes, backslashes or control characters), so it goes in as it is.
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3f", e.ms);
    return "{\"time\":\"" + switchboard::format_time(e.time_ms) + "\",\"method\":\"" + e.method + "\",\"path\":\"" +
           e.path + "\",\"status\":" + std::to_string(e.status) + ",\"ms\":" + ms + ",\"remote\":\"" + e.remote_addr +
           "\"}";
}

struct BatchedStdout::Impl {
    std::mutex mu;
    std::condition_variable cv;
    std::string pending;
    bool stopping = false;
    std::thread flusher;

    void write_out(std::string& text) {
        if (text.empty()) return;
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        text.clear();
    }
};

BatchedStdout::BatchedStdout(int flush_ms) : impl_(std::make_unique<Impl>()) {
    impl_->flusher = std::thread([impl = impl_.get(), flush_ms] {
        std::unique_lock<std::mutex> lock(impl->mu);
        while (!impl->stopping) {
            impl->cv.wait_for(lock, std::chrono::milliseconds(flush_ms));
            std::string out;
            out.swap(impl->pending);
            lock.unlock();
            impl->write_out(out);
            lock.lock();
        }
    });
}

BatchedStdout::~BatchedStdout() {
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->stopping = true;
    }
    impl_->cv.notify_all();
    impl_->flusher.join();
    flush();
}

void BatchedStdout::line(std::string_view text) {
    std::string out;
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->pending.append(text);
        impl_->pending += '\n';
        if (impl_->pending.size() < (64u << 10)) return;
        out.swap(impl_->pending);
    }
    impl_->write_out(out);
}

void BatchedStdout::flush() {
    std::string out;
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        out.swap(impl_->pending);
    }
    impl_->write_out(out);
}

LogSink batched_log(std::shared_ptr<BatchedStdout> out, bool json) {
    return [out = std::move(out), json](const LogEntry& e) { out->line(json ? log_json_line(e) : log_line(e)); };
}

void ServerOptions::validate() const {
    auto require = [](bool ok, const char* what) {
        if (!ok) throw std::invalid_argument(what);
    };
    require(port >= 0 && port <= 65535, "port must be between 0 and 65535");
    require(threads >= 1 && threads <= 1024, "threads must be between 1 and 1024");
    require(max_body >= 1, "max_body must be at least 1");
    require(max_header >= 1024 && max_header <= (1u << 20), "max_header must be between 1024 and 1048576");
    require(max_connections >= 1, "max_connections must be at least 1");
    require(header_timeout_ms >= 100, "header_timeout_ms must be at least 100");
    require(body_timeout_ms >= 100, "body_timeout_ms must be at least 100");
    require(write_timeout_ms >= 100, "write_timeout_ms must be at least 100");
    require(idle_timeout_ms >= 100, "idle_timeout_ms must be at least 100");
    require(live_queue_bytes >= 4096, "live_queue_bytes must be at least 4096");
    require(live_ping_ms >= 100, "live_ping_ms must be at least 100");
    require(compress_level >= 1 && compress_level <= 9, "compress_level must be between 1 and 9");
}

// ------------------------------------------------------------------ Server

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
};

// The request latency histogram's upper bounds, in seconds.
constexpr std::array<double, 14> kLatencyBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                0.1,    0.25,  0.5,    1,     2.5,   5,    10};

bool is_token_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

// Whether an Accept-Encoding value accepts gzip (a "gzip" token without q=0).
bool accepts_gzip(std::string_view value) {
    std::size_t i = 0;
    while (i < value.size()) {
        std::size_t end = std::min(value.find(',', i), value.size());
        std::string_view item = value.substr(i, end - i);
        i = end + 1;
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        std::size_t n = 0;
        while (n < item.size() && is_token_char(item[n])) ++n;
        std::string coding(item.substr(0, n));
        std::transform(coding.begin(), coding.end(), coding.begin(), [](unsigned char c) { return std::tolower(c); });
        if (coding != "gzip" && coding != "x-gzip") continue;
        const std::size_t q = item.find("q=");
        if (q == std::string_view::npos) return true;
        std::string_view qv = item.substr(q + 2);
        return !(qv.substr(0, 1) == "0" && qv.find_first_of("123456789") == std::string_view::npos);
    }
    return false;
}

bool compressible(std::string_view content_type) {
    return content_type.rfind("application/json", 0) == 0 || content_type.rfind("text/", 0) == 0 ||
           content_type.rfind("application/xml", 0) == 0 || content_type.rfind("application/javascript", 0) == 0;
}

// gzip at `level`; nullopt when zlib fails (the body then goes as it is).
std::optional<std::string> gzip(std::string_view in, int level) {
    z_stream z{};
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
    std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) return std::nullopt;
    return out;
}

// Parses a multipart/form-data body into fields and files; false when it is
// malformed.
bool parse_multipart(std::string_view body, std::string_view content_type, Fields& form,
                     std::vector<UploadedFile>& files) {
    auto param = [](std::string_view header, std::string_view name) -> std::optional<std::string> {
        std::size_t i = 0;
        while ((i = header.find(name, i)) != std::string_view::npos) {
            const bool starts = i == 0 || header[i - 1] == ';' || header[i - 1] == ' ';
            const std::size_t eq = i + name.size();
            if (starts && eq < header.size() && header[eq] == '=') {
                std::string_view v = header.substr(eq + 1);
                if (!v.empty() && v.front() == '"') {
                    const std::size_t close = v.find('"', 1);
                    if (close == std::string_view::npos) return std::nullopt;
                    return std::string(v.substr(1, close - 1));
                }
                return std::string(v.substr(0, std::min(v.find(';'), v.size())));
            }
            i = eq;
        }
        return std::nullopt;
    };
    const auto boundary = param(content_type, "boundary");
    if (!boundary || boundary->empty()) return false;
    const std::string delimiter = "--" + *boundary;
    std::size_t pos = body.find(delimiter);
    if (pos == std::string_view::npos) return false;
    for (;;) {
        pos += delimiter.size();
        if (body.substr(pos, 2) == "--") return true;  // the closing delimiter
        if (body.substr(pos, 2) != "\r\n") return false;
        pos += 2;
        const std::size_t headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string_view::npos) return false;
        std::string_view headers = body.substr(pos, headers_end - pos);
        const std::size_t content_start = headers_end + 4;
        const std::size_t next = body.find("\r\n" + delimiter, content_start);
        if (next == std::string_view::npos) return false;
        std::string disposition, type;
        std::size_t h = 0;
        while (h < headers.size()) {
            const std::size_t eol = std::min(headers.find("\r\n", h), headers.size());
            std::string_view line = headers.substr(h, eol - h);
            h = eol + 2;
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            std::string name(line.substr(0, colon));
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            if (name == "content-disposition") disposition = value;
            else if (name == "content-type") type = value;
        }
        const auto name = param(disposition, "name");
        if (!name) return false;
        std::string content(body.substr(content_start, next - content_start));
        if (const auto filename = param(disposition, "filename"))
            files.push_back(UploadedFile{*name, *filename, type, std::move(content)});
        else
            form.emplace_back(*name, std::move(content));
        pos = next + 2;
    }
}

std::string status_line(int status) {
    const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason.data(), reason.size()) + "\r\n";
}

std::string sse_text(const LiveMessage& m) {
    std::string out;
    if (!m.id.empty()) out += "id: " + m.id + "\n";
    if (!m.event.empty()) out += "event: " + m.event + "\n";
    std::size_t i = 0;
    do {  // a data line per line of the data
        const std::size_t eol = std::min(m.data.find('\n', i), m.data.size());
        out += "data: " + m.data.substr(i, eol - i) + "\n";
        i = eol + 1;
    } while (i < m.data.size());
    out += "\n";
    return out;
}

std::string json_string(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

std::string ws_text(const LiveMessage& m) {
    return "{\"id\":" + json_string(m.id) + ",\"event\":" + json_string(m.event) +
           ",\"data\":" + (m.data.empty() ? std::string("null") : m.data) + "}";
}

}  // namespace

// A live stream, whatever carries it (for the server's registry).
class LiveBase : public LiveChannel {
public:
    virtual void release() = 0;
};

struct Server::Impl {
    ServerOptions options;
    std::vector<Route> routes;
    std::vector<std::pair<std::string, ErrorHandler>> error_handlers;
    LogSink log;

    // Figures for stats().
    mutable std::mutex stats_mu;
    // By route and status, with the request's method when it is not the
    // route's (HEAD) or no route matched.
    std::map<std::tuple<const Route*, std::string, int>, std::uint64_t> request_counts;
    std::array<std::atomic<std::uint64_t>, kLatencyBounds.size()> latency_counts{};
    std::atomic<std::uint64_t> latency_total{0};
    std::atomic<std::uint64_t> latency_sum_us{0};
    std::atomic<std::int64_t> open_connections{0};
    std::atomic<std::int64_t> live_streams{0};
    std::atomic<std::uint64_t> refused_connections{0};

    // The live streams open now: released when the server stops, so that no
    // subscription outlives what it subscribed to.
    std::mutex live_mu;
    std::vector<std::weak_ptr<LiveBase>> lives;

    std::mutex stop_mutex;
    bool stop_requested = false;
    bool running = false;

    // One event loop a thread, each with its own connections (handed out in
    // turn as they are accepted): no lock is shared between threads on the
    // way of a request. Last: destroyed first, with the handlers they hold.
    std::vector<std::unique_ptr<net::io_context>> loops;
    std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
    std::size_t next_loop = 0;  // the acceptor's loop only
    std::optional<tcp::acceptor> acceptor;
    // HTTPS: the certificate and key (none: plain HTTP).
    std::optional<net::ssl::context> tls;
    // Where handlers run, unless their route is `fast`.
    std::unique_ptr<net::thread_pool> workers;

    // The best route for the path: any method (for 405) and this method.
    const Route* match(std::string_view method, const std::vector<std::string>& segs,
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

    static Response internal_error() {
        return Response::json(500, R"({"error":"internal","message":"system failure, please try again"})");
    }

    Response error_answer(const Request& req, int status) const {
        const ErrorHandler* eh = error_handler_for(req.path);
        try {
            if (eh) return (*eh)(req, status);
        } catch (...) {
            return internal_error();
        }
        return Response::json(status, "{\"error\":" + json_string(transport_reason(status)) + "}");
    }

    // Runs the handler; never throws.
    Response dispatch(Request& req, const Route* r) const {
        try {
            req.route = r->pattern;
            return r->handler(req);
        } catch (const std::exception& e) {
            // Dialect handlers catch everything themselves; this is the last guard.
            std::fprintf(stderr, "error: %s %s: unhandled exception: %s\n", req.method.c_str(),
                         escape_for_log(req.path).c_str(), e.what());
        } catch (...) {
            std::fprintf(stderr, "error: %s %s: unhandled exception\n", req.method.c_str(),
                         escape_for_log(req.path).c_str());
        }
        return internal_error();
    }

    void record(const std::string& method, const Route* route, int status, Clock::time_point start,
                const std::string& path, const std::string& remote) {
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        {
            std::lock_guard<std::mutex> lock(stats_mu);
            // (no string to copy for a request of the route's own method)
            ++request_counts[{route, route && method == route->method ? std::string() : method, status}];
        }
        for (std::size_t i = 0; i < kLatencyBounds.size(); ++i)
            if (seconds <= kLatencyBounds[i]) latency_counts[i].fetch_add(1, std::memory_order_relaxed);
        latency_total.fetch_add(1, std::memory_order_relaxed);
        latency_sum_us.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
        if (log) {
            try {
                log(LogEntry{switchboard::now_ms(), method, path, status, seconds * 1000.0, remote});
            } catch (...) {
            }
        }
    }

    // The CORS headers for a request from `origin` ("" when none was sent).
    Fields cors_for(std::string_view origin) const {
        if (origin.empty() || options.cors_origins.empty()) return {};
        for (const auto& allowed : options.cors_origins)
            if (allowed == "*" || allowed == origin)
                return {{"Access-Control-Allow-Origin", std::string(origin)}, {"Vary", "Origin"}};
        return {};
    }

    void accept();
    void add_live(const std::shared_ptr<LiveBase>& s);
    void release_lives();
};

// ------------------------------------------------------------------ live streams

// One live stream: server-sent events over the connection's socket, or a
// WebSocket. Writes are queued on the connection's strand, one at a time.
template <class Stream>
class LiveSession : public LiveBase, public std::enable_shared_from_this<LiveSession<Stream>> {
public:
    LiveSession(Server::Impl& srv, Stream&& stream)
        : srv_(srv), executor_(stream.get_executor()), ping_(executor_) {
        plain_.emplace(std::move(stream));
    }
    LiveSession(Server::Impl& srv, std::shared_ptr<websocket::stream<Stream>> ws)
        : srv_(srv), executor_(ws->get_executor()), ping_(executor_), ws_(std::move(ws)) {}
    ~LiveSession() override { --srv_.live_streams; }

    // Takes the stream over: `head` (the answer's head, for SSE) goes out
    // first, then what `start` sends. Called on the strand.
    void begin(const LiveStart& start, std::string head) {
        ++srv_.live_streams;
        auto self = this->shared_from_this();
        if (!head.empty()) queue(std::move(head));
        watch();
        schedule_ping();
        std::shared_ptr<void> holder;
        try {
            holder = start(self);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "error: a live stream did not start: %s\n", e.what());
            close();
            return;
        }
        std::lock_guard<std::mutex> lock(mu_);
        if (open_) holder_ = std::move(holder);
    }

    bool send(const LiveMessage& message) override { return queue(ws_ ? ws_text(message) : sse_text(message)); }

    bool comment(std::string_view text) override {
        if (ws_) return is_open();
        return queue(": " + std::string(text) + "\n\n");
    }

    bool is_open() const override {
        std::lock_guard<std::mutex> lock(mu_);
        return open_;
    }

    void close() override {
        std::shared_ptr<void> holder;
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (!open_) return;
            open_ = false;
            holder = std::move(holder_);
        }
        holder.reset();  // ends the subscription, outside the lock
        net::post(executor_, [self = this->shared_from_this()] { self->shut(); });
    }

    // The server stops: ends the subscription at once (the strand may never
    // run again).
    void release() override {
        std::shared_ptr<void> holder;
        {
            std::lock_guard<std::mutex> lock(mu_);
            open_ = false;
            holder = std::move(holder_);
        }
    }

private:
    bool queue(std::string piece) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (!open_) return false;
            // A client too far behind is let go: it reconnects and resumes.
            const bool too_far = queued_bytes_ + piece.size() > srv_.options.live_queue_bytes;
            if (!too_far) {
                queued_bytes_ += piece.size();
                net::post(executor_, [self = this->shared_from_this(), piece = std::move(piece)]() mutable {
                    self->pending_.push_back(std::move(piece));
                    if (!self->writing_) self->write_next();
                });
                return true;
            }
        }
        close();
        return false;
    }

    void write_next() {
        if (pending_.empty() || !is_open()) {
            writing_ = false;
            return;
        }
        writing_ = true;
        auto self = this->shared_from_this();
        auto done = [self](beast::error_code ec, std::size_t) {
            const std::size_t n = self->pending_.front().size();
            self->pending_.pop_front();
            {
                std::lock_guard<std::mutex> lock(self->mu_);
                self->queued_bytes_ -= std::min(self->queued_bytes_, n);
            }
            if (ec) {
                self->writing_ = false;
                self->close();
                return;
            }
            self->write_next();
        };
        const auto timeout = std::chrono::milliseconds(srv_.options.write_timeout_ms);
        if (ws_) {
            beast::get_lowest_layer(*ws_).expires_after(timeout);
            ws_->text(true);
            ws_->async_write(net::buffer(pending_.front()), std::move(done));
        } else {
            beast::get_lowest_layer(*plain_).expires_after(timeout);
            net::async_write(*plain_, net::buffer(pending_.front()), std::move(done));
        }
    }

    // Reads what the client sends, to learn when it goes (SSE: it sends
    // nothing; WebSocket: its messages are not for us, and a read is how
    // pings and the close handshake are answered).
    void watch() {
        auto self = this->shared_from_this();
        if (ws_) {
            beast::get_lowest_layer(*ws_).expires_never();
            ws_->async_read(in_, [self](beast::error_code ec, std::size_t) {
                self->in_.clear();
                if (ec) return self->close();
                self->watch();
            });
        } else {
            beast::get_lowest_layer(*plain_).expires_never();
            plain_->async_read_some(net::buffer(scratch_), [self](beast::error_code ec, std::size_t) {
                if (ec) return self->close();
                self->watch();
            });
        }
    }

    void schedule_ping() {
        ping_.expires_after(std::chrono::milliseconds(srv_.options.live_ping_ms));
        ping_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || !self->is_open()) return;
            if (self->ws_) {
                self->ws_->async_ping({}, [self](beast::error_code ping_ec) {
                    if (ping_ec) self->close();
                });
            } else {
                self->comment("ping");
            }
            self->schedule_ping();
        });
    }

    void shut() {
        ping_.cancel();
        beast::error_code ec;
        if (ws_) {
            beast::get_lowest_layer(*ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
            beast::get_lowest_layer(*ws_).close();
        } else {
            beast::get_lowest_layer(*plain_).socket().shutdown(tcp::socket::shutdown_both, ec);
            beast::get_lowest_layer(*plain_).close();
        }
    }

    Server::Impl& srv_;
    net::any_io_executor executor_;
    net::steady_timer ping_;
    std::optional<Stream> plain_;  // server-sent events
    std::shared_ptr<websocket::stream<Stream>> ws_;
    std::deque<std::string> pending_;  // on the strand
    bool writing_ = false;             // on the strand
    beast::flat_buffer in_;
    std::array<char, 512> scratch_{};
    mutable std::mutex mu_;
    bool open_ = true;
    std::size_t queued_bytes_ = 0;
    std::shared_ptr<void> holder_;
};

void Server::Impl::add_live(const std::shared_ptr<LiveBase>& s) {
    std::lock_guard<std::mutex> lock(live_mu);
    std::erase_if(lives, [](const auto& w) { return w.expired(); });
    lives.push_back(s);
}

void Server::Impl::release_lives() {
    std::vector<std::weak_ptr<LiveBase>> all;
    {
        std::lock_guard<std::mutex> lock(live_mu);
        all.swap(lives);
    }
    for (auto& w : all)
        if (auto s = w.lock()) s->release();
}

// ------------------------------------------------------------------ connections

namespace {

// One client connection: requests read and answered in turn (keep-alive),
// each step under its own timeout.
// Stream is beast::tcp_stream (HTTP) or beast::ssl_stream<beast::tcp_stream>
// (HTTPS: a TLS handshake first).
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
public:
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

    // The accepted socket, and for HTTPS the TLS context.
    template <class... Args>
    Connection(Server::Impl& srv, Args&&... args) : srv_(srv), stream_(std::forward<Args>(args)...) {
        ++srv_.open_connections;
        beast::error_code ec;
        const auto ep = lowest().socket().remote_endpoint(ec);
        if (!ec) {
            remote_ = ep.address().to_string();
            const auto a = ep.address();
            loopback_ = a.is_loopback() || (a.is_v6() && a.to_v6().is_v4_mapped() &&
                                             a.to_v6().to_v4().is_loopback());
        }
        lowest().socket().set_option(tcp::no_delay(true), ec);
        // Plain HTTP writes an answer at once where the socket takes it
        // (send()), never waiting in the call.
        if constexpr (!kTls) lowest().socket().non_blocking(true, ec);
    }
    ~Connection() { --srv_.open_connections; }

    void start() {
        if constexpr (kTls) {
            deadline(srv_.options.header_timeout_ms);
            stream_.async_handshake(net::ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code ec) {
                                        if (ec) return self->shut();  // not TLS, or a bad client hello
                                        self->next();
                                    });
        } else {
            next();
        }
    }

private:
    using ms = std::chrono::milliseconds;

    // Waits (idle timeout) for the first byte of the next request. The idle
    // timeout is kept by a watchdog set again only when it goes off, not for
    // every request: a timer set and cancelled per request costs the loop
    // more than reading a request that came whole.
    void next() {
        if (buffer_.size() > 0) return read_header();
        if (timed_) {
            lowest().expires_never();
            timed_ = false;
        }
        idle_until_ = Clock::now() + ms(srv_.options.idle_timeout_ms);
        idle_ = true;
        if (!watching_) watch_idle();
        stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
            self->idle_ = false;
            if (ec) return self->shut();  // idle too long (the watchdog closed it), or the client closed
            self->buffer_.commit(n);
            self->read_header();
        });
    }

    // Closes the connection once it has waited idle_timeout_ms for a request.
    void watch_idle() {
        watching_ = true;
        watchdog_.expires_at(idle_until_);
        watchdog_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
            const auto self = weak.lock();
            if (!self) return;
            self->watching_ = false;
            if (ec || !self->idle_) return;  // busy: its request's own timeouts apply, next() watches again
            if (Clock::now() >= self->idle_until_) return self->shut();
            self->watch_idle();
        });
    }

    // The timeout of the stream's next operations.
    void deadline(int timeout_ms) {
        timed_ = true;
        lowest().expires_after(ms(timeout_ms));
    }

    void read_header() {
        start_ = Clock::now();
        head_.emplace();
        head_->header_limit(static_cast<std::uint32_t>(srv_.options.max_header));
        head_->body_limit(boost::none);
        // A header that came whole with the first read (nearly every
        // request) is parsed here: no second wait, and no timer to set.
        if (buffer_.size() > 0) {
            beast::error_code ec;
            buffer_.consume(head_->put(buffer_.data(), ec));
            if (ec != bhttp::error::need_more) return on_header(ec);
        }
        deadline(srv_.options.header_timeout_ms);
        bhttp::async_read_header(stream_, buffer_, *head_,
                                 [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(beast::error_code ec) {
        if (ec == bhttp::error::end_of_stream || ec == net::error::connection_reset) return shut();
        if (ec == beast::error::timeout) return refuse(408);
        if (ec == bhttp::error::header_limit) return refuse(431);
        if (ec) return refuse(400);
        const auto& h = head_->get();
        method_ = std::string(h.method_string());
        const std::string_view target(h.target().data(), h.target().size());
        path_ = url_decode(target.substr(0, std::min(target.find('?'), target.size())), false);
        if (path_.empty() || path_[0] != '/') return refuse(400);
        cors_ = srv_.cors_for(h[bhttp::field::origin]);
        if (h.method() == bhttp::verb::options && h.count(bhttp::field::origin) &&
            h.count(bhttp::field::access_control_request_method))
            return preflight();

        // Framing the parser does not check: a transfer coding other than
        // chunked, and a PUT or PATCH that says nothing of its length.
        if (h.count(bhttp::field::transfer_encoding) && !head_->chunked()) return refuse(501);
        const bool has_body = head_->chunked() || (head_->content_length() && *head_->content_length() > 0);
        if ((h.method() == bhttp::verb::put || h.method() == bhttp::verb::patch) && !head_->chunked() &&
            !head_->content_length())
            return refuse(411);

        bool other_method = false;
        route_ = srv_.match(method_, split_path(path_), &params_, &other_method);
        if (!route_) {
            // No handler: answered without reading a body, which closes the
            // connection when there is one.
            close_after_ = has_body;
            return answer_error(other_method ? 405 : 404);
        }
        limit_ = route_->options.max_body ? route_->options.max_body : srv_.options.max_body;
        if (head_->content_length() && *head_->content_length() > limit_) return refuse(413);

        body_.emplace(std::move(*head_));
        head_.reset();
        body_->body_limit(limit_);
        const auto expect = body_->get()[bhttp::field::expect];
        if (has_body && beast::iequals(expect, "100-continue")) {
            static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            deadline(srv_.options.write_timeout_ms);
            net::async_write(stream_, net::buffer(kContinue), [self = this->shared_from_this()](beast::error_code wec, std::size_t) {
                if (wec) return self->shut();
                self->read_body();
            });
            return;
        }
        read_body();
    }

    void read_body() {
        if (body_->is_done()) return on_body({});  // no body: nothing to wait for
        deadline(srv_.options.body_timeout_ms);
        bhttp::async_read(stream_, buffer_, *body_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_body(ec);
        });
    }

    void on_body(beast::error_code ec) {
        if (ec == bhttp::error::body_limit) return refuse(413);
        if (ec == beast::error::timeout) return refuse(408);
        if (ec == bhttp::error::end_of_stream || ec == net::error::connection_reset) return shut();
        if (ec) return refuse(400);
        auto& msg = body_->get();
        Request req = make_request(msg);
        const std::string ct = req.content_type();
        if (ct == "application/x-www-form-urlencoded") {
            req.is_form = true;
            req.form = parse_urlencoded(req.body);
        } else if (ct == "multipart/form-data") {
            req.is_form = true;
            const auto* ct_header = req.header("Content-Type");
            if (!parse_multipart(req.body, ct_header ? *ct_header : "", req.form, req.files)) {
                close_after_ = !msg.keep_alive();
                return answer(srv_.error_answer(req, 400), req);
            }
        }
        close_after_ = !msg.keep_alive();
        auto shared = std::make_shared<Request>(std::move(req));
        if (route_->options.fast) return respond(srv_.dispatch(*shared, route_), shared);
        // On a worker thread, so that a slow handler holds up no other
        // connection of this loop; the answer comes back to the loop.
        net::post(*srv_.workers, [self = this->shared_from_this(), shared] {
            Response res = self->srv_.dispatch(*shared, self->route_);
            if (res.stream && !res.live) return self->stream_then_finish(std::move(res), shared);
            net::post(self->stream_.get_executor(), [self, shared, res = std::move(res)]() mutable {
                self->respond(std::move(res), shared);
            });
        });
    }

    // On the loop: a live stream, a whole answer, or a streamed one (written
    // from a worker thread).
    void respond(Response res, const std::shared_ptr<Request>& req) {
        if (res.live) return start_live(std::move(res), body_->get());
        if (!res.stream) return answer(std::move(res), *req);
        net::post(*srv_.workers, [self = this->shared_from_this(), req, res = std::move(res)]() mutable {
            self->stream_then_finish(std::move(res), req);
        });
    }

    // On a worker thread: writes a streamed answer, then goes back to the loop.
    void stream_then_finish(Response res, const std::shared_ptr<Request>& req) {
        res.headers.insert(res.headers.end(), cors_.begin(), cors_.end());
        status_ = res.status;
        const bool ok = answer_streamed(res, req->method == "HEAD");
        net::post(stream_.get_executor(), [self = this->shared_from_this(), ok] { self->finish(ok); });
    }

    template <class Message>
    Request make_request(Message& msg) {
        Request req;
        req.method = method_;
        req.path = path_;
        req.path_params = std::move(params_);
        req.remote_addr = remote_;
        const std::string_view target(msg.target().data(), msg.target().size());
        if (const auto q = target.find('?'); q != std::string_view::npos) req.query = parse_urlencoded(target.substr(q + 1));
        for (const auto& f : msg) req.headers.emplace(std::string(f.name_string()), std::string(f.value()));
        if constexpr (std::is_same_v<typename Message::body_type, bhttp::string_body>) req.body = std::move(msg.body());
        return req;
    }

    // A CORS preflight: allowed (204 with what may be sent) or not (403).
    void preflight() {
        close_after_ = head_->content_length().value_or(0) > 0 || head_->chunked();
        Request req;
        req.method = method_;
        req.path = path_;
        Response res;
        if (cors_.empty()) {
            res = Response::json(403, R"({"error":"this origin may not call the host"})");
        } else {
            res.status = 204;
            res.content_type = "text/plain";
            res.headers = {{"Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"},
                           {"Access-Control-Allow-Headers",
                            "Content-Type, Authorization, XAuthorization, accessToken, devToken, Last-Event-ID"},
                           {"Access-Control-Max-Age", "600"}};
        }
        answer(std::move(res), req);
    }

    // A request refused before its body was read: answered, then closed.
    void refuse(int status) {
        close_after_ = true;
        route_ = nullptr;
        answer_error(status);
    }

    // The transport's own answer (no handler ran), in the dialect of the path.
    void answer_error(int status) {
        Request req;
        req.method = method_.empty() ? "-" : method_;
        req.path = path_;
        req.remote_addr = remote_;
        if (head_) {
            for (const auto& f : head_->get()) req.headers.emplace(std::string(f.name_string()), std::string(f.value()));
        }
        answer(srv_.error_answer(req, status), req);
    }

    // Sends a whole answer, then goes on to the next request or closes.
    void answer(Response res, const Request& req) {
        res.headers.insert(res.headers.end(), cors_.begin(), cors_.end());
        const bool head_only = req.method == "HEAD";
        status_ = res.status;

        auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
        out->version(11);
        out->result(static_cast<unsigned>(res.status));
        out->set(bhttp::field::content_type, res.content_type);
        for (const auto& [k, v] : res.headers) out->insert(k, v);
        const auto* ae = req.header("Accept-Encoding");
        if (srv_.options.compress_min_bytes && res.body.size() >= srv_.options.compress_min_bytes && ae &&
            (srv_.options.compress_loopback || !loopback_) &&
            accepts_gzip(*ae) && compressible(res.content_type)) {
            if (auto z = gzip(res.body, srv_.options.compress_level)) {
                res.body = std::move(*z);
                out->set(bhttp::field::content_encoding, "gzip");
            }
        }
        if (srv_.options.compress_min_bytes && compressible(res.content_type)) {
            const auto vary = out->find(bhttp::field::vary);
            const std::string before = vary == out->end() ? "" : std::string(vary->value()) + ", ";
            out->set(bhttp::field::vary, before + "Accept-Encoding");
        }
        const std::size_t length = res.body.size();
        if constexpr (!kTls) {
            // Plain HTTP: the head is written out here and sent with the
            // body in one write, which nearly always takes it all at once;
            // only what the socket did not take waits, under the write
            // timeout.
            std::string head;
            head.reserve(160 + res.headers.size() * 48);
            head += status_line(res.status);
            for (const auto& f : *out) {
                head.append(f.name_string().data(), f.name_string().size());
                head += ": ";
                head.append(f.value().data(), f.value().size());
                head += "\r\n";
            }
            head += "Content-Length: " + std::to_string(length) + "\r\n";
            if (close_after_) head += "Connection: close\r\n";
            head += "\r\n";
            if (head_only) res.body.clear();
            return send(std::move(head), std::move(res.body));
        }
        if (!head_only) out->body() = std::move(res.body);
        out->content_length(length);
        out->keep_alive(!close_after_);
        deadline(srv_.options.write_timeout_ms);
        bhttp::async_write(stream_, *out, [self = this->shared_from_this(), out](beast::error_code ec, std::size_t) {
            self->finish(!ec);
        });
    }

    // Writes head and body (plain HTTP), then finishes: at once when the
    // socket takes them, else what is left asynchronously.
    void send(std::string head, std::string body) {
        beast::error_code ec;
        const std::array<net::const_buffer, 2> both{net::buffer(head), net::buffer(body)};
        const std::size_t total = head.size() + body.size();
        const std::size_t sent = lowest().socket().write_some(both, ec);
        if (!ec && sent == total) return finish(true);
        if (ec && ec != net::error::would_block && ec != net::error::try_again) return finish(false);
        auto rest = std::make_shared<std::string>();
        rest->reserve(total - sent);
        if (sent < head.size()) rest->append(head, sent);
        rest->append(body, sent > head.size() ? sent - head.size() : 0);
        deadline(srv_.options.write_timeout_ms);
        net::async_write(stream_, net::buffer(*rest), [self = this->shared_from_this(), rest](beast::error_code wec, std::size_t) {
            self->finish(!wec);
        });
    }

    // A streamed answer is produced on a worker thread; each piece is
    // written by the connection's loop (plain or TLS alike) while the worker
    // waits, at most write_timeout_ms a piece; false when it failed.
    bool answer_streamed(Response& res, bool head_only) {
        std::string head = status_line(res.status);
        head += "Content-Type: " + res.content_type + "\r\n";
        for (const auto& [k, v] : res.headers) head += k + ": " + v + "\r\n";
        const bool chunked = res.stream_length < 0;
        if (chunked) head += "Transfer-Encoding: chunked\r\n";
        else head += "Content-Length: " + std::to_string(res.stream_length) + "\r\n";
        if (close_after_) head += "Connection: close\r\n";
        head += "\r\n";
        const auto timeout = std::chrono::milliseconds(srv_.options.write_timeout_ms);
        auto self = this->shared_from_this();
        auto write = [&](std::string data) {
            auto done = std::make_shared<std::promise<bool>>();
            auto result = done->get_future();
            auto buffer = std::make_shared<std::string>(std::move(data));
            net::post(stream_.get_executor(), [self, buffer, done, timeout] {
                self->deadline(static_cast<int>(timeout.count()));
                net::async_write(self->stream_, net::buffer(*buffer),
                                 [buffer, done](beast::error_code ec, std::size_t) { done->set_value(!ec); });
            });
            // The loop's timer ends a write that takes too long; the margin
            // only covers a loop that has stopped.
            if (result.wait_for(timeout + std::chrono::seconds(5)) != std::future_status::ready) return false;
            return result.get();
        };
        bool ok = write(std::move(head));
        if (ok && !head_only) {
            long long sent = 0;
            ok = res.stream([&](std::string_view piece) {
                if (piece.empty()) return true;
                sent += static_cast<long long>(piece.size());
                if (!chunked) return write(std::string(piece));
                char size[24];
                std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
                std::string framed = size;
                framed.append(piece);
                framed += "\r\n";
                return write(std::move(framed));
            });
            if (ok && chunked) ok = write("0\r\n\r\n");
            if (ok && !chunked && sent != res.stream_length) ok = false;
        }
        return ok;
    }

    // A live answer: the connection becomes a LiveSession (a WebSocket when
    // the client asked to upgrade, else server-sent events on this socket).
    void start_live(Response res, bhttp::request<bhttp::string_body>& msg) {
        res.headers.insert(res.headers.end(), cors_.begin(), cors_.end());
        const bool upgrade = websocket::is_upgrade(msg);
        srv_.record(method_, route_, upgrade ? 101 : 200, start_, log_path(), remote_);
        lowest().expires_never();
        if (upgrade) {
            auto ws = std::make_shared<websocket::stream<Stream>>(std::move(stream_));
            ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
            ws->read_message_max(64 * 1024);
            auto request = std::make_shared<bhttp::request<bhttp::string_body>>(std::move(msg));
            Server::Impl& srv = srv_;
            ws->async_accept(*request, [ws, request, &srv, start = std::move(res.live)](beast::error_code ec) {
                if (ec) return;
                auto session = std::make_shared<LiveSession<Stream>>(srv, ws);
                srv.add_live(session);
                session->begin(start, {});
            });
            return;
        }
        std::string head = status_line(200);
        head += "Content-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\n"
                "X-Accel-Buffering: no\r\nConnection: close\r\n";
        for (const auto& [k, v] : res.headers) head += k + ": " + v + "\r\n";
        head += "\r\n";
        auto session = std::make_shared<LiveSession<Stream>>(srv_, std::move(stream_));
        srv_.add_live(session);
        session->begin(res.live, std::move(head));
    }

    std::string log_path() const {
        if (route_ && route_->options.redact_path) return route_->pattern;
        return escape_for_log(path_);
    }

    void finish(bool ok) {
        srv_.record(method_, route_, status_, start_, log_path(), remote_);
        if (!ok || close_after_) return shut();
        method_.clear();
        path_.clear();
        route_ = nullptr;
        body_.reset();
        head_.reset();
        // A request already in the buffer (pipelined) is read here too; a
        // long run of them goes on from the loop rather than deeper.
        if (depth_ >= 8) return net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->next(); });
        ++depth_;
        next();
        --depth_;
    }

    void shut() {
        beast::error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
        lowest().close();
    }

    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    Server::Impl& srv_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::empty_body>> head_;
    std::optional<bhttp::request_parser<bhttp::string_body>> body_;
    std::string remote_;
    bool loopback_ = false;
    Fields cors_;  // the CORS headers of this request's answer (none for no allowed Origin)
    std::string method_;
    std::string path_;
    std::map<std::string, std::string> params_;
    const Route* route_ = nullptr;
    std::size_t limit_ = 0;
    Clock::time_point start_;
    int status_ = 0;
    bool close_after_ = false;
    int depth_ = 0;  // answers finished inside one another (send() finishing at once)
    bool timed_ = false;  // a timeout is set on the stream
    net::steady_timer watchdog_{stream_.get_executor()};
    Clock::time_point idle_until_;
    bool idle_ = false, watching_ = false;
};

}  // namespace

void Server::Impl::accept() {
    net::io_context& loop = *loops[next_loop++ % loops.size()];
    acceptor->async_accept(loop, [this](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
        if (!ec) {
            if (open_connections.load() + live_streams.load() >= options.max_connections) {
                // Answered at once and closed; the socket is non-blocking
                // for this one small write.
                ++refused_connections;
                static const std::string kBody = R"({"error":"too many connections, please try again"})";
                static const std::string kBusy = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                                 "Content-Length: " + std::to_string(kBody.size()) +
                                                 "\r\nConnection: close\r\n\r\n" + kBody;
                beast::error_code ignored;
                socket.non_blocking(true, ignored);
                socket.write_some(net::buffer(kBusy), ignored);
                socket.shutdown(tcp::socket::shutdown_both, ignored);
                socket.close(ignored);
            } else {
                if (tls)
                    std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(socket), *tls)
                        ->start();
                else
                    std::make_shared<Connection<beast::tcp_stream>>(*this, std::move(socket))->start();
            }
        }
        accept();
    });
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
    options.validate();
    impl_->options = std::move(options);
    for (int i = 0; i < impl_->options.threads; ++i) {
        impl_->loops.push_back(std::make_unique<net::io_context>(1));
        impl_->keep_running.push_back(net::make_work_guard(*impl_->loops.back()));
    }
    impl_->acceptor.emplace(*impl_->loops[0]);
    const auto& o = impl_->options;
    if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
        if (o.tls_cert_file.empty() || o.tls_key_file.empty())
            throw std::invalid_argument("TLS needs both a certificate file and a key file");
        auto& ctx = impl_->tls.emplace(net::ssl::context::tls_server);
        ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                        net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
        beast::error_code ec;
        ctx.use_certificate_chain_file(o.tls_cert_file, ec);
        if (ec) throw std::invalid_argument("the TLS certificate " + o.tls_cert_file + " could not be read: " + ec.message());
        ctx.use_private_key_file(o.tls_key_file, net::ssl::context::pem, ec);
        if (ec) throw std::invalid_argument("the TLS key " + o.tls_key_file + " could not be read: " + ec.message());
    }
    impl_->workers = std::make_unique<net::thread_pool>(static_cast<std::size_t>(impl_->options.threads));
    impl_->log = [](const LogEntry& e) {
        const std::string line = log_line(e);
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    };
}

Server::~Server() {
    stop();
    impl_->release_lives();
}

void Server::route(const std::string& method, const std::string& pattern, Handler handler, RouteOptions options) {
    impl_->routes.push_back(Route{method, pattern, split_path(pattern), std::move(handler), options});
}

void Server::on_error(const std::string& prefix, ErrorHandler handler) {
    impl_->error_handlers.emplace_back(prefix, std::move(handler));
}

void Server::set_log(LogSink sink) { impl_->log = std::move(sink); }

int Server::bind() {
    const auto& o = impl_->options;
    beast::error_code ec;
    const auto address = net::ip::make_address(o.host == "localhost" ? "127.0.0.1" : o.host, ec);
    if (ec) throw std::runtime_error("cannot bind to " + o.host + ": not an IP address");
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(o.port));
    auto& a = *impl_->acceptor;
    a.open(endpoint.protocol(), ec);
    if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(endpoint, ec);
    if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        const std::string where = o.host + ":" + (o.port == 0 ? std::string("(any port)") : std::to_string(o.port));
        throw std::runtime_error("cannot bind to " + where + ": " + ec.message());
    }
    return a.local_endpoint().port();
}

bool Server::listen() {
    {
        std::lock_guard<std::mutex> lock(impl_->stop_mutex);
        if (impl_->stop_requested) return true;
        if (!impl_->acceptor->is_open()) return false;
        impl_->running = true;
    }
    impl_->accept();
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < impl_->loops.size(); ++i)
        threads.emplace_back([loop = impl_->loops[i].get()] { loop->run(); });
    impl_->loops[0]->run();
    for (auto& t : threads) t.join();
    impl_->workers->stop();
    impl_->workers->join();
    impl_->release_lives();
    return true;
}

void Server::stop() {
    std::lock_guard<std::mutex> lock(impl_->stop_mutex);
    impl_->stop_requested = true;
    net::post(*impl_->loops[0], [impl = impl_.get()] {
        beast::error_code ec;
        impl->acceptor->close(ec);
    });
    impl_->keep_running.clear();
    for (auto& loop : impl_->loops) loop->stop();
    impl_->workers->stop();
}

std::vector<Server::RouteInfo> Server::routes() const {
    std::vector<RouteInfo> out;
    for (const auto& r : impl_->routes) out.push_back(RouteInfo{r.method, r.pattern, r.options});
    return out;
}

ServerStats Server::stats() const {
    ServerStats s;
    {
        std::lock_guard<std::mutex> lock(impl_->stats_mu);
        std::map<std::tuple<std::string, std::string, int>, std::uint64_t> named;
        for (const auto& [key, n] : impl_->request_counts) {
            const auto& [route, method, status] = key;
            named[{route && method.empty() ? route->method : method, route ? route->pattern : "(none)", status}] += n;
        }
        for (const auto& [key, n] : named) s.requests.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
    }
    s.latency_bounds_s.assign(kLatencyBounds.begin(), kLatencyBounds.end());
    for (const auto& c : impl_->latency_counts) s.latency_counts.push_back(c.load());
    s.latency_total = impl_->latency_total.load();
    s.latency_sum_s = static_cast<double>(impl_->latency_sum_us.load()) / 1e6;
    s.open_connections = impl_->open_connections.load();
    s.live_streams = impl_->live_streams.load();
    s.refused_connections = impl_->refused_connections.load();
    return s;
}

}  // namespace switchboard::host
