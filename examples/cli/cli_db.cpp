// switchboard: the commands that manage a data directory (the database that
// switchboard-host serves): `operator create`, `db info`, `db migrate`.
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
    AccountsOptions options;
    if (a.flag("pwhash-opslimit")) options.pwhash_opslimit = whole_number(a, "pwhash-opslimit");
    if (a.flag("pwhash-memlimit")) options.pwhash_memlimit = whole_number(a, "pwhash-memlimit");
    auto db = Database::open(database_path(a));
    Accounts accounts(db, options);
    auto user = accounts.create_operator(username, email, password);
    std::cout << "operator created: id=" << user.id << " username=" << user.username << " email=" << user.email
              << "\n";
    return kExitOk;
}

int db_info(const Args& a) {
    auto db = Database::open(database_path(a));
    std::cout << "database: " << db.path() << "\nschema version: " << db.schema_version() << " (latest "
              << Database::latest_schema_version() << ")\n";
    return kExitOk;
}

}  // namespace

int run_data_command(const std::vector<std::string>& args) {
    Args a = parse(args);
    const std::string cmd = a.words.empty() ? "" : a.words[0] + (a.words.size() > 1 ? " " + a.words[1] : "");
    if (cmd == "operator create") return operator_create(a);
    if (cmd == "db info" || cmd == "db migrate") return db_info(a);
    throw UsageError("unknown command \"" + cmd + "\"");
}

}  // namespace switchboard::cli
