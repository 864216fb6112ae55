// The SMTP sender (mail.hpp) over libcurl's SMTP: one session per message,
// STARTTLS or TLS, authentication, the server's last reply kept.
#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "switchboard/error.hpp"
#include "switchboard/mail.hpp"

namespace switchboard {

namespace {

// libcurl's global set-up, once per process (curl_global_init is not
// thread-safe before 7.84; Debian 12 has 7.88, where it is, but once is enough).
void curl_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
    const std::string* data;
    std::size_t sent = 0;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t n, void* user) {
    auto* u = static_cast<Upload*>(user);
    const std::size_t room = size * n;
    const std::size_t left = u->data->size() - u->sent;
    const std::size_t take = std::min(room, left);
    std::memcpy(buffer, u->data->data() + u->sent, take);
    u->sent += take;
    return take;
}

// The server's replies, as libcurl's debug callback sees them: the last
// complete reply (its lines) is what the result reports.
struct Replies {
    std::string current;  // the reply being read (multi-line replies "250-...")
    std::string last;
    std::string last_refusal;  // the last 4xx or 5xx reply (a refused RCPT is followed by "221 Bye")
};

int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    if (type != CURLINFO_HEADER_IN) return 0;
    auto* r = static_cast<Replies*>(user);
    std::string line(data, size);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (!r->current.empty()) r->current += " ";
    r->current += line;
    // "250-..." continues, "250 ..." ends the reply.
    if (line.size() < 4 || line[3] != '-') {
        if (!r->current.empty() && (r->current[0] == '4' || r->current[0] == '5')) r->last_refusal = r->current;
        r->last = r->current;
        r->current.clear();
    }
    return 0;
}

struct Slist {
    curl_slist* list = nullptr;
    ~Slist() { curl_slist_free_all(list); }
    void add(const std::string& s) {
        curl_slist* next = curl_slist_append(list, s.c_str());
        if (!next) throw Error(ErrorCode::internal, "out of memory");
        list = next;
    }
};

}  // namespace

void SmtpSettings::validate() const {
    const bool smtp = url.rfind("smtp://", 0) == 0, smtps = url.rfind("smtps://", 0) == 0;
    if (!smtp && !smtps) throw Error(ErrorCode::invalid_argument, "the SMTP url starts smtp:// or smtps://", "url");
    if (tls != "starttls" && tls != "none") throw Error(ErrorCode::invalid_argument, "tls is starttls or none", "tls");
    if (username.empty() != password.empty())
        throw Error(ErrorCode::invalid_argument, "give both a username and a password, or neither", "username");
    if (timeout_ms < 1000 || timeout_ms > 600'000)
        throw Error(ErrorCode::invalid_argument, "timeout_ms must be 1000 to 600000", "timeout_ms");
}

SmtpSender::SmtpSender(SmtpSettings settings) : settings_(std::move(settings)) {
    settings_.validate();
    curl_once();
}

SmtpResult SmtpSender::send(const MailMessage& m, std::int64_t date_ms) {
    const std::string text = to_mime(m, date_ms);  // checks the message
    SmtpResult result;
    CURL* curl = curl_easy_init();
    if (!curl) throw Error(ErrorCode::internal, "libcurl could not start a session");
    struct Cleanup {
        CURL* c;
        ~Cleanup() { curl_easy_cleanup(c); }
    } cleanup{curl};

    Slist rcpt;
    for (const auto& a : m.to) rcpt.add("<" + mail_address(a, "to") + ">");
    for (const auto& a : m.cc) rcpt.add("<" + mail_address(a, "cc") + ">");
    Upload upload{&text};
    Replies replies;
    char error[CURL_ERROR_SIZE] = {0};

    curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + mail_address(m.from, "from") + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt.list);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text.size()));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<std::int64_t>(settings_.timeout_ms, 10'000)));
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);  // the debug callback sees the server's replies
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &replies);
    if (settings_.tls == "starttls") curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!settings_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.ca_file.c_str());
    if (!settings_.username.empty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
    }

    const CURLcode rc = curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    result.code = static_cast<int>(code);
    result.accepted = rc == CURLE_OK;
    if (result.accepted) {
        result.reply = replies.last;
    } else {
        // The server's own words when it answered, else the transport's.
        result.reply = !replies.last_refusal.empty() && code >= 400
                           ? replies.last_refusal
                           : std::string(error[0] ? error : curl_easy_strerror(rc));
        result.permanent = code >= 500 && code < 600;
    }
    return result;
}

}  // namespace switchboard
