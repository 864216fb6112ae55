// Shared fixtures of the unit tests: temporary databases and fast Argon2.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
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

// A fresh database with one organisation whose admin is signed in; the
// fixtures of the module tests add their module to it.
struct OrgDesk {
    std::filesystem::path dir = temp_dir();
    switchboard::Database db = switchboard::Database::open((dir / "sb.db").string());
    switchboard::Accounts acc{db, fast_options()};
    Org org = make_org(acc, "owner@example.org");
    switchboard::Principal admin = acc.authenticate(org.admin.token);

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
