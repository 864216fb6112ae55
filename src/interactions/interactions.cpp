// Text interactions: validation, the pending row and its analysis job, the
// job's handler and the report.
#include "switchboard/interactions.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "accounts/internal.hpp"
#include "core/crypto.hpp"
#include "core/time.hpp"
#include "interactions/internal.hpp"
#include "switchboard/calls.hpp"
#include "switchboard/cases.hpp"
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
constexpr const char* kCallJobKind = "call_analysis";

namespace fs = std::filesystem;

// A spooled recording: "<spool>-1.wav" (and "-2.wav" for the client's file).
fs::path spool_path(const std::string& dir, const std::string& spool, int part) {
    return fs::path(dir) / (spool + "-" + std::to_string(part) + ".wav");
}

// Written whole, flushed and renamed into place, mode 0600.
void write_spool_file(const fs::path& path, const std::string& bytes) {
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        f.flush();
        if (!f) throw Error(ErrorCode::storage, "cannot write the recording to the spool directory", "spool_dir");
    }
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write);
    fs::rename(tmp, path);
}

std::string read_file(const fs::path& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(ErrorCode::not_found, "the spooled recording " + path.filename().string() + " is gone");
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Card numbers (and what stands next to them) masked in a label.
std::string masked_label(std::string value) {
    if (value.empty()) return value;
    return redact_pci(value).redacted_text;
}

// A new interaction of `kind` with the labels checked and masked.
template <class Fields>
Interaction new_interaction(const Principal& who, char kind, const Fields& fields) {
    Interaction row;
    row.org_id = who.org_id;
    row.kind = kind;
    row.department = masked_label(label(fields.department, "department"));
    row.agent_id = masked_label(label(fields.agent_id, "agent_id"));
    row.client_id = masked_label(label(fields.client_id, "client_id"));
    row.ticket_no = masked_label(label(fields.ticket_no, "ticket_no"));
    row.created_by = who.username;
    row.created_ms = detail::now_ms();
    return row;
}

}  // namespace

void InteractionOptions::validate() const {
    if (max_text_bytes < 1 || max_text_bytes > (std::size_t{16} << 20))
        throw Error(ErrorCode::invalid_argument, "max_text_bytes must be between 1 and 16 MiB", "max_text_bytes");
    if (!(max_call_seconds > 0 && max_call_seconds <= 24 * 3600.0))
        throw Error(ErrorCode::invalid_argument, "max_call_seconds must be more than 0 and at most 86400",
                    "max_call_seconds");
    SpokenCallOptions o;
    o.hold_min_ms = hold_min_ms;
    o.redaction = redaction;
    o.validate();
}

struct Interactions::Impl {
    Database& db;
    PhrasePools& pools;
    Jobs& jobs;
    Events& events;
    InteractionOptions options;

    RecordingWriter recording_writer;
    FileReader file_reader;

    Impl(Database& d, PhrasePools& p, Jobs& j, Events& e, InteractionOptions o)
        : db(d), pools(p), jobs(j), events(e), options(o) {}

    // A job that failed for good: its interaction fails with the reason.
    void job_failed(const Job& failed) {
        auto row = db.store().text().interaction(failed.org_id, failed.subject);
        if (row && row->interaction.status == ReportStatus::pending)
            finish(row->interaction, ReportStatus::failed, "the analysis could not be run: " + failed.last_error,
                   nullptr);
    }

    std::size_t sweep() {
        if (options.spool_dir.empty()) return 0;
        std::error_code ec;
        if (!fs::is_directory(options.spool_dir, ec)) return 0;
        const auto pending = db.store().text().pending_spools();
        std::size_t removed = 0;
        for (const auto& entry : fs::directory_iterator(options.spool_dir, ec)) {
            const std::string name = entry.path().filename().string();
            const auto dash = name.rfind('-');
            const std::string spool = dash == std::string::npos ? name : name.substr(0, dash);
            if (std::find(pending.begin(), pending.end(), spool) != pending.end()) continue;
            if (fs::remove(entry.path(), ec)) ++removed;
        }
        return removed;
    }

    // Validates and stores a call (an upload, or an OpenCHS call's recording).
    Interaction record(const Principal& who, const CallInteractionFields& fields, std::int64_t call_id,
                       const char* operation);

    void remove_spool(const std::string& spool) {
        std::error_code ec;
        for (int part = 1; part <= 2; ++part) fs::remove(spool_path(options.spool_dir, spool, part), ec);
    }

