// switchboard-host: the sample HTTP server. Serves the OctaPy endpoints at
// the root and the OpenCHS endpoints under /eproc/, over one database.
#include <pthread.h>
#include <signal.h>

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

#include "dialect.hpp"
#include "http_layer.hpp"
#include "octapy_text.hpp"
#include "switchboard/error.hpp"
#include "switchboard/facade.hpp"

namespace {

using namespace switchboard;

struct Options {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string data = "./var";
    int threads = static_cast<int>(std::max(4u, std::thread::hardware_concurrency()));
    std::size_t max_body = 1u << 20;
    std::size_t max_upload = 50u << 20;
    int page_size = 50;
    int max_page_size = 1000;
    unsigned long long pwhash_opslimit = AccountsOptions{}.pwhash_opslimit;
    std::size_t pwhash_memlimit = AccountsOptions{}.pwhash_memlimit;
    std::string public_url;
    bool demo = true;
    int job_workers = JobsOptions{}.workers;
    long long job_lease_ms = JobsOptions{}.lease_ms;
    long long max_backlog_bytes = JobsOptions{}.max_backlog_bytes;
    std::size_t max_text_bytes = InteractionOptions{}.max_text_bytes;
};

const char* kUsage =
    "usage: switchboard-host [options]\n"
    "\n"
    "Serves the OctaPy endpoints (/signUp, /settings/..., /userMgmt/..., /activities/...,\n"
    "/record/text, /report/{Ricket})\n"
    "and the OpenCHS endpoints (/eproc/...: users, tickets, QA, calls, files, stats)\n"
    "over one switchboard database.\n"
    "\n"
    "options:\n"
    "  --host ADDR             address to listen on (default 127.0.0.1)\n"
    "  --port N                port (default 8080; 0 picks a free port and prints it)\n"
    "  --data DIR              data directory: switchboard.db and files/ (default ./var)\n"
    "  --threads N             worker threads (default: the number of cores, at least 4)\n"
    "  --max-body BYTES        largest request body accepted (default 1048576)\n"
    "  --max-upload BYTES      largest file accepted by POST /eproc/files (default 52428800)\n"
    "  --page-size N           records per page when a list asks for none (default 50)\n"
    "  --max-page-size N       most records a list may ask for (default 1000)\n"
    "  --pwhash-opslimit N     Argon2id passes (default 2; libsodium's minimum is 1)\n"
    "  --pwhash-memlimit BYTES Argon2id memory (default 67108864; minimum 8192)\n"
    "  --public-url URL        base of the links in emails (default http://HOST:PORT)\n"
    "  --job-workers N         threads running background jobs, such as the analysis of\n"
    "                          POST /record/text (default 2, 0 to 64; 0: this host only\n"
    "                          queues them, for worker processes on the same database)\n"
    "  --job-lease-ms MS       how long a claimed job is held before another worker may\n"
    "                          take it (default 30000; renewed while it runs)\n"
    "  --max-backlog-bytes N   payload bytes the jobs' backlog holds; past it new work is\n"
    "                          answered \"busy\" (default 268435456)\n"
    "  --max-text-bytes BYTES  longest TextContent accepted (default 65536)\n"
    "  --no-demo               do not create the demo organisation on first start\n"
    "  --help                  show this help and exit\n"
    "\n"
    "On first start (no database yet) a demo organisation and its admin are created and\n"
    "the admin's login is printed once. SIGINT or SIGTERM stops the server cleanly.\n";

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr, "switchboard-host: %s\n(see --help)\n", message.c_str());
    std::exit(2);
}

unsigned long long parse_number(const std::string& name, const std::string& value, unsigned long long min,
                                unsigned long long max) {
    if (value.empty() || value.size() > 19 || !std::all_of(value.begin(), value.end(), [](char c) {
            return c >= '0' && c <= '9';
        }))
        usage_error(name + " expects a whole number, got \"" + value + "\"");
    const unsigned long long n = std::stoull(value);
    if (n < min || n > max)
        usage_error(name + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return n;
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::optional<std::string> inline_value;
        if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = arg.substr(eq + 1);
            arg.resize(eq);
        }
        auto value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= argc) usage_error(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else if (arg == "--host") o.host = value();
        else if (arg == "--port") o.port = static_cast<int>(parse_number(arg, value(), 0, 65535));
        else if (arg == "--data") o.data = value();
        else if (arg == "--threads") o.threads = static_cast<int>(parse_number(arg, value(), 1, 1024));
        else if (arg == "--max-body") o.max_body = parse_number(arg, value(), 1, 1ull << 34);
        else if (arg == "--max-upload") o.max_upload = parse_number(arg, value(), 1, 1ull << 34);
        else if (arg == "--page-size") o.page_size = static_cast<int>(parse_number(arg, value(), 1, 1'000'000));
        else if (arg == "--max-page-size")
            o.max_page_size = static_cast<int>(parse_number(arg, value(), 1, 1'000'000));
        else if (arg == "--pwhash-opslimit") o.pwhash_opslimit = parse_number(arg, value(), 1, 1u << 20);
        else if (arg == "--pwhash-memlimit") o.pwhash_memlimit = parse_number(arg, value(), 8192, 1ull << 34);
        else if (arg == "--public-url") o.public_url = value();
        else if (arg == "--job-workers") o.job_workers = static_cast<int>(parse_number(arg, value(), 0, 64));
        else if (arg == "--job-lease-ms") o.job_lease_ms = static_cast<long long>(parse_number(arg, value(), 100, 86'400'000));
        else if (arg == "--max-backlog-bytes")
            o.max_backlog_bytes = static_cast<long long>(parse_number(arg, value(), 1, 1ull << 40));
        else if (arg == "--max-text-bytes") o.max_text_bytes = parse_number(arg, value(), 1, 16ull << 20);
        else if (arg == "--no-demo" && !inline_value) o.demo = false;
        else usage_error("unknown option " + arg);
    }
    if (o.page_size > o.max_page_size) usage_error("--page-size must not be above --max-page-size");
    return o;
}

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

int run(const Options& o) {
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
    host::Server server(so);
    const int port = server.bind();
    const std::string url_host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
    const std::string base_url = "http://" + url_host + ":" + std::to_string(port);

    SwitchboardOptions sbo;
    sbo.accounts.pwhash_opslimit = o.pwhash_opslimit;
    sbo.accounts.pwhash_memlimit = o.pwhash_memlimit;
    sbo.accounts.list_limits = ListLimits{o.page_size, o.max_page_size};
    sbo.accounts.public_url = o.public_url.empty() ? base_url : o.public_url;
    sbo.files_dir = (data / "files").string();
    sbo.max_file_bytes = static_cast<std::int64_t>(o.max_upload);
    sbo.interactions.max_text_bytes = o.max_text_bytes;
    sbo.jobs.workers = o.job_workers;
    sbo.jobs.lease_ms = o.job_lease_ms;
    sbo.jobs.max_backlog_bytes = o.max_backlog_bytes;
    // The modules, the job workers (which pick up what a previous run left
    // queued or running) and the events, over one database.
    Switchboard sb(db_path.string(), sbo);

    if (first_start && o.demo) create_demo(sb.accounts());

    host::Context ctx(sb);
    host::register_octapy(server, ctx);
    host::TextContext text_ctx{ctx, o.max_text_bytes, o.max_body};
    host::register_octapy_text(server, text_ctx);
    host::register_openchs(server, ctx);
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
    const Options options = parse_options(argc, argv);

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
