// The SMS gateway adapter over libcurl: Kannel's sendsms
// (https://www.kannel.org/download/1.4.5/userguide-1.4.5/userguide.html#AEN4623):
// GET <url>?username&password&from&to&text&charset=UTF-8&coding=2&dlr-mask&dlr-url.
#include "comms/sms_gateway.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "switchboard/error.hpp"

namespace switchboard {

namespace {

std::size_t keep_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* body = static_cast<std::string*>(user);
    if (body->size() < 4096) body->append(data, size * n);
    return size * n;
}

// True when every character is in GSM 03.38's default alphabet's ASCII part
// (so the gateway may send 7-bit); anything else goes as UCS-2 (coding=2).
bool plain_gsm(std::string_view s) {
    for (const unsigned char c : s)
        if (c >= 0x80 || (c < 0x20 && c != '\n' && c != '\r') || c == '`' || c == '^' || c == '{' || c == '}' ||
            c == '[' || c == ']' || c == '~' || c == '\\' || c == '|')
            return false;
    return true;
}

}  // namespace

SmsGateway::SmsGateway(const SmsGatewayOptions& options) : options_(options) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

SmsSendResult SmsGateway::send(std::string_view to, std::string_view text, std::string_view dlr_url) {
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) throw Error(ErrorCode::internal, "libcurl could not start a session");
    auto escape = [&](std::string_view v) {
        char* e = curl_easy_escape(curl.get(), v.data(), static_cast<int>(v.size()));
        std::string out(e ? e : "");
        curl_free(e);
        return out;
    };
    std::string url = options_.url + (options_.url.find('?') == std::string::npos ? "?" : "&");
    url += "username=" + escape(options_.username) + "&password=" + escape(options_.password);
    if (!options_.from.empty()) url += "&from=" + escape(options_.from);
    url += "&to=" + escape(to) + "&text=" + escape(text) + "&charset=UTF-8";
    if (!plain_gsm(text)) url += "&coding=2";
    if (!dlr_url.empty()) url += "&dlr-mask=31&dlr-url=" + escape(dlr_url);

    std::string body;
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
    const CURLcode rc = curl_easy_perform(curl.get());
    SmsSendResult r;
    if (rc != CURLE_OK) {
        r.reply = error[0] ? error : curl_easy_strerror(rc);
        return r;
    }
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    r.status = static_cast<int>(status);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) body.pop_back();
    r.reply = "HTTP " + std::to_string(status) + (body.empty() ? "" : ": " + body);
    r.accepted = status >= 200 && status < 300;
    r.permanent = status >= 400 && status < 500 && status != 408 && status != 429;
    return r;
}

}  // namespace switchboard
