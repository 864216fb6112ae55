// switchboard-host: the sample HTTP server. Serves the OctaPy endpoints at
// the root and the OpenCHS endpoints under /eproc/, over one database.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "config.hpp"
#include "dialect.hpp"
#include "http_layer.hpp"
#include "octapy_text.hpp"
#include "switchboard/error.hpp"
#include "switchboard/facade.hpp"

namespace host = switchboard::host;

namespace {

using namespace switchboard;

// The demo organisation: the host vouches for its admin's address, so the
// sign-up is marked verified and no verification email is written.
void create_demo(Accounts& accounts) {
    SignUp request;
    request.company_name = "Demo Helpline";
    request.email = "admin@demo.switchboard.example";
    request.phone = "+15550100100";
    request.password = generate_password();
    request.email_verified = true;
    accounts.sign_up(request);
    std::printf("demo admin: email=%s password=%s\n", request.email.c_str(), request.password.c_str());
    std::fflush(stdout);
}

int run(const host::HostConfig& o) {
    namespace fs = std::filesystem;
    const fs::path data(o.data);
    fs::create_directories(data / "files");
    const fs::path db_path = data / "switchboard.db";
    const bool first_start = !fs::exists(db_path);

    host::ServerOptions so;
    so.host = o.host;
    so.port = o.port;
    so.threads = o.threads;
    so.max_body = o.max_body;
    so.max_header = o.max_header_bytes;
    so.max_connections = o.max_connections;
    so.header_timeout_ms = o.header_timeout_ms;
    so.body_timeout_ms = o.body_timeout_ms;
    so.write_timeout_ms = o.write_timeout_ms;
    so.idle_timeout_ms = o.idle_timeout_ms;
    so.compress_min_bytes = o.compress_min_bytes;
    so.compress_level = o.compress_level;
    so.compress_loopback = o.compress_loopback;
    so.tls_cert_file = o.tls_cert;
    so.tls_key_file = o.tls_key;
    for (std::size_t i = 0; i < o.cors_origins.size();) {
        const std::size_t comma = std::min(o.cors_origins.find(',', i), o.cors_origins.size());
        std::string origin = o.cors_origins.substr(i, comma - i);
        origin.erase(0, origin.find_first_not_of(' '));
        origin.erase(origin.find_last_not_of(' ') + 1);
        if (!origin.empty()) so.cors_origins.push_back(origin);
        i = comma + 1;
    }
    host::Server server(so);
    const int port = server.bind();
    // The request log: a line a request, written to stdout in batches.
    auto log_out = std::make_shared<host::BatchedStdout>();
    server.set_log(host::batched_log(log_out, o.log_format == "json"));
    const std::string url_host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
    const std::string base_url = std::string(o.tls_cert.empty() ? "http" : "https") + "://" + url_host + ":" + std::to_string(port);

    SwitchboardOptions sbo;
    sbo.accounts.pwhash_opslimit = o.pwhash_opslimit;
    sbo.accounts.pwhash_memlimit = o.pwhash_memlimit;
    sbo.accounts.list_limits = ListLimits{o.page_size, o.max_page_size};
    sbo.accounts.public_url = o.public_url.empty() ? base_url : o.public_url;
    sbo.files_dir = (data / "files").string();
    sbo.max_file_bytes = static_cast<std::int64_t>(o.max_upload);
    sbo.interactions.max_text_bytes = o.max_text_bytes;
    sbo.interactions.max_call_seconds = o.max_call_seconds;
    sbo.interactions.hold_min_ms = o.hold_ms;
    sbo.interactions.redaction = o.redaction;
    if (o.stt == "pocketsphinx") {
        PocketSphinxOptions stt;
        stt.preset = o.stt_preset;
        stt.max_idle_decoders = std::max(1, o.job_workers);
        try {
            sbo.interactions.transcriber = make_pocketsphinx(stt);
        } catch (const Error& e) {
            throw Error(e.code(), std::string(e.what()) + " (setting stt; --stt none analyses calls without it)",
                        "stt");
        }
    }
    sbo.jobs.workers = o.job_workers;
    sbo.jobs.lease_ms = o.job_lease_ms;
    sbo.jobs.max_backlog_bytes = o.max_backlog_bytes;
    sbo.database.record_cache_bytes = static_cast<std::size_t>(o.record_cache_mb) << 20;
    sbo.mail.smtp.url = o.smtp_url;
    sbo.mail.smtp.tls = o.smtp_tls;
    sbo.mail.smtp.username = o.smtp_username;
    sbo.mail.smtp.password = o.smtp_password;
    sbo.mail.smtp.ca_file = o.smtp_ca_file;
    sbo.mail.smtp.timeout_ms = o.smtp_timeout_ms;
    sbo.mail.max_attempts = o.mail_max_attempts;
    if (!o.smtp_from.empty()) sbo.mail.from = o.smtp_from;
    sbo.messages.sms.url = o.sms_url;
    sbo.messages.sms.username = o.sms_username;
    sbo.messages.sms.password = o.sms_password;
    sbo.messages.sms.from = o.sms_from;
    sbo.messages.mail_fetch_ms = o.mail_fetch_ms;
    sbo.messages.max_recipients = o.max_recipients;
    sbo.messages.max_attachment_bytes = o.max_attachment_bytes;
    if (o.sms_delivery_reports) sbo.messages.sms.dlr_url = sbo.accounts.public_url + "/eproc/sms/dlr";
    try {
        sbo.messages.validate();
        sbo.mail.validate();
    } catch (const Error& e) {  // names the setting
        throw Error(e.code(), std::string(e.what()) + " (setting " + e.field() + ")", e.field());
    }
    // The modules, the job workers (which pick up what a previous run left
    // queued or running) and the events, over one database.
    Switchboard sb(db_path.string(), sbo);

    if (first_start && o.demo) create_demo(sb.accounts());

    host::Context ctx(sb);
    host::register_octapy(server, ctx);
    host::TextContext text_ctx{ctx, o.max_text_bytes, o.max_body, static_cast<std::size_t>(o.max_call_bytes),
                               static_cast<double>(o.max_call_seconds)};
    host::register_octapy_text(server, text_ctx);
    host::register_openchs(server, ctx);
    host::register_deepcall(server, ctx);
    host::register_comm100(server, ctx);
    host::register_operations(server, ctx);
    server.on_error("/", host::octapy_transport_error);
    server.on_error("/eproc", host::openchs_transport_error);

    // SIGINT and SIGTERM are blocked in every thread (set in main before any
    // thread starts) and taken here, outside signal-handler context.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    std::atomic<bool> served{false};
    std::atomic<bool> signalled{false};
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        if (served) return;  // woken by run() after the server ended by itself
        signalled = true;
        std::printf("stopping (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
        std::fflush(stdout);
        // stop() only takes effect once the server runs: retry until it has ended.
        while (!served) {
            server.stop();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });

    std::printf("listening on %s\n", base_url.c_str());
    std::fflush(stdout);
    const bool ok = server.listen();
    log_out->flush();
    served = true;
    if (!signalled) pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    if (!ok && !signalled) {
        std::fprintf(stderr, "switchboard-host: the server stopped unexpectedly\n");
        return 1;
    }
    // The job workers stop (a running job is given a moment to end; what is
    // queued stays queued for the next start), then events and the activity
    // log are stored and the database is closed, as `sb` goes.
    std::printf("stopped\n");
    std::fflush(stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    host::HostCommand cmd;
    try {
        std::vector<std::string> env;
        for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
        cmd = host::load_config(argc, argv, env);
    } catch (const host::ConfigError& e) {
        std::fprintf(stderr, "switchboard-host: %s\n(see --help)\n", e.message.c_str());
        return 2;
    }
    if (cmd.help) {
        std::fputs(host::config_usage().c_str(), stdout);
        return 0;
    }
    if (cmd.print_config) {
        std::fputs(host::config_toml(cmd.config).c_str(), stdout);
        return 0;
    }
    const host::HostConfig& options = cmd.config;

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    try {
        return run(options);
    } catch (const switchboard::Error& e) {
        std::fprintf(stderr, "switchboard-host: %s (%s)\n", e.what(), std::string(to_string(e.code())).c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "switchboard-host: %s\n", e.what());
    }
    return 1;
}
