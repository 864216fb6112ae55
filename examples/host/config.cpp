// switchboard-host: the settings table behind the config file, the
// environment and the command line.
#include "config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "switchboard/facade.hpp"

namespace switchboard::host {

namespace {

enum class Kind { text, number, flag };

struct Setting {
    std::string name;  // the TOML key; --name-with-dashes; SWITCHBOARD_HOST_NAME
    Kind kind;
    std::string help;
    std::function<void(HostConfig&, const std::string& value, const std::string& where)> set;
    std::function<std::string(const HostConfig&)> get;
};

std::string option_of(const std::string& name) {
    std::string o = "--" + name;
    std::replace(o.begin(), o.end(), '_', '-');
    return o;
}

std::string env_of(const std::string& name) {
    std::string e = "SWITCHBOARD_HOST_" + name;
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::toupper(c); });
    return e;
}

unsigned long long whole(const std::string& value, const std::string& where, unsigned long long min,
                         unsigned long long max) {
    if (value.empty() || value.size() > 19 ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw ConfigError{where + " expects a whole number, got \"" + value + "\""};
    const unsigned long long n = std::stoull(value);
    if (n < min || n > max)
        throw ConfigError{where + " must be between " + std::to_string(min) + " and " + std::to_string(max)};
    return n;
}

template <class T>
Setting number(std::string name, T HostConfig::*member, unsigned long long min, unsigned long long max,
               std::string help) {
    return Setting{std::move(name), Kind::number, std::move(help),
                   [member, min, max](HostConfig& c, const std::string& v, const std::string& where) {
                       c.*member = static_cast<T>(whole(v, where, min, max));
                   },
                   [member](const HostConfig& c) { return std::to_string(c.*member); }};
}

Setting text(std::string name, std::string HostConfig::*member, std::string help,
             std::vector<std::string> allowed = {}) {
    return Setting{std::move(name), Kind::text, std::move(help),
                   [member, allowed](HostConfig& c, const std::string& v, const std::string& where) {
                       if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
                           std::string list;
                           for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
                           throw ConfigError{where + " must be one of " + list + ", got \"" + v + "\""};
                       }
                       c.*member = v;
                   },
                   [member](const HostConfig& c) { return c.*member; }};
}

Setting flag(std::string name, bool HostConfig::*member, std::string help) {
    return Setting{std::move(name), Kind::flag, std::move(help),
                   [member](HostConfig& c, const std::string& v, const std::string& where) {
                       if (v == "true" || v == "1") c.*member = true;
                       else if (v == "false" || v == "0") c.*member = false;
                       else throw ConfigError{where + " expects true or false, got \"" + v + "\""};
                   },
                   [member](const HostConfig& c) { return std::string(c.*member ? "true" : "false"); }};
}