    // The call job: decode the spooled recording (the payload names it),
    // analyse it with the organisation's settings, store the redacted
    // recording, then the report; the spooled files go last.
    void analyse_call(const JobRun& run) {
        auto row = db.store().text().interaction(run.job.org_id, run.job.subject);
        const std::string spool(run.payload);
        if (!row || row->interaction.status != ReportStatus::pending) {
            remove_spool(spool);
            return;
        }
        CallAudio audio;
        try {
            const std::string first = read_file(spool_path(options.spool_dir, spool, 1));
            const fs::path second_path = spool_path(options.spool_dir, spool, 2);
            std::error_code ec;
            if (fs::exists(second_path, ec)) {
                const std::string second = read_file(second_path);
                audio = decode_call_pair(std::as_bytes(std::span(first)), std::as_bytes(std::span(second)),
                                         options.max_call_seconds);
            } else {
                audio = decode_call_wav(std::as_bytes(std::span(first)), options.max_call_seconds);
            }
        } catch (const Error& e) {
            if (e.code() == ErrorCode::storage) throw;
            finish(row->interaction, ReportStatus::failed, e.what(), nullptr, &run, spool);
            return;
        }
        SpokenCallOptions o;
        o.hold_min_ms = options.hold_min_ms;
        o.redaction = options.redaction;
        o.acoustic.max_duration_s = options.max_call_seconds;
        if (auto org = db.store().accounts().organisation(run.job.org_id)) {
            o.acoustic.silence_min_ms = org->standards.silence_len_ms;
            o.acoustic.interruption_min_ms = org->standards.interruption_len_ms;
            o.min_call_s = org->constraints.min_call_len_s;
            o.max_call_s = org->constraints.max_call_len_s;
        }
        SpokenCall report = analyze_call(audio, options.transcriber.get(), pools.analyzer(run.job.org_id), o);
        redact_audio(audio, report, o);
        const FileInfo file = recording_writer(run.job.org_id, run.job.subject + ".wav", encode_wav(audio));
        std::string transcript;
        for (const auto& line : report.dialogue) transcript += line.speaker + ": " + line.text + "\n";
        Interaction i = row->interaction;
        i.call_report = to_json(report);
        i.recording_file_id = file.id;
        finish(i, ReportStatus::ready, "", nullptr, &run, spool, &transcript);
    }

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
    // A call's spooled recording is removed once the outcome is stored.
    void finish(Interaction i, ReportStatus status, const std::string& error, const TextAnalysis* analysis,
                const JobRun* run = nullptr, const std::string& spool = "", const std::string* transcript = nullptr) {
        const auto now = detail::now_ms();
        std::optional<store::JobDone> done;
        if (run) done = store::JobDone{run->job.id, run->lease_owner, now};
        const std::string redacted = analysis ? analysis->redacted_text : transcript ? *transcript : "";
        const std::string json = analysis ? to_json(*analysis) : i.call_report;
        if (db.store().text().finish_interaction(i.id, status, now, error, redacted, json, done,
                                                 status == ReportStatus::ready ? i.recording_file_id : 0))
            run->finished_by_handler();
        if (!spool.empty()) remove_spool(spool);
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
        [impl = impl_.get()](const Job& failed) { impl->job_failed(failed); });
    jobs.handle(
        kCallJobKind, [impl = impl_.get()](const JobRun& run) { impl->analyse_call(run); },
        [impl = impl_.get()](const Job& failed) {
            impl->job_failed(failed);
            // The payload (the spool name) is gone with the failed job: the
            // sweep removes the recording, as no pending call names it.
            impl->sweep();
        });
}

void Interactions::set_recording_writer(RecordingWriter writer) { impl_->recording_writer = std::move(writer); }

void Interactions::set_file_reader(FileReader reader) { impl_->file_reader = std::move(reader); }

std::size_t Interactions::sweep_spool() { return impl_->sweep(); }

Interactions::~Interactions() = default;

