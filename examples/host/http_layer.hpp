// switchboard-host: the small request/response layer between the HTTP
// library (cpp-httplib) and the dialect handlers. Handlers see only Request
// and Response; the library stays behind Server's pimpl.
#pragma once

#include <cstddef>
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

    static Response json(int status, std::string body);
    static Response streamed(std::string content_type, BodyWriter writer, long long length = -1);
    static Response redirect(const std::string& location, int status = 302);
};

using Handler = std::function<Response(const Request&)>;
// Answers a request that reached no handler: status is 404 (no route), 405
// (the path exists for another method), 413 (body over the limit) or 400
// (a request the server could not read).
using ErrorHandler = std::function<Response(const Request&, int status)>;

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080;          // 0: any free port
    int threads = 4;
    std::size_t max_body = 1u << 20;
};

struct RouteOptions {
    // The request log shows the route pattern instead of the path (for paths
    // that carry a secret, such as a verification key).
    bool redact_path = false;
    // The largest request body for this route; 0: the server's max_body.
    // A larger Content-Length is refused (413) before the body is read.
    std::size_t max_body = 0;
};

// One line per request goes to the log sink: time, method, path, status, ms.
using LogSink = std::function<void(const std::string& line)>;

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

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Helpers shared by the dialects.
std::string url_decode(std::string_view text, bool plus_is_space);
Fields parse_urlencoded(std::string_view text);
std::string base64_decode(std::string_view text, bool& ok);

}  // namespace switchboard::host
