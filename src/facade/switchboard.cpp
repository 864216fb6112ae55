// The facade: builds every module over one database, in the order they
// depend on each other, and takes them down in the reverse order, the job
// workers first.
#include "switchboard/facade.hpp"

#include <mutex>

#include "switchboard/error.hpp"

namespace switchboard {

namespace {

std::string key_file_for(const std::string& path, const SwitchboardOptions& o) {
    if (!o.key_file.empty()) return o.key_file;
    if (path == ":memory:") return {};
    return path + ".key";
}

JobsOptions jobs_options(const SwitchboardOptions& o) {
    JobsOptions j = o.jobs;
    j.list_limits = o.accounts.list_limits;
    return j;
}

MessagesOptions messages_options(const SwitchboardOptions& o) {
    MessagesOptions m = o.messages;
    m.list_limits = o.accounts.list_limits;
    return m;
}

// Calls wait for their analysis in "<files_dir>/spool" (none without a files directory).
InteractionOptions interactions_options(const SwitchboardOptions& o) {
    InteractionOptions i = o.interactions;
    if (i.spool_dir.empty() && !o.files_dir.empty()) i.spool_dir = o.files_dir + "/spool";
    return i;
}

PresenceOptions presence_options(const SwitchboardOptions& o) {
    PresenceOptions p = o.presence;
    p.list_limits = o.accounts.list_limits;
    return p;
}

}  // namespace

struct Switchboard::Impl {
    SwitchboardOptions options;
    // Members are built in this order and destroyed in the reverse one.
    Database database;
    Accounts accounts;
    ActivityLog activity;
    Events events;
    Jobs jobs;
    Mailer mail;
    Cases cases;
    Messages messages;
    Calls calls;
    PhrasePools pools;
    Interactions interactions;
    Presence presence;

    std::mutex files_mu;
    std::unique_ptr<Files> files;

    Impl(const std::string& path, SwitchboardOptions o)
        : options(std::move(o)),
          database(Database::open(path, options.database)),
          accounts(database, options.accounts),
          activity(database, options.accounts.list_limits),
          events(database, options.events),
          jobs(database, events, jobs_options(options), key_file_for(path, options)),
          mail(database, jobs, options.mail, key_file_for(path, options)),
          cases(database, events, CasesOptions{options.accounts.list_limits, options.max_case_text}),
          messages(database, jobs, mail, cases, messages_options(options), key_file_for(path, options)),
          calls(database, options.accounts.list_limits),
          pools(database),
          interactions(database, pools, jobs, events, interactions_options(options)),
          presence(database, events, presence_options(options)) {}
};

Switchboard::Switchboard(const std::string& path, SwitchboardOptions options)
    : impl_(std::make_unique<Impl>(path, std::move(options))) {
    impl_->accounts.on_mail_written([mail = &impl_->mail] { mail->wake(); });
    impl_->cases.on_mail_written([mail = &impl_->mail] { mail->wake(); });
    // An email record's attachments are files of its organisation.
    impl_->mail.set_attachment_reader([this](std::int64_t org_id, std::int64_t file_id) {
        auto [info, bytes] = files().content_of(org_id, file_id);
        return MailAttachment{info.name, info.mime, std::move(bytes)};
    });
    // Mail in: attachments become files of the organisation.
    impl_->messages.set_file_writer([this](std::int64_t org_id, const std::string& name, const std::string& mime,
                                           const std::string& bytes) {
        Principal mailbox;
        mailbox.org_id = org_id;
        mailbox.role = Role::admin;
        mailbox.username = "email";
        mailbox.endpoint = "mail in";
        return files().upload(mailbox, name, mime, bytes);
    });
    // A call's redacted recording is a file of its organisation.
    impl_->interactions.set_recording_writer(
        [this](std::int64_t org_id, const std::string& name, const std::string& bytes) {
            Principal analysis;
            analysis.org_id = org_id;
            analysis.role = Role::admin;
            analysis.username = "call analysis";
            analysis.endpoint = "call analysis";
            return files().upload(analysis, name, "audio/wav", bytes);
        });
    impl_->interactions.set_file_reader([this](std::int64_t org_id, std::int64_t file_id) {
        return files().content_of(org_id, file_id).second;
    });
    impl_->interactions.sweep_spool();
    impl_->jobs.start();
    impl_->mail.start();
    impl_->messages.start();
}

Switchboard::~Switchboard() {
    // The workers run the modules' handlers: they stop before any module
    // goes, and after the mailer that gives them mails.
    impl_->messages.stop();
    impl_->mail.stop();
    impl_->jobs.stop();
}

const SwitchboardOptions& Switchboard::options() const noexcept { return impl_->options; }
const std::string& Switchboard::path() const noexcept { return impl_->database.path(); }

Database& Switchboard::database() noexcept { return impl_->database; }
Accounts& Switchboard::accounts() noexcept { return impl_->accounts; }
ActivityLog& Switchboard::activity() noexcept { return impl_->activity; }
Cases& Switchboard::cases() noexcept { return impl_->cases; }
Calls& Switchboard::calls() noexcept { return impl_->calls; }
PhrasePools& Switchboard::pools() noexcept { return impl_->pools; }
Interactions& Switchboard::interactions() noexcept { return impl_->interactions; }
Jobs& Switchboard::jobs() noexcept { return impl_->jobs; }
Mailer& Switchboard::mail() noexcept { return impl_->mail; }
Messages& Switchboard::messages() noexcept { return impl_->messages; }
Events& Switchboard::events() noexcept { return impl_->events; }
Presence& Switchboard::presence() noexcept { return impl_->presence; }

Files& Switchboard::files() {
    std::lock_guard<std::mutex> lock(impl_->files_mu);
    if (!impl_->files) {
        if (impl_->options.files_dir.empty())
            throw Error(ErrorCode::invalid_argument, "this database has no files directory", "files_dir");
        FilesOptions fo;
        fo.dir = impl_->options.files_dir;
        fo.max_bytes = impl_->options.max_file_bytes;
        fo.list_limits = impl_->options.accounts.list_limits;
        impl_->files = std::make_unique<Files>(impl_->database, fo);
    }
    return *impl_->files;
}

}  // namespace switchboard
