// Shared fixtures of the unit tests: temporary databases and fast Argon2.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../common/temp_dir.hpp"
#include "switchboard/switchboard.hpp"

namespace sbtest {

// A fresh temporary directory (tests/common/temp_dir.hpp).
inline std::filesystem::path temp_dir() { return sbtest::temp_dir("sb-unit"); }

inline switchboard::AccountsOptions fast_options() {
    switchboard::AccountsOptions o;
    o.pwhash_opslimit = 1;
    o.pwhash_memlimit = 8192;
    return o;
}

constexpr const char* kPassword = "Correct-Horse-9-Battery";

// An organisation whose admin is verified and signed in.
struct Org {
    switchboard::SignUpResult created;
    switchboard::Session admin;
};

inline Org make_org(switchboard::Accounts& acc, const std::string& email, const std::string& company = "Acme Help") {
    switchboard::SignUp s{company, email, "+254 700 000001", kPassword, true};
    Org org{acc.sign_up(s), {}};
    org.admin = acc.sign_in(email, kPassword);
    return org;
}

// The options of the fixtures: fast Argon2, files beside the database.
inline switchboard::SwitchboardOptions desk_options(const std::filesystem::path& dir) {
    switchboard::SwitchboardOptions o;
    o.accounts = fast_options();
    o.files_dir = (dir / "files").string();
    return o;
}

// A fresh Switchboard over a database file with one organisation whose
// admin is signed in. A fixture may tune the options first.
struct OrgDesk {
    using Tune = std::function<void(switchboard::SwitchboardOptions&)>;

    explicit OrgDesk(const Tune& tune = {}) : dir(temp_dir()), sb(std::make_unique<switchboard::Switchboard>(
                                                                      (dir / "sb.db").string(), tuned(dir, tune))) {}

    std::filesystem::path dir;
    std::unique_ptr<switchboard::Switchboard> sb;
    switchboard::Database& db = sb->database();
    switchboard::Accounts& acc = sb->accounts();
    Org org = make_org(acc, "owner@example.org");
    switchboard::Principal admin = acc.authenticate(org.admin.token);

    static switchboard::SwitchboardOptions tuned(const std::filesystem::path& dir, const Tune& tune) {
        auto o = desk_options(dir);
        if (tune) tune(o);
        return o;
    }

    // A user of the organisation with `role`, signed in.
    switchboard::Principal user(const std::string& name, switchboard::Role role) {
        switchboard::UserFields f;
        f.username = name;
        f.email = name + "@example.org";
        f.password = kPassword;
        f.role = role;
        acc.create_user(admin, f);
        return acc.authenticate(acc.sign_in(name, kPassword).token);
    }
};

// The bytes of every file in `dir` (the database, its write-ahead log ...),
// for the checks of what rests on disk.
inline std::string bytes_in(const std::filesystem::path& dir) {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
}

// Pulls the verification key or reset code out of the latest email to `to`.
inline std::string secret_from_outbox(switchboard::Accounts& acc, const std::string& to, const std::string& marker) {
    auto mails = acc.outbox(to);
    REQUIRE_FALSE(mails.empty());
    const auto& body = mails.back().body;
    auto pos = body.find(marker);
    REQUIRE(pos != std::string::npos);
    pos += marker.size();
    auto end = body.find('\n', pos);
    return body.substr(pos, end - pos);
}

// What fn throws: a switchboard::Error's code, field and message. The test
// fails when fn throws nothing.
struct Thrown {
    switchboard::ErrorCode code = switchboard::ErrorCode::internal;
    std::string field;
    std::string message;
};

template <class F>
Thrown thrown(F&& fn) {
    try {
        fn();
    } catch (const switchboard::Error& e) {
        return {e.code(), e.field(), e.what()};
    }
    FAIL("no error was thrown");
    return {};
}

// The code and field of the error fn throws.
template <class F>
std::pair<switchboard::ErrorCode, std::string> error_of(F&& fn) {
    Thrown t = thrown(std::forward<F>(fn));
    return {t.code, t.field};
}

}  // namespace sbtest
