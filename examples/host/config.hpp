// switchboard-host: its configuration. Every setting has one name, used
// three ways: a TOML key in the config file (max_body = 1048576), an
// environment variable (SWITCHBOARD_HOST_MAX_BODY=1048576) and a command-line
// option (--max-body 1048576). Defaults, then the file, then the
// environment, then the command line: the last one wins.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace switchboard::host {

struct HostConfig {
    // where and how it listens
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string data = "./var";
    int threads = 4;  // set to max(4, cores) by the defaults
    std::size_t max_body = 1u << 20;
    std::size_t max_upload = 50u << 20;
    std::size_t max_header_bytes = 16u << 10;
    int max_connections = 10000;
    int header_timeout_ms = 10'000;
    int body_timeout_ms = 30'000;
    int write_timeout_ms = 30'000;
    int idle_timeout_ms = 60'000;
    std::size_t compress_min_bytes = 8192;
    int compress_level = 1;
    bool compress_loopback = false;
    std::string cors_origins;  // comma-separated; "*" for any
    std::string tls_cert;      // PEM certificate chain; with tls_key, HTTPS
    std::string tls_key;
    std::string log_format = "text";  // text or json
    // the library
    int page_size = 50;
    int max_page_size = 1000;
    unsigned long long pwhash_opslimit = 2;
    std::size_t pwhash_memlimit = 64u << 20;
    std::string public_url;
    bool demo = true;
    int job_workers = 2;
    long long job_lease_ms = 30'000;
    long long max_backlog_bytes = 256ll << 20;
    long long record_cache_mb = 128;
    std::size_t max_text_bytes = 64u << 10;
    // calls (POST /record/call, docs/speech.md)
    std::string stt = "pocketsphinx";     // the speech-to-text engine, or "none"
    std::string stt_preset = "balanced";  // PocketSphinx's search settings
    int max_call_seconds = 7200;
    long long max_call_bytes = 256ll << 20;  // the two files of one POST /record/call together
    int hold_ms = 10'000;
    std::string redaction = "silence";
    // mail out (docs/mail.md); smtp_url "" sends nothing
    std::string smtp_url;
    std::string smtp_tls = "starttls";
    std::string smtp_username;
    std::string smtp_password;  // never printed by --print-config
    std::string smtp_from;
    std::string smtp_ca_file;
    long long smtp_timeout_ms = 30'000;
    int mail_max_attempts = 60;
    // SMS out through a gateway (docs/messages.md); sms_url "" sends nothing
    std::string sms_url;
    std::string sms_username;
    std::string sms_password;  // never printed by --print-config
    std::string sms_from;
    bool sms_delivery_reports = true;
    long long mail_fetch_ms = 60'000;  // every organisation's mailbox read this often (0: only when asked)
    int max_recipients = 50;             // of one email or SMS
    long long max_attachment_bytes = 10ll << 20;  // each attachment of an email
};

// A setting that could not be read: names the setting and where it came from.
struct ConfigError {
    std::string message;
};

// What the command line asked for besides the settings.
struct HostCommand {
    HostConfig config;
    bool help = false;
    bool print_config = false;
};

// Reads defaults, the config file (--config FILE, or SWITCHBOARD_HOST_CONFIG),
// the environment (`env`: "NAME=value" entries, as environ holds them) and
// the arguments. Throws ConfigError.
HostCommand load_config(int argc, char** argv, const std::vector<std::string>& env);

// The usage text, listing every setting with its default.
std::string config_usage();
// The settings as a TOML document a config file may hold (--print-config).
std::string config_toml(const HostConfig& config);

}  // namespace switchboard::host
