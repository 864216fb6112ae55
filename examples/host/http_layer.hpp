// switchboard-host: the small request/response layer between the HTTP
// library (Boost.Beast over Boost.Asio) and the dialect handlers. Handlers
// see only Request and Response; the library stays behind Server's pimpl.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::host {

struct CaseInsensitiveLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept;
};

using Fields = std::vector<std::pair<std::string, std::string>>;

// A part of a multipart/form-data body that carries a file name.
struct UploadedFile {
    std::string field;         // the part's name ("file[]")
    std::string filename;      // as the client sent it (may hold anything)
    std::string content_type;  // the part's Content-Type, "" when none
    std::string content;
};

struct Request {
    std::string method;   // "GET", "POST" ...
    std::string path;     // percent-decoded, without the query string
    std::string route;    // the matched route pattern ("/eproc/users/{id}"), "" when none matched
    std::map<std::string, std::string> path_params;  // {name} segments of the route
    Fields query;         // decoded query string, in order
    std::multimap<std::string, std::string, CaseInsensitiveLess> headers;
    std::string body;     // raw body (empty for a body the server refused)
    Fields form;          // fields of a form body (urlencoded, or multipart parts without a file name)
    std::vector<UploadedFile> files;  // multipart parts with a file name, in order
    bool is_form = false; // the body was a form
    std::string remote_addr;

    // nullptr when absent; the first value when repeated.
    const std::string* header(std::string_view name) const;
    // The last value of a repeated query or form field wins.
    const std::string* query_value(std::string_view name) const;
    const std::string* form_value(std::string_view name) const;
    std::string path_param(const std::string& name) const;
    std::string content_type() const;  // lower-case media type without parameters
};

// Writes a piece of a streamed body; false once the client has gone away.
using StreamWrite = std::function<bool(std::string_view piece)>;
// Produces a streamed body through `write`; returns false to abort the
// response (the connection is closed, so the client sees it incomplete).
using BodyWriter = std::function<bool(const StreamWrite& write)>;

// One message of a live stream: sent as a server-sent event ("id:",
// "event:", "data:" lines) or, over a WebSocket, as one text message
// {"id": ..., "event": ..., "data": <data>} (data is JSON text).
struct LiveMessage {
    std::string id;
    std::string event;
    std::string data;
};

// The open end of a live stream. Any thread may send; sends are queued and
// written in order without blocking the sender.
class LiveChannel {
public:
    virtual ~LiveChannel() = default;
    // False once the client has gone or was too slow (more than the
    // server's live_queue_bytes waiting): the stream is closed then, and a
    // client resumes with Last-Event-ID.
    virtual bool send(const LiveMessage& message) = 0;
    // A comment line (server-sent events only; a WebSocket ignores it).
    virtual bool comment(std::string_view text) = 0;
    virtual bool is_open() const = 0;
    virtual void close() = 0;
};

// Starts a live stream once its head is sent. What it returns is kept
// until the stream ends and then released (a subscription that ends in its
// destructor).
using LiveStart = std::function<std::shared_ptr<void>(const std::shared_ptr<LiveChannel>& channel)>;

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    Fields headers;
    // When set, the body is produced by `stream` while it is sent (memory
    // stays bounded): with Content-Length when stream_length >= 0, otherwise
    // with chunked transfer encoding. `body` is ignored then.
    BodyWriter stream;
    long long stream_length = -1;
    // When set, the answer is a live stream (text/event-stream, or a
    // WebSocket when the request asked to upgrade): `live` is called with
    // its channel and the connection stays open until either side ends it.
    LiveStart live;

    static Response json(int status, std::string body);
    static Response streamed(std::string content_type, BodyWriter writer, long long length = -1);
    static Response redirect(const std::string& location, int status = 302);
    static Response live_stream(LiveStart start);
};

using Handler = std::function<Response(const Request&)>;
// Answers a request that reached no handler: status is 404 (no route), 405
// (the path exists for another method), 413 (body over the limit), 411 (a
// PUT or PATCH without a length), 431 (headers over the limit), 501 (a
// transfer coding other than chunked), 408 (too slow) or 400 (a request
// the server could not read).
using ErrorHandler = std::function<Response(const Request&, int status)>;

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080;          // 0: any free port
    int threads = 4;          // event loops (reading, writing, fast routes), and as many worker threads for the rest
    std::size_t max_body = 1u << 20;
    std::size_t max_header = 16u << 10;  // request line and headers together
    int max_connections = 10000;         // past it a new connection is answered 503 and closed
    int header_timeout_ms = 10'000;      // from a request's first byte to the end of its headers
    int body_timeout_ms = 30'000;        // to read a request's body
    int write_timeout_ms = 30'000;       // to write an answer (each piece of a streamed one)
    int idle_timeout_ms = 60'000;        // a kept-alive connection waiting for its next request
    std::size_t live_queue_bytes = 1u << 20;  // a live client further behind is disconnected
    int live_ping_ms = 15'000;           // a live stream's keep-alive comment (SSE) or ping (WebSocket)
    // Compressed answers (gzip, to a client that accepts it): bodies of at
    // least this many bytes, at this zlib level (1 fastest to 9 smallest);
    // compress_min_bytes 0 turns compression off.
    std::size_t compress_min_bytes = 8192;
    int compress_level = 1;
    // A client on this machine (127.0.0.0/8, ::1) gets answers uncompressed:
    // there, bytes cost nothing and compressing only adds time (a proxy in
    // front compresses for the network). True compresses for it too.
    bool compress_loopback = false;
    // HTTPS: a PEM certificate chain and its private key (both, or neither
    // for plain HTTP). TLS 1.2 and 1.3 only.
    std::string tls_cert_file;
    std::string tls_key_file;
    // Origins (scheme://host[:port]) whose browser pages may call the host
    // (CORS); "*" allows any. Empty: no CORS headers, preflights refused.
    std::vector<std::string> cors_origins;
    void validate() const;  // throws std::invalid_argument naming the option
};

