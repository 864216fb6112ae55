// The IMAP mailbox reader (mail.hpp) over libcurl: UID SEARCH for what is
// new, a fetch by UID for each message.
#include <curl/curl.h>

#include <algorithm>

#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "switchboard/error.hpp"
#include "switchboard/mail.hpp"

namespace switchboard {

namespace {

std::size_t keep(char* data, std::size_t size, std::size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

}  // namespace

void ImapSettings::validate() const {
    if (url.rfind("imap://", 0) != 0 && url.rfind("imaps://", 0) != 0)
        throw Error(ErrorCode::invalid_argument, "the IMAP url starts imap:// or imaps://", "imap_url");
    if (tls != "starttls" && tls != "none")
        throw Error(ErrorCode::invalid_argument, "imap_tls is starttls or none", "imap_tls");
    if (username.empty() || password.empty())
        throw Error(ErrorCode::invalid_argument, "a mailbox needs a username and a password", "imap_username");
    if (timeout_ms < 1000 || timeout_ms > 600'000)
        throw Error(ErrorCode::invalid_argument, "imap_timeout_ms must be 1000 to 600000", "imap_timeout_ms");
}

ImapMailbox::ImapMailbox(ImapSettings settings) : settings_(std::move(settings)) {
    settings_.validate();
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string ImapMailbox::run(const std::string& url, const std::string& command) {
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) throw Error(ErrorCode::internal, "libcurl could not start a session");
    std::string out;
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PASSWORD, settings_.password.c_str());
    if (!command.empty()) curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, command.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
    if (settings_.tls == "starttls") curl_easy_setopt(curl.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    const CURLcode rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK)
        throw std::runtime_error("IMAP " + settings_.url + ": " + std::string(error[0] ? error : curl_easy_strerror(rc)));
    return out;
}

std::vector<std::int64_t> ImapMailbox::uids_after(std::int64_t last_uid) {
    // "UID n:*" always includes the highest UID, even below n: filtered here.
    const std::string answer = run(settings_.url, "UID SEARCH UID " + std::to_string(last_uid + 1) + ":*");
    std::vector<std::int64_t> uids;
    std::istringstream lines(answer);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("* SEARCH", 0) != 0) continue;
        std::istringstream words(line.substr(8));
        std::int64_t uid = 0;
        while (words >> uid)
            if (uid > last_uid) uids.push_back(uid);
    }
    std::sort(uids.begin(), uids.end());
    return uids;
}

std::string ImapMailbox::fetch(std::int64_t uid) {
    return run(settings_.url + ";UID=" + std::to_string(uid), "");
}

}  // namespace switchboard