Interaction Interactions::record_text(const Principal& who, const TextInteractionFields& fields) {
    try {
        if (who.kind != TokenKind::dev) throw Error(ErrorCode::unauthorized, "unauthorized");
        check_text(fields.text, impl_->options.max_text_bytes);
        Interaction row = new_interaction(who, 'T', fields);
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

Interaction Interactions::record_call(const Principal& who, const CallInteractionFields& fields) {
    if (who.kind != TokenKind::dev) {
        detail::record_activity(impl_->db, who, "record_call", false, "unauthorized");
        throw Error(ErrorCode::unauthorized, "unauthorized");
    }
    return impl_->record(who, fields, 0, "record_call");
}

Interaction Interactions::analyse_call_recording(const Principal& who, std::int64_t call_id) {
    CallInteractionFields f;
    Call call;
    try {
        detail::require_role(who, {Role::admin, Role::supervisor});
        auto found = impl_->db.store().calls().call(store::CallScope{who.org_id, 0}, call_id);
        if (!found) throw Error(ErrorCode::not_found, "no call " + std::to_string(call_id), "call_id");
        call = *found;
        if (!call.recording_file_id || !impl_->file_reader)
            throw Error(ErrorCode::invalid_argument, "the call has no recording", "recording");
        f.first_channel = impl_->file_reader(who.org_id, call.recording_file_id);
        if (call.agent_id) f.agent_id = std::to_string(call.agent_id);
        if (!call.caller.empty()) f.client_id = call.caller;
        if (call.ticket_id)
            if (auto t = impl_->db.store().cases().ticket(store::TicketScope{who.org_id, 0, 0}, call.ticket_id))
                f.ticket_no = t->ticket_no;
        f.department = call.queue.empty() ? std::nullopt : std::optional(call.queue);
    } catch (const Error& e) {
        detail::record_activity(impl_->db, who, "analyse_call_recording", false, e.what());
        throw;
    }
    return impl_->record(who, f, call_id, "analyse_call_recording");
}

Interaction Interactions::Impl::record(const Principal& who, const CallInteractionFields& fields,
                                       std::int64_t call_id, const char* operation) {
    try {
        const auto& o = options;
        if (o.spool_dir.empty() || !recording_writer)
            throw Error(ErrorCode::invalid_argument, "calls need a files directory (where recordings are kept)",
                        "spool_dir");
        auto field = [](const Error& e, const char* name) {
            return Error(e.code(), e.what(), name);
        };
        // Decoded now, so that a bad upload is refused before anything is stored.
        CallAudio audio;
        try {
            if (fields.second_channel) {
                try {
                    audio = decode_call_pair(std::as_bytes(std::span(fields.first_channel)),
                                             std::as_bytes(std::span(*fields.second_channel)), o.max_call_seconds);
                } catch (const Error& e) {
                    throw field(e, e.field() == "client" ? "second_channel" : "first_channel");
                }
            } else {
                audio = decode_call_wav(std::as_bytes(std::span(fields.first_channel)), o.max_call_seconds);
            }
        } catch (const Error& e) {
            if (e.field() == "second_channel") throw;
            throw field(e, "first_channel");
        }
        Interaction row = new_interaction(who, 'C', fields);
        row.duration_ms = static_cast<std::int64_t>(audio.duration() * 1000.0 + 0.5);
        row.call_id = call_id;

        std::error_code ec;
        fs::create_directories(o.spool_dir, ec);
        const std::string spool = "call-" + detail::random_token(24);
        Jobs::PreparedJob job = jobs.prepare({kCallJobKind, who.org_id, "", spool, 0});
        Job stored;
        try {
            write_spool_file(spool_path(o.spool_dir, spool, 1), fields.first_channel);
            if (fields.second_channel) write_spool_file(spool_path(o.spool_dir, spool, 2), *fields.second_channel);
            std::tie(row, stored) = db.store().text().insert_interaction(row, Jobs::row_of(job), spool);
        } catch (...) {
            jobs.abandon(std::move(job));
            remove_spool(spool);
            throw;
        }
        jobs.submit(std::move(job), stored);
        detail::record_activity(db, who, operation, true,
                                "ricket " + row.ricket + ", " + std::to_string(row.duration_ms) + " ms, " +
                                    std::to_string(audio.channels.size()) + " channel(s)" +
                                    (call_id ? ", call " + std::to_string(call_id) : ""));
        return row;
    } catch (const Error& e) {
        detail::record_activity(db, who, operation, false, e.what());
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
        if (out.kind == 'C' && out.status == ReportStatus::pending) {
            ListQuery running;
            running.filters = {{"kind", kCallJobKind}, {"subject", out.ricket}, {"state", "running"}};
            running.count = 1;
            out.processing = impl_->db.store().jobs().list_jobs(out.org_id, running, ListLimits{}).total > 0;
        }
        if (out.status == ReportStatus::ready && !row->analysis_json.empty()) {
            if (out.kind == 'C') out.call_report = std::move(row->analysis_json);
            else out.analysis = detail::analysis_from_json(row->analysis_json);
        }
        return out;
    });
}

}  // namespace switchboard
