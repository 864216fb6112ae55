// Text interactions: validation, the pending row and its analysis job, the
// job's handler and the report.
#include "switchboard/interactions.hpp"

#include <tuple>

#include "accounts/internal.hpp"
#include "core/time.hpp"
#include "interactions/internal.hpp"
#include "switchboard/events.hpp"
#include "switchboard/jobs.hpp"
#include "text/utf8.hpp"

#include "store/store.hpp"

namespace switchboard {

namespace {

constexpr std::size_t kMaxLabelBytes = 128;  // department, agent, client and ticket labels

bool blank(std::string_view s) {
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
    return true;
}

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

// Checks the text without ever quoting it: the message of a refusal is
// written to the activity log.
void check_text(std::string_view text, std::size_t max_bytes) {
    if (text.empty()) throw Error(ErrorCode::invalid_argument, "the text is empty", "text");
    if (text.size() > max_bytes)
        throw Error(ErrorCode::too_large,
                    "the text is " + std::to_string(text.size()) + " bytes long; the longest accepted is " +
                        std::to_string(max_bytes),
                    "text");
    bool ascii;
    const std::size_t bad = text::find_invalid_utf8(text, ascii);
    if (bad != std::string_view::npos)
        throw Error(ErrorCode::invalid_argument, "the text is not valid UTF-8 (byte " + std::to_string(bad) + ")",
                    "text");
    if (blank(text)) throw Error(ErrorCode::invalid_argument, "the text is blank", "text");
}

std::string label(const std::optional<std::string>& v, const char* field) {
    if (!v) return {};
    if (v->size() > kMaxLabelBytes)
        throw Error(ErrorCode::invalid_argument,
                    std::string(field) + " is over " + std::to_string(kMaxLabelBytes) + " bytes", field);
    bool ascii;
    if (text::find_invalid_utf8(*v, ascii) != std::string_view::npos)
        throw Error(ErrorCode::invalid_argument, std::string(field) + " is not valid UTF-8", field);
    return *v;
}

constexpr const char* kJobKind = "text_analysis";

// Card numbers (and what stands next to them) masked in a label.
std::string masked_label(std::string value) {
    if (value.empty()) return value;
    return redact_pci(value).redacted_text;
}

}  // namespace

void InteractionOptions::validate() const {
    if (max_text_bytes < 1 || max_text_bytes > (std::size_t{16} << 20))
        throw Error(ErrorCode::invalid_argument, "max_text_bytes must be between 1 and 16 MiB", "max_text_bytes");
}

struct Interactions::Impl {
    Database& db;
    PhrasePools& pools;
    Jobs& jobs;
    Events& events;
    InteractionOptions options;

    Impl(Database& d, PhrasePools& p, Jobs& j, Events& e, InteractionOptions o)
        : db(d), pools(p), jobs(j), events(e), options(o) {}

    // The job: analyse the text (the payload) and store the outcome under
    // the Ricket (the subject). Running it again stores the same outcome.
    void analyse(const JobRun& run) {
        auto& store = db.store().text();
        auto row = store.interaction(run.job.org_id, run.job.subject);
        if (!row) return;  // the organisation (and its interactions) are gone
        TextOptions topts;
        topts.max_bytes = options.max_text_bytes;
        TextAnalysis analysis;
        try {
            analysis = analyze_text(run.payload, pools.analyzer(run.job.org_id), topts);
        } catch (const Error& e) {
            // The text itself is refused: the interaction fails, for good.
            if (e.code() == ErrorCode::storage || e.code() == ErrorCode::busy) throw;
            finish(row->interaction, ReportStatus::failed, e.what(), nullptr, &run);
            return;
        }
        finish(row->interaction, ReportStatus::ready, "", &analysis, &run);
    }

    // Stores the outcome; with `run`, the job is marked done in the same
    // transaction (one commit for both).
    void finish(Interaction i, ReportStatus status, const std::string& error, const TextAnalysis* analysis,
                const JobRun* run = nullptr) {
        const auto now = detail::now_ms();
        std::optional<store::JobDone> done;
        if (run) done = store::JobDone{run->job.id, run->lease_owner, now};
        if (db.store().text().finish_interaction(i.id, status, now, error, analysis ? analysis->redacted_text : "",
                                                 analysis ? to_json(*analysis) : "", done))
            run->finished_by_handler();
        i.status = status;
        i.ready_ms = now;
        i.error = error;
        Event e;
        e.org_id = i.org_id;
        e.type = status == ReportStatus::ready ? "interaction.ready" : "interaction.failed";
        e.time_ms = now;
        e.subject = i.ricket;
        e.data = to_json(i);
        e.audience = EventAudience::reports;
        events.publish(std::move(e));
    }
};

Interactions::Interactions(Database& db, PhrasePools& pools, Jobs& jobs, Events& events, InteractionOptions options) {
    options.validate();
    impl_ = std::make_unique<Impl>(db, pools, jobs, events, options);
    jobs.handle(
        kJobKind, [impl = impl_.get()](const JobRun& run) { impl->analyse(run); },
        [impl = impl_.get()](const Job& failed) {
            auto row = impl->db.store().text().interaction(failed.org_id, failed.subject);
            if (row && row->interaction.status == ReportStatus::pending)
                impl->finish(row->interaction, ReportStatus::failed,
                             "the analysis could not be run: " + failed.last_error, nullptr);
        });
}

Interactions::~Interactions() = default;

Interaction Interactions::record_text(const Principal& who, const TextInteractionFields& fields) {
    try {
        if (who.kind != TokenKind::dev) throw Error(ErrorCode::unauthorized, "unauthorized");
        check_text(fields.text, impl_->options.max_text_bytes);
        Interaction row;
        row.org_id = who.org_id;
        row.kind = 'T';
        row.department = masked_label(label(fields.department, "department"));
        row.agent_id = masked_label(label(fields.agent_id, "agent_id"));
        row.client_id = masked_label(label(fields.client_id, "client_id"));
        row.ticket_no = masked_label(label(fields.ticket_no, "ticket_no"));
        row.created_by = who.username;
        row.created_ms = detail::now_ms();
        row.text_chars = code_points(fields.text);
        Jobs::PreparedJob job = impl_->jobs.prepare({kJobKind, who.org_id, "", fields.text, 0});
        Job stored;
        try {
            std::tie(row, stored) = impl_->db.store().text().insert_interaction(row, Jobs::row_of(job));
        } catch (...) {
            impl_->jobs.abandon(std::move(job));
            throw;
        }
        impl_->jobs.submit(std::move(job), stored);
        detail::record_activity(impl_->db, who, "record_text", true,
                                "ricket " + row.ricket + ", " + std::to_string(row.text_chars) + " characters");
        return row;
    } catch (const Error& e) {
        detail::record_activity(impl_->db, who, "record_text", false, e.what());
        throw;
    }
}

Interaction Interactions::report(const Principal& who, std::string_view ricket_in) {
    const std::string ricket(ricket_in.substr(0, 40));
    return detail::audited(impl_->db, who, "report", "ricket " + ricket, [&] {
        detail::require_report_reader(who);
        auto row = ricket.size() == ricket_in.size() ? impl_->db.store().text().interaction(who.org_id, ricket)
                                                     : std::nullopt;
        if (!row) throw Error(ErrorCode::not_found, "no interaction has this Ricket", "ricket");
        Interaction out = std::move(row->interaction);
        if (out.status == ReportStatus::ready && !row->analysis_json.empty())
            out.analysis = detail::analysis_from_json(row->analysis_json);
        return out;
    });
}

}  // namespace switchboard
