// switchboard: text interactions and the organisations' phrase pools.
//
// The store-aware layer over the text analysis engine (text.hpp):
//
// - Each organisation has its own phrase pools (OctaPy's "word-sequence
//   pools"), starting from default_phrase_pools() and edited through
//   PhrasePools. The pools of an organisation compile into one TextAnalyzer,
//   once per change, shared by every thread.
// - A text interaction (OctaPy IO2, `POST /record/text`) is recorded with a
//   developer token: the text is analysed by a durable background job (it
//   survives a crash of the process, jobs.hpp), only its redacted form is
//   kept once analysed, and the interaction is named by a Ricket id:
//   the UTC time stamp YYYYMMDDhhmmss, a 5-digit sequence, 'T' for text or
//   'C' for a call (e.g. "2020120211461900045T"). The report (IO3,
//   `GET /report/{Ricket}`) is ready once the analysis has run.
//
// Every definition and choice is documented in docs/interactions.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/accounts.hpp"
#include "switchboard/files.hpp"
#include "switchboard/list.hpp"
#include "switchboard/speech.hpp"
#include "switchboard/text.hpp"

namespace switchboard {

// ------------------------------------------------------------------ pools

// One entry of an organisation's pools as stored.
struct PoolEntry {
    std::string pool;      // "Critical Info", "Competitor Mention" ...
    std::string text;      // the phrase or regular expression
    bool regex = false;
    bool built_in = false; // from default_phrase_pools()
};

class PhrasePools {
public:
    explicit PhrasePools(Database& db);
    ~PhrasePools();

    // The organisation's pools (built-in entries included unless removed),
    // pool by pool in the order of default_phrase_pools(), then pools the
    // organisation added, entries in the order they were added. Admins,
    // supervisors and dev tokens of the organisation.
    std::vector<PoolEntry> list(const Principal& who);
    // Adds a phrase (or a regular expression) to a pool, creating the pool
    // if it is new. Admins only. Refused with Error(invalid_argument) naming
    // the field ("pool", "phrase" or "regex") and Hyperscan's reason: a
    // phrase validate_phrase() refuses, a duplicate, a name over
    // kMaxPoolNameBytes. A refused entry leaves the stored pools and the
    // compiled analyzer as they were.
    PoolEntry add(const Principal& who, std::string_view pool, std::string_view text, bool regex = false);
    // Removes an entry (built-in ones too). Admins only. Error(not_found)
    // when the pool has no such entry.
    void remove(const Principal& who, std::string_view pool, std::string_view text);
    // Back to default_phrase_pools(). Admins only.
    void reset(const Principal& who);

    // The organisation's compiled analyzer: compiled on first use and after
    // each change, then shared (copies are cheap). No principal: the
    // library's own callers (the interaction worker) use it.
    TextAnalyzer analyzer(std::int64_t org_id);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// ------------------------------------------------------------------ interactions

// OctaPy IO1: a call's recording as uploaded.
struct CallInteractionFields {
    std::string first_channel;                  // 1stChannelFile: a WAV (mono, or stereo agent + client)
    std::optional<std::string> second_channel;  // 2ndChannelFile: the client's mono WAV
    std::optional<std::string> department;
    std::optional<std::string> agent_id;
    std::optional<std::string> client_id;
    std::optional<std::string> ticket_no;
};

struct TextInteractionFields {
    std::string text;                        // TextContent (required)
    std::optional<std::string> department;   // departmentLabel
    std::optional<std::string> agent_id;     // AgentId
    std::optional<std::string> client_id;    // ClientId
    std::optional<std::string> ticket_no;    // TicketNo
};

enum class ReportStatus { pending, ready, failed };
std::string_view to_string(ReportStatus s) noexcept;  // "pending", "ready", "failed"

struct Interaction {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string ricket;       // "2020120211197000019T"
    char kind = 'T';          // 'T' text, 'C' call
    std::string department, agent_id, client_id, ticket_no;
    std::string created_by;   // the dev key's username
    std::int64_t created_ms = 0;
    ReportStatus status = ReportStatus::pending;
    std::int64_t ready_ms = 0;        // 0 while pending
    std::string error;                // why, when failed
    std::size_t text_chars = 0;       // length of the text, in code points
    // Set when ready: the analysis of the redacted text (to_json(TextAnalysis)
    // shape: findings, promises, redacted_text, pci ...).
    std::optional<TextAnalysis> analysis;
    // Calls: the recording's length, and once ready the call report
    // (to_json(SpokenCall): transcript, events, statistics ...) and the
    // redacted recording, a file of the organisation.
    std::int64_t duration_ms = 0;
    std::string call_report;
    std::int64_t recording_file_id = 0;
    std::int64_t call_id = 0;  // the OpenCHS call whose recording it analyses (0: an upload)
    bool processing = false;   // a pending call whose analysis job is running now (report() sets it)
};

struct InteractionOptions {
    std::size_t max_text_bytes = 64 * 1024;  // longer TextContent is Error(too_large, "text")
    // Calls: the longest recording accepted (seconds; longer is
    // Error(too_large)), where unredacted recordings wait for their
    // analysis ("": calls are refused, field "spool_dir"), the speech-to-text
    // engine (null: calls are analysed acoustically, and the report says
    // what was skipped), how long both parties' silence makes a hold, and
    // how card data is covered in the stored recording.
    double max_call_seconds = 2 * 3600.0;
    std::string spool_dir;
    std::shared_ptr<Transcriber> transcriber;
    int hold_min_ms = SpokenCallOptions{}.hold_min_ms;
    std::string redaction = "silence";
    void validate() const;
};

class Jobs;
class Events;

class Interactions {
public:
    // Registers the "text_analysis" job kind with `jobs`; publishes
    // "interaction.ready" to `events` when an analysis is stored.
    Interactions(Database& db, PhrasePools& pools, Jobs& jobs, Events& events, InteractionOptions options = {});
    ~Interactions();

    // OctaPy IO2. Dev tokens only (an access token is Error(unauthorized)).
    // Validates the text (empty, blank, over max_text_bytes, not UTF-8: each
    // refused with the field "text", nothing stored), then stores the
    // interaction as pending and its analysis job in one transaction, and
    // returns at once. Card numbers in the labels are masked before they are
    // stored. The text waits in the job's payload, sealed (never in clear in
    // the database, nor in the log) until the analysis stores its redacted
    // form and the findings and marks the interaction ready; the payload is
    // then cleared. Error(busy, field "queue") when the jobs' backlog is at
    // its byte budget: nothing is stored, post again shortly.
    Interaction record_text(const Principal& who, const TextInteractionFields& fields);
    // OctaPy IO1. Dev tokens only. Decodes the upload at once: not a WAV
    // (Error(invalid_argument, "binary needs to be in .WAV format: ...",
    // field "first_channel" or "second_channel")), empty, more than two
    // channels, a second file with the first in stereo, or longer than
    // max_call_seconds (too_large) is refused with nothing stored. A second
    // file at another rate is resampled. The recording waits in the spool
    // directory (unredacted) and the interaction, kind 'C', is stored as
    // pending with its analysis job in one transaction. The job analyses it
    // with the organisation's silence and interruption lengths and call
    // length constraints (analyze_call), stores the redacted recording as a
    // file of the organisation (card data silenced), the report and the
    // redacted transcript, and removes the spooled recording.
    Interaction record_call(const Principal& who, const CallInteractionFields& fields);
    // The recording of an OpenCHS call (Calls) through the same pipeline:
    // admins and supervisors. The interaction carries the call's agent (as
    // AgentId), caller (ClientId) and ticket (TicketNo), and the call shows
    // its Ricket (Call::ricket) and its QA scorecards too (QaRecord::call_ricket).
    // Error(not_found, "call_id") for a call the organisation does not
    // have, Error(invalid_argument, "recording") for one without a recording.
    Interaction analyse_call_recording(const Principal& who, std::int64_t call_id);
    // OctaPy IO3. Dev tokens, admins and supervisors of the organisation.
    // Error(not_found, field "ricket") for an unknown Ricket or one of
    // another organisation (the same answer for both).
    Interaction report(const Principal& who, std::string_view ricket);

    // Where a call's redacted recording is stored: a file of the organisation
    // (set by the facade to its Files). Unset, calls are refused.
    using RecordingWriter =
        std::function<FileInfo(std::int64_t org_id, const std::string& name, const std::string& bytes)>;
    void set_recording_writer(RecordingWriter writer);
    // How a stored recording is read (the facade's Files).
    using FileReader = std::function<std::string(std::int64_t org_id, std::int64_t file_id)>;
    void set_file_reader(FileReader reader);
    // Removes spooled recordings that no pending call names (left by a crash
    // between the upload and its transaction); returns how many. Run once
    // at start by the facade.
    std::size_t sweep_spool();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// {"ricket", "kind", "department", "agent_id", "client_id", "ticket_no",
//  "created_by", "created_ms", "status", "ready_ms", "error", "text_chars",
//  "analysis": null | to_json(TextAnalysis)}; a call adds "duration_s",
//  "call": null | to_json(SpokenCall), "recording_file_id" (0 until ready)
//  "call_id" (0 for an upload) and "state": queued, processing, ready or failed.
std::string to_json(const Interaction& interaction);

}  // namespace switchboard
