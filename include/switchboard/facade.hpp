// switchboard: the facade. One object opens the database, builds every
// module over it, owns the background workers and events, and closes them
// in order. The C handle (sb_db), Python's switchboard.Database and the
// HTTP host each wrap one; none of them assembles modules itself.
//
//   switchboard::Switchboard sb("var/switchboard.db", {.files_dir = "var/files"});
//   auto session = sb.accounts().sign_in("owner@example.org", password);
//   auto admin = sb.accounts().authenticate(session.token);
//   auto ticket = sb.cases().create_ticket(admin, fields);
//
// Adding a module: a folder under src/, one member and one line of
// construction here (and in src/facade/switchboard.cpp), and one translating
// file per adapter. Every definition is in docs/facade.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "switchboard/accounts.hpp"
#include "switchboard/activity.hpp"
#include "switchboard/calls.hpp"
#include "switchboard/cases.hpp"
#include "switchboard/events.hpp"
#include "switchboard/files.hpp"
#include "switchboard/interactions.hpp"
#include "switchboard/jobs.hpp"
#include "switchboard/mailer.hpp"
#include "switchboard/messages.hpp"
#include "switchboard/presence.hpp"
#include "switchboard/store.hpp"

namespace switchboard {

struct SwitchboardOptions {
    DatabaseOptions database;
    // Its list_limits serve every module's lists.
    AccountsOptions accounts;
    std::size_t max_case_text = CasesOptions{}.max_text;  // a narrative, resolution or message (bytes)
    // Where files live; "" for a Switchboard without files (files() then
    // refuses with Error(invalid_argument, field "files_dir")). The
    // directory is created on first use.
    std::string files_dir;
    std::int64_t max_file_bytes = FilesOptions{}.max_bytes;
    InteractionOptions interactions;
    // jobs.workers 0 runs no job in this process (a command-line tool that
    // only reads); jobs.list_limits is taken from accounts.list_limits.
    JobsOptions jobs;
    EventsOptions events;
    // Where mail goes: the SMTP server and From of every organisation
    // without its own (smtp.url "" sends nothing; mails wait, queued).
    MailerOptions mail;
    // Emails and SMS as records, and the SMS gateway; messages.list_limits
    // is taken from accounts.list_limits.
    MessagesOptions messages;
    // Presence's clock and timer; presence.list_limits is taken from
    // accounts.list_limits.
    PresenceOptions presence;
    // The key that seals job payloads. "" means "<database path>.key" for a
    // database file (created on first open, mode 0600; keep it with the
    // database), and a key in memory for ":memory:".
    std::string key_file;
};

class Switchboard {
public:
    // Opens (creating and migrating) the database at `path`, builds every
    // module, registers the job handlers and starts the job workers.
    // Throws what Database::open and each module's options check throw.
    explicit Switchboard(const std::string& path, SwitchboardOptions options = {});
    // Stops the workers (a running job is given JobsOptions' grace to end;
    // queued jobs stay queued for the next start), stores the queued events
    // and activity entries, and closes the database.
    ~Switchboard();
    Switchboard(const Switchboard&) = delete;
    Switchboard& operator=(const Switchboard&) = delete;

    const SwitchboardOptions& options() const noexcept;
    const std::string& path() const noexcept;

    Database& database() noexcept;
    Accounts& accounts() noexcept;
    ActivityLog& activity() noexcept;
    Cases& cases() noexcept;
    Calls& calls() noexcept;
    Files& files();
    PhrasePools& pools() noexcept;
    Interactions& interactions() noexcept;
    Jobs& jobs() noexcept;
    Mailer& mail() noexcept;
    Messages& messages() noexcept;
    Events& events() noexcept;
    Presence& presence() noexcept;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard
