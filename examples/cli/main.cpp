// switchboard: the command-line tool. Manages a data directory (the database
// that switchboard-host serves) and, in later versions, analyses recordings.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "switchboard/switchboard.hpp"

namespace {

const char* kUsage = R"(usage: switchboard COMMAND [OPTIONS]

commands:
  operator create --username NAME --email EMAIL [--password PASSWORD | --password-stdin]
                      create a platform-operator account (the one role that
                      sees every organisation's profile and settings, and no
                      organisation's records); the password may also come from
                      the SWITCHBOARD_PASSWORD environment variable
  db info             print the database path and schema version
  db migrate          create the database or bring it to the latest schema

options:
  --data DIR          data directory holding switchboard.db (default ./var)
  -h, --help          show this help
  --version           print the library version
)";

struct Args {
    std::vector<std::string> words;
    std::map<std::string, std::string> options;
    bool flag(const std::string& name) const { return options.count(name) != 0; }
    std::string get(const std::string& name, const std::string& fallback = {}) const {
        auto it = options.find(name);
        return it == options.end() ? fallback : it->second;
    }
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        if (s == "-h") s = "--help";
        if (s.rfind("--", 0) == 0) {
            auto eq = s.find('=');
            if (eq != std::string::npos) {
                a.options[s.substr(2, eq - 2)] = s.substr(eq + 1);
            } else if (s == "--help" || s == "--version" || s == "--password-stdin") {
                a.options[s.substr(2)] = "";
            } else if (i + 1 < argc) {
                a.options[s.substr(2)] = argv[++i];
            } else {
                throw std::runtime_error("option " + s + " needs a value");
            }
        } else {
            a.words.push_back(s);
        }
    }
    return a;
}

std::string database_path(const Args& a) {
    std::filesystem::path dir = a.get("data", "var");
    std::filesystem::create_directories(dir);
    return (dir / "switchboard.db").string();
}

int operator_create(const Args& a) {
    const std::string username = a.get("username"), email = a.get("email");
    if (username.empty() || email.empty()) throw std::runtime_error("operator create needs --username and --email");
    std::string password = a.get("password");
    if (a.flag("password-stdin")) std::getline(std::cin, password);
    if (password.empty()) {
        if (const char* env = std::getenv("SWITCHBOARD_PASSWORD")) password = env;
    }
    if (password.empty())
        throw std::runtime_error("give the password with --password, --password-stdin or SWITCHBOARD_PASSWORD");
    auto db = switchboard::Database::open(database_path(a));
    switchboard::AccountsOptions options;
    if (a.flag("pwhash-opslimit")) options.pwhash_opslimit = std::stoull(a.get("pwhash-opslimit"));
    if (a.flag("pwhash-memlimit")) options.pwhash_memlimit = std::stoull(a.get("pwhash-memlimit"));
    switchboard::Accounts accounts(db, options);
    auto user = accounts.create_operator(username, email, password);
    std::cout << "operator created: id=" << user.id << " username=" << user.username << " email=" << user.email
              << "\n";
    return 0;
}

int db_info(const Args& a) {
    auto db = switchboard::Database::open(database_path(a));
    std::cout << "database: " << db.path() << "\nschema version: " << db.schema_version()
              << " (latest " << switchboard::Database::latest_schema_version() << ")\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        Args a = parse(argc, argv);
        if (a.flag("version")) {
            std::cout << "switchboard " << switchboard::version() << "\n";
            return 0;
        }
        if (a.flag("help") || a.words.empty()) {
            std::cout << kUsage;
            return a.words.empty() && !a.flag("help") ? 2 : 0;
        }
        const std::string cmd = a.words[0] + (a.words.size() > 1 ? " " + a.words[1] : "");
        if (cmd == "operator create") return operator_create(a);
        if (cmd == "db info" || cmd == "db migrate") return db_info(a);
        std::cerr << "switchboard: unknown command \"" << cmd << "\"\n" << kUsage;
        return 2;
    } catch (const switchboard::Error& e) {
        std::cerr << "switchboard: " << e.what();
        if (!e.field().empty()) std::cerr << " (" << e.field() << ")";
        std::cerr << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "switchboard: " << e.what() << "\n";
        return 1;
    }
}