const std::vector<Setting>& settings() {
    static const std::vector<Setting> all = {
        text("host", &HostConfig::host, "address to listen on"),
        number("port", &HostConfig::port, 0, 65535, "port (0 picks a free port and prints it)"),
        text("data", &HostConfig::data, "data directory: switchboard.db and files/"),
        number("threads", &HostConfig::threads, 1, 1024,
               "threads that serve requests (by default the number of cores, at least 4)"),
        number("max_body", &HostConfig::max_body, 1, 1ull << 34, "largest request body accepted, in bytes"),
        number("max_upload", &HostConfig::max_upload, 1, 1ull << 34, "largest file POST /eproc/files accepts"),
        number("max_header_bytes", &HostConfig::max_header_bytes, 1024, 1u << 20,
               "largest request line and headers, together"),
        number("max_connections", &HostConfig::max_connections, 1, 1'000'000,
               "open connections at most; past it a new one is answered 503"),
        number("header_timeout_ms", &HostConfig::header_timeout_ms, 100, 3'600'000,
               "time a request's headers may take to arrive"),
        number("body_timeout_ms", &HostConfig::body_timeout_ms, 100, 3'600'000,
               "time a request's body may take to arrive"),
        number("write_timeout_ms", &HostConfig::write_timeout_ms, 100, 3'600'000,
               "time a client may take to take an answer (or a piece of a streamed one)"),
        number("idle_timeout_ms", &HostConfig::idle_timeout_ms, 100, 86'400'000,
               "time a kept-alive connection may wait for its next request"),
        number("compress_min_bytes", &HostConfig::compress_min_bytes, 0, 1ull << 34,
               "answers this large or larger go gzip-compressed to clients that accept it (0: never)"),
        number("compress_level", &HostConfig::compress_level, 1, 9, "gzip level (1 fastest, 9 smallest)"),
        flag("compress_loopback", &HostConfig::compress_loopback,
             "compress answers to clients on this machine too (where it only adds time)"),
        text("tls_cert", &HostConfig::tls_cert, "HTTPS: the PEM certificate chain (with --tls-key)"),
        text("tls_key", &HostConfig::tls_key, "HTTPS: the PEM private key of the certificate"),
        text("cors_origins", &HostConfig::cors_origins,
             "origins whose pages may call the host (CORS), comma-separated; * for any"),
        text("log_format", &HostConfig::log_format, "request log on stdout: text or json", {"text", "json"}),
        number("page_size", &HostConfig::page_size, 1, 1'000'000, "records per page when a list asks for none"),
        number("max_page_size", &HostConfig::max_page_size, 1, 1'000'000, "most records a list may ask for"),
        number("pwhash_opslimit", &HostConfig::pwhash_opslimit, 1, 1u << 20,
               "Argon2id passes (libsodium's minimum is 1)"),
        number("pwhash_memlimit", &HostConfig::pwhash_memlimit, 8192, 1ull << 34,
               "Argon2id memory in bytes (minimum 8192)"),
        text("public_url", &HostConfig::public_url, "base of the links in emails (default http://HOST:PORT)"),
        flag("demo", &HostConfig::demo, "create the demo organisation on first start (--no-demo: false)"),
        number("job_workers", &HostConfig::job_workers, 0, 64,
               "threads running background jobs (0: this host only queues them)"),
        number("job_lease_ms", &HostConfig::job_lease_ms, 100, 86'400'000,
               "how long a claimed job is held before another worker may take it"),
        number("max_backlog_bytes", &HostConfig::max_backlog_bytes, 1, 1ull << 40,
               "payload bytes the jobs' backlog holds; past it new work is answered \"busy\""),
        number("record_cache_mb", &HostConfig::record_cache_mb, 0, 1ll << 20,
               "memory for tickets kept between reads, in MiB (0: none; a read of a kept ticket takes no query)"),
        number("max_text_bytes", &HostConfig::max_text_bytes, 1, 16ull << 20, "longest TextContent accepted"),
        text("stt", &HostConfig::stt,
             "speech-to-text of calls: pocketsphinx (Debian's en-us model) or none (calls analysed acoustically)",
             {"pocketsphinx", "none"}),
        text("stt_preset", &HostConfig::stt_preset, "PocketSphinx's search settings", {"accurate", "balanced", "fast"}),
        number("max_call_seconds", &HostConfig::max_call_seconds, 1, 86'400, "longest call recording accepted"),
        number("max_call_bytes", &HostConfig::max_call_bytes, 1024, 1ll << 34,
               "largest POST /record/call body (both channel files)"),
        number("hold_ms", &HostConfig::hold_ms, 100, 3'600'000, "both parties silent this long is a hold"),
        text("redaction", &HostConfig::redaction, "how card data is covered in stored recordings",
             {"silence", "tone"}),
        text("smtp_url", &HostConfig::smtp_url,
             "mail out: smtp://HOST:587 or smtps://HOST:465 (\"\": mails wait in the outbox, unsent)"),
        text("smtp_tls", &HostConfig::smtp_tls, "smtp:// must switch to TLS first (starttls) or not (none)",
             {"starttls", "none"}),
        text("smtp_username", &HostConfig::smtp_username, "SMTP authentication: the user (with smtp_password)"),
        text("smtp_password", &HostConfig::smtp_password,
             "SMTP authentication: the password (best from the environment; never printed)"),
        text("smtp_from", &HostConfig::smtp_from, "From of the mails (default switchboard <no-reply@HOST's name>)"),
        text("smtp_ca_file", &HostConfig::smtp_ca_file, "CA bundle for the SMTP server's certificate (default the system's)"),
        number("smtp_timeout_ms", &HostConfig::smtp_timeout_ms, 1000, 600'000, "time one SMTP session may take"),
        number("mail_max_attempts", &HostConfig::mail_max_attempts, 1, 1000,
               "SMTP sessions a mail is given before it fails for good"),
        text("sms_url", &HostConfig::sms_url,
             "SMS out: the gateway's sendsms URL, e.g. http://127.0.0.1:13013/cgi-bin/sendsms (\"\": none)"),
        text("sms_username", &HostConfig::sms_username, "the gateway's sendsms user"),
        text("sms_password", &HostConfig::sms_password, "its password (best from the environment; never printed)"),
        text("sms_from", &HostConfig::sms_from, "the sender id or number of the SMS"),
        flag("sms_delivery_reports", &HostConfig::sms_delivery_reports,
             "ask the gateway for delivery reports at PUBLIC_URL/eproc/sms/dlr"),
        number("mail_fetch_ms", &HostConfig::mail_fetch_ms, 0, 86'400'000,
               "how often the organisations' IMAP mailboxes are read into tickets (0: only when asked)"),
        number("max_recipients", &HostConfig::max_recipients, 1, 10'000, "recipients of one email or SMS at most"),
        number("max_attachment_bytes", &HostConfig::max_attachment_bytes, 1, 1ll << 34,
               "largest attachment of an email, in bytes"),
    };
    return all;
}

const Setting* find_setting(const std::string& name) {
    for (const auto& s : settings())
        if (s.name == name) return &s;
    return nullptr;
}

HostConfig defaults() {
    HostConfig c;
    c.threads = static_cast<int>(std::max(4u, std::thread::hardware_concurrency()));
    c.pwhash_opslimit = AccountsOptions{}.pwhash_opslimit;
    c.pwhash_memlimit = AccountsOptions{}.pwhash_memlimit;
    c.job_workers = JobsOptions{}.workers;
    c.job_lease_ms = JobsOptions{}.lease_ms;
    c.max_backlog_bytes = JobsOptions{}.max_backlog_bytes;
    c.max_text_bytes = InteractionOptions{}.max_text_bytes;
    return c;
}

void read_file(HostConfig& c, const std::string& path) {
    toml::table table;
    try {
        table = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        std::ostringstream where;
        where << e.source().begin;
        throw ConfigError{"config file " + path + ": " + std::string(e.description()) + " (" + where.str() + ")"};
    }
    for (const auto& [key, node] : table) {
        const std::string name(key.str());
        const Setting* s = find_setting(name);
        const std::string where = "config file " + path + ": " + name;
        if (!s) throw ConfigError{"config file " + path + ": unknown setting " + name};
        std::string value;
        if (auto v = node.value_exact<std::string>(); v && s->kind == Kind::text) value = *v;
        else if (auto i = node.value_exact<std::int64_t>(); i && s->kind == Kind::number) {
            if (*i < 0) throw ConfigError{where + " must not be negative"};
            value = std::to_string(*i);
        } else if (auto b = node.value_exact<bool>(); b && s->kind == Kind::flag) value = *b ? "true" : "false";
        else
            throw ConfigError{where + " expects " +
                              (s->kind == Kind::text ? "a string" : s->kind == Kind::number ? "an integer" : "true or false")};
        s->set(c, value, where);
    }
}

}  // namespace

HostCommand load_config(int argc, char** argv, const std::vector<std::string>& env) {
    HostCommand cmd;
    cmd.config = defaults();

    // The config file first: --config on the command line, else SWITCHBOARD_HOST_CONFIG.
    std::optional<std::string> file;
    for (const auto& e : env)
        if (e.rfind("SWITCHBOARD_HOST_CONFIG=", 0) == 0) file = e.substr(24);
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--config") {
            if (i + 1 >= argc) throw ConfigError{"--config needs a value"};
            file = argv[i + 1];
        } else if (arg.rfind("--config=", 0) == 0) {
            file = arg.substr(9);
        }
    }
    if (file) read_file(cmd.config, *file);

    for (const auto& e : env) {
        const auto eq = e.find('=');
        if (eq == std::string::npos || e.rfind("SWITCHBOARD_HOST_", 0) != 0) continue;
        const std::string var = e.substr(0, eq);
        if (var == "SWITCHBOARD_HOST_CONFIG") continue;
        const Setting* found = nullptr;
        for (const auto& s : settings())
            if (env_of(s.name) == var) found = &s;
        if (!found) throw ConfigError{"unknown setting in the environment: " + var};
        found->set(cmd.config, e.substr(eq + 1), var);
    }

    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::optional<std::string> inline_value;
        if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = arg.substr(eq + 1);
            arg.resize(eq);
        }
        auto value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= argc) throw ConfigError{arg + " needs a value"};
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            cmd.help = true;
            continue;
        }
        if (arg == "--print-config" && !inline_value) {
            cmd.print_config = true;
            continue;
        }
        if (arg == "--config") {
            value();
            continue;
        }
        if (arg == "--no-demo" && !inline_value) {
            cmd.config.demo = false;
            continue;
        }
        const Setting* found = nullptr;
        for (const auto& s : settings())
            if (option_of(s.name) == arg) found = &s;
        if (!found) throw ConfigError{"unknown option " + arg};
        found->set(cmd.config, found->kind == Kind::flag && !inline_value ? "true" : value(), arg);
    }
    if (cmd.config.page_size > cmd.config.max_page_size)
        throw ConfigError{"page_size (--page-size) must not be above max_page_size (--max-page-size)"};
    return cmd;
}