// What the server has done since it started (for /metrics).
struct ServerStats {
    struct RouteCount {
        std::string method;
        std::string route;  // the route pattern; "(none)" for requests no route took
        int status = 0;
        std::uint64_t count = 0;
    };
    std::vector<RouteCount> requests;
    // Request latency: counts of requests that took at most each bound
    // (cumulative, as Prometheus' histograms), plus the sum of seconds.
    std::vector<double> latency_bounds_s;
    std::vector<std::uint64_t> latency_counts;
    std::uint64_t latency_total = 0;
    double latency_sum_s = 0;
    std::int64_t open_connections = 0;
    std::int64_t live_streams = 0;
    std::uint64_t refused_connections = 0;
};

struct RouteOptions {
    // The request log shows the route pattern instead of the path (for paths
    // that carry a secret, such as a verification key).
    bool redact_path = false;
    // A quick read that never waits (no password hash, no write, no long
    // stream): its handler runs on the connection's own event loop, with no
    // hand-over. Other handlers run on the server's worker threads, so that
    // a slow one holds up no other client. (A streamed answer is always
    // written from a worker thread.)
    bool fast = false;
    // The largest request body for this route; 0: the server's max_body.
    // A larger Content-Length is refused (413) before the body is read.
    std::size_t max_body = 0;
};

// One entry per request goes to the log sink (by default a text line on
// stdout: time, method, path, status, ms). The path is the route pattern
// for a redact_path route, and has control characters, spaces, quotes,
// backslashes and non-ASCII bytes escaped as %XX, so that no request can
// forge a log line.
struct LogEntry {
    std::int64_t time_ms = 0;
    std::string method;
    std::string path;
    int status = 0;
    double ms = 0;
    std::string remote_addr;
};
std::string log_line(const LogEntry& e);       // "2026-12-02T05:15:44.123Z GET /eproc/tickets 200 0.4ms"
std::string log_json_line(const LogEntry& e);  // {"time":...,"method":...,"path":...,"status":...,"ms":...,"remote":...}
std::string escape_for_log(std::string_view text);
using LogSink = std::function<void(const LogEntry& entry)>;

// Lines for stdout, written in batches: a line waits at most `flush_ms`, or
// until 64 KiB have gathered (one write call for many requests, where a
// write per request cost a busy host a tenth of its time).
class BatchedStdout {
public:
    explicit BatchedStdout(int flush_ms = 50);
    ~BatchedStdout();  // flushes
    BatchedStdout(const BatchedStdout&) = delete;
    BatchedStdout& operator=(const BatchedStdout&) = delete;
    void line(std::string_view text);
    void flush();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};
// A request log on `out`: text lines (log_line) or JSON lines (log_json_line).
LogSink batched_log(std::shared_ptr<BatchedStdout> out, bool json);

class Server {
public:
    explicit Server(ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Pattern segments in braces are parameters: "/eproc/users/{id}".
    // A trailing slash is not significant ("/eproc/" is "/eproc").
    void route(const std::string& method, const std::string& pattern, Handler handler,
               RouteOptions options = {});
    // The error handler for paths under `prefix` (the longest prefix wins).
    void on_error(const std::string& prefix, ErrorHandler handler);
    void set_log(LogSink sink);

    // Binds the socket; returns the port. Throws std::runtime_error.
    int bind();
    // Serves until stop(); false when the server could not run.
    bool listen();
    // Safe to call from any thread, also before listen() or more than once.
    void stop();

    ServerStats stats() const;

    // The routes, in the order registered (GET /openapi.json is made from them).
    struct RouteInfo {
        std::string method;
        std::string pattern;
        RouteOptions options;
    };
    std::vector<RouteInfo> routes() const;

    struct Impl;  // defined in http_layer.cpp only

private:
    std::unique_ptr<Impl> impl_;
};

// The transport's own words for a status it answers before any handler
// (404, 405, 408, 411, 413, 431, 501, 503; anything else: "bad request").
std::string_view transport_reason(int status);

// Helpers shared by the dialects.
// Appends `value` as a JSON string (quoted, escaped byte for byte as
// boost::json::serialize escapes it).
void append_json_string(std::string& out, std::string_view value);
std::string url_decode(std::string_view text, bool plus_is_space);
Fields parse_urlencoded(std::string_view text);
std::string base64_decode(std::string_view text, bool& ok);

}  // namespace switchboard::host
