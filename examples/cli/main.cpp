// switchboard: the command-line tool. Analyses call recordings
// (cli_analyze.cpp) and manages a data directory, the database that
// switchboard-host serves (cli_db.cpp). Every command is documented in
// docs/cli.md.
#include <iostream>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "switchboard/switchboard.hpp"

namespace {

const char* kUsage = R"(usage: switchboard COMMAND [OPTIONS]

commands:
  analyze FILE... [--json] [--agent FILE --client FILE] [OPTIONS]
                      analyse call recordings (WAV): silences, noise,
                      interruptions, escalation and call statistics, as a
                      timeline or JSON; `switchboard analyze --help` for more
  operator create --username NAME --email EMAIL [--password PASSWORD | --password-stdin]
                      create a platform-operator account (the one role that
                      sees every organisation's profile and settings, and no
                      organisation's records); the password may also come from
                      the SWITCHBOARD_PASSWORD environment variable
  db info             print the database path and schema version
  db migrate          create the database or bring it to the latest schema
  jobs                print the database's background jobs by state
  jobs run [--workers N] [--timeout SECONDS]
                      run the queued jobs (texts left for analysis ...) until
                      none is left; exit 1 if some remain after the timeout
                      (default 600 s)
  mail test --to ADDRESS --smtp-url smtp://HOST:PORT [--smtp-tls starttls|none]
            [--smtp-username NAME] [--from ADDRESS] [--timeout SECONDS]
                      send one test mail and print what the server said; the
                      settings default to the host's environment
                      (SWITCHBOARD_HOST_SMTP_URL, _SMTP_TLS, _SMTP_USERNAME,
                      _SMTP_PASSWORD, _SMTP_FROM; the password also from
                      SWITCHBOARD_SMTP_PASSWORD); exit 1 when it was not accepted

options:
  --data DIR          data directory holding switchboard.db (default ./var)
  -h, --help          show this help
  --version           print the library version

exit status: 0 success, 1 failure, 2 usage error
)";

}  // namespace

namespace switchboard::cli {

std::string describe(const std::exception& e) {
    std::string text = e.what();
    if (const auto* se = dynamic_cast<const Error*>(&e)) {
        if (!se->field().empty() && text.find(se->field()) == std::string::npos) text += " (" + se->field() + ")";
    }
    return text;
}

}  // namespace switchboard::cli

int main(int argc, char** argv) {
    namespace cli = switchboard::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "analyze") return cli::run_analyze({args.begin() + 1, args.end()});

    bool help = false, version = false;
    for (const auto& a : args) {
        help = help || a == "-h" || a == "--help";
        version = version || a == "--version";
    }
    if (version) {
        std::cout << "switchboard " << switchboard::version() << "\n";
        return cli::kExitOk;
    }
    if (help) {
        std::cout << kUsage;
        return cli::kExitOk;
    }
    if (args.empty()) {
        std::cerr << kUsage;
        return cli::kExitUsage;
    }
    try {
        return cli::run_data_command(args);
    } catch (const cli::UsageError& e) {
        std::cerr << "switchboard: " << switchboard::printable_text(e.what()) << " (see switchboard --help)\n";
        return cli::kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "switchboard: " << switchboard::printable_text(cli::describe(e)) << "\n";
        return cli::kExitFailed;
    }
}