std::string config_usage() {
    const HostConfig d = defaults();
    std::string out =
        "usage: switchboard-host [--config FILE] [options]\n"
        "\n"
        "Serves the OctaPy endpoints (/signUp, /settings/..., /userMgmt/..., /activities/...,\n"
        "/record/text, /report/{Ricket}), the OpenCHS endpoints (/eproc/...: users, tickets,\n"
        "QA, calls, files, stats, the live feed /eproc/events) and /health, /metrics\n"
        "over one switchboard database.\n"
        "\n"
        "Every setting is also a key of the TOML config file (--config FILE or\n"
        "SWITCHBOARD_HOST_CONFIG) and an environment variable: --max-body is max_body in the\n"
        "file and SWITCHBOARD_HOST_MAX_BODY in the environment. The command line wins over the\n"
        "environment, which wins over the file.\n"
        "\n"
        "options:\n";
    for (const auto& s : settings()) {
        std::string left = "  " + option_of(s.name) + (s.kind == Kind::flag ? "[=BOOL]" : " VALUE");
        left.resize(std::max<std::size_t>(left.size() + 1, 30), ' ');
        const std::string def = s.get(d);
        out += left + s.help + (def.empty() ? "" : " (default " + def + ")") + "\n";
    }
    out +=
        "  --no-demo                   the same as --demo=false\n"
        "  --config FILE               read settings from a TOML file\n"
        "  --print-config              print the settings in effect, as a config file, and exit\n"
        "  --help                      show this help and exit\n"
        "\n"
        "On first start (no database yet) a demo organisation and its admin are created and\n"
        "the admin's login is printed once. SIGINT or SIGTERM stops the server cleanly.\n";
    return out;
}

std::string config_toml(const HostConfig& config) {
    std::string out = "# switchboard-host settings (switchboard-host --print-config)\n";
    for (const auto& s : settings()) {
        const std::string v = s.get(config);
        if (s.name == "smtp_password" || s.name == "sms_password") {
            out += "# " + s.name + " is " + (v.empty() ? "not set" : "set (not shown)") + "\n";
            continue;
        }
        if (s.kind == Kind::text) {
            std::string quoted = "\"";
            for (const char c : v) {
                if (c == '"' || c == '\\') quoted += '\\';
                quoted += c;
            }
            out += s.name + " = " + quoted + "\"\n";
        } else {
            out += s.name + " = " + v + "\n";
        }
    }
    return out;
}

}  // namespace switchboard::host
