// switchboard: the commands that manage a data directory (the database that
// switchboard-host serves): `operator create`, `db info`, `db migrate`,
// `jobs`, `jobs run`. Each opens the directory's Switchboard; only `jobs run`
// starts job workers. And `mail test`, which sends one mail with the SMTP
// settings given and prints what the server said.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "switchboard/switchboard.hpp"

namespace switchboard::cli {

namespace {

struct Args {
    std::vector<std::string> words;
    std::map<std::string, std::string> options;
    bool flag(const std::string& name) const { return options.count(name) != 0; }
    std::string get(const std::string& name, const std::string& fallback = {}) const {
        auto it = options.find(name);
        return it == options.end() ? fallback : it->second;
    }
};

Args parse(const std::vector<std::string>& args) {
    Args a;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& s = args[i];
        if (s.rfind("--", 0) == 0) {
            auto eq = s.find('=');
            if (eq != std::string::npos) {
                a.options[s.substr(2, eq - 2)] = s.substr(eq + 1);
            } else if (s == "--password-stdin") {
                a.options[s.substr(2)] = "";
            } else if (i + 1 < args.size()) {
                a.options[s.substr(2)] = args[++i];
            } else {
                throw UsageError("option " + s + " needs a value");
            }
        } else {
            a.words.push_back(s);
        }
    }
    return a;
}

unsigned long long whole_number(const Args& a, const std::string& name) {
    const std::string text = a.get(name);
    std::size_t used = 0;
    unsigned long long v = 0;
    try {
        v = std::stoull(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || text[0] == '-')
        throw UsageError("--" + name + " needs a whole number, not \"" + text + "\"");
    return v;
}

std::string database_path(const Args& a) {
    std::filesystem::path dir = a.get("data", "var");
    std::filesystem::create_directories(dir);
    return (dir / "switchboard.db").string();
}

// The data directory's Switchboard, as the host opens it (files/ beside the
// database), running no job unless `workers` says so.
SwitchboardOptions data_options(const Args& a, int workers = 0) {
    SwitchboardOptions o;
    if (a.flag("pwhash-opslimit")) o.accounts.pwhash_opslimit = whole_number(a, "pwhash-opslimit");
    if (a.flag("pwhash-memlimit")) o.accounts.pwhash_memlimit = whole_number(a, "pwhash-memlimit");
    o.files_dir = (std::filesystem::path(a.get("data", "var")) / "files").string();
    o.jobs.workers = workers;
    return o;
}

void print_counts(const JobCounts& c) {
    std::cout << "queued " << c.queued << "\nrunning " << c.running << "\ndone " << c.done << "\nfailed " << c.failed
              << "\n";
}

int operator_create(const Args& a) {
    const std::string username = a.get("username"), email = a.get("email");
    if (username.empty() || email.empty()) throw UsageError("operator create needs --username and --email");
    std::string password = a.get("password");
    if (a.flag("password-stdin")) std::getline(std::cin, password);
    if (password.empty()) {
        if (const char* env = std::getenv("SWITCHBOARD_PASSWORD")) password = env;
    }
    if (password.empty())
        throw UsageError("give the password with --password, --password-stdin or SWITCHBOARD_PASSWORD");
    Switchboard sb(database_path(a), data_options(a));
    auto user = sb.accounts().create_operator(username, email, password);
    std::cout << "operator created: id=" << user.id << " username=" << user.username << " email=" << user.email
              << "\n";
    return kExitOk;
}

int db_info(const Args& a) {
    Switchboard sb(database_path(a), data_options(a));
    std::cout << "database: " << sb.path() << "\nschema version: " << sb.database().schema_version() << " (latest "
              << Database::latest_schema_version() << ")\n";
    return kExitOk;
}

// The database's jobs by state (docs/jobs.md).
int jobs_status(const Args& a) {
    Switchboard sb(database_path(a), data_options(a));
    print_counts(sb.jobs().database_counts());
    return kExitOk;
}

// Runs the queued jobs (and those whose worker died, once their lease has
// expired) until none is left or --timeout seconds pass; exit 1 then.
int jobs_run(const Args& a) {
    const auto timeout = a.flag("timeout") ? whole_number(a, "timeout") : 600;
    const int workers = a.flag("workers") ? static_cast<int>(whole_number(a, "workers")) : 2;
    if (workers < 1 || workers > 64) throw UsageError("--workers must be between 1 and 64");
    Switchboard sb(database_path(a), data_options(a, workers));
    const bool idle = sb.jobs().drain(std::chrono::seconds(timeout));
    print_counts(sb.jobs().database_counts());
    if (!idle) {
        std::cerr << "switchboard: jobs are still queued or running after " << timeout << " s\n";
        return kExitFailed;
    }
    return kExitOk;
}

// The host's setting from its environment (SWITCHBOARD_HOST_SMTP_URL ...),
// or `fallback`.
std::string host_setting(const char* name, const std::string& fallback = {}) {
    const char* v = std::getenv((std::string("SWITCHBOARD_HOST_") + name).c_str());
    return v ? std::string(v) : fallback;
}

// Sends a test mail (docs/mail.md): exit 0 when the server accepted it. The
// settings are the host's, from the environment it is configured with
// (SWITCHBOARD_HOST_SMTP_URL, _SMTP_TLS, _SMTP_USERNAME, _SMTP_PASSWORD,
// _SMTP_FROM); the command line's options override them.
int mail_test(const Args& a) {
    const std::string to = a.get("to");
    if (to.empty()) throw UsageError("mail test needs --to ADDRESS");
    SmtpSettings s;
    s.url = a.get("smtp-url", host_setting("SMTP_URL"));
    if (s.url.empty())
        throw UsageError("mail test needs --smtp-url smtp://HOST:PORT (or smtps://), or SWITCHBOARD_HOST_SMTP_URL");
    s.tls = a.get("smtp-tls", host_setting("SMTP_TLS", "starttls"));
    s.username = a.get("smtp-username", host_setting("SMTP_USERNAME"));
    s.password = host_setting("SMTP_PASSWORD");
    if (const char* env = std::getenv("SWITCHBOARD_SMTP_PASSWORD")) s.password = env;
    if (a.flag("timeout")) s.timeout_ms = static_cast<std::int64_t>(whole_number(a, "timeout")) * 1000;
    MailMessage m;
    m.from = a.get("from", host_setting("SMTP_FROM", "switchboard@localhost.localdomain"));
    m.to = {to};
    m.subject = "switchboard test mail";
    m.text = "This mail was sent by `switchboard mail test` to check the SMTP settings.\n";
    SmtpSender sender(s);
    const SmtpResult r = sender.send(m, now_ms());
    if (r.accepted) {
        std::cout << "accepted: " << printable_text(r.reply) << "\n";
        return kExitOk;
    }
    std::cout << (r.permanent ? "refused: " : "not sent, try again: ") << printable_text(r.reply) << "\n";
    return kExitFailed;
}

}  // namespace

int run_data_command(const std::vector<std::string>& args) {
    Args a = parse(args);
    const std::string cmd = a.words.empty() ? "" : a.words[0] + (a.words.size() > 1 ? " " + a.words[1] : "");
    if (cmd == "operator create") return operator_create(a);
    if (cmd == "db info" || cmd == "db migrate") return db_info(a);
    if (cmd == "jobs" || cmd == "jobs status") return jobs_status(a);
    if (cmd == "jobs run") return jobs_run(a);
    if (cmd == "mail test") return mail_test(a);
    throw UsageError("unknown command \"" + cmd + "\"");
}

}  // namespace switchboard::cli
