// Text interactions: validation, the pending row, the analysis workers and
// the report.
#include "switchboard/interactions.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "accounts/internal.hpp"
#include "core/time.hpp"
#include "interactions/internal.hpp"
#include "store/text_store.hpp"
#include "text/utf8.hpp"

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

struct Job {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string text;
};

}  // namespace

void InteractionOptions::validate() const {
    if (max_text_bytes < 1 || max_text_bytes > (std::size_t{16} << 20))
        throw Error(ErrorCode::invalid_argument, "max_text_bytes must be between 1 and 16 MiB", "max_text_bytes");
    if (workers < 1 || workers > 16)
        throw Error(ErrorCode::invalid_argument, "workers must be between 1 and 16", "workers");
    if (max_queued < 1) throw Error(ErrorCode::invalid_argument, "max_queued must be 1 or more", "max_queued");
}

struct Interactions::Impl {
    Database& db;
    PhrasePools& pools;
    InteractionOptions options;

    std::mutex mu;
    std::condition_variable work_cv;  // a job was queued, or stopping
    std::condition_variable idle_cv;  // a job finished
    std::deque<Job> queue;
    std::size_t busy = 0;
    bool stopping = false;
    std::vector<std::thread> workers;

    Impl(Database& d, PhrasePools& p, InteractionOptions o) : db(d), pools(p), options(o) {}

    void run() {
        for (;;) {
            Job job;
            {
                std::unique_lock<std::mutex> lock(mu);
                work_cv.wait(lock, [&] { return stopping || !queue.empty(); });
                if (queue.empty()) return;  // stopping, nothing left
                job = std::move(queue.front());
                queue.pop_front();
                ++busy;
            }
            analyse(job);
            {
                std::lock_guard<std::mutex> lock(mu);
                --busy;
            }
            idle_cv.notify_all();
        }
    }

    void analyse(Job& job) {
        auto& store = db.text_store();
        try {
            TextOptions topts;
            topts.max_bytes = options.max_text_bytes;
            const TextAnalysis analysis = analyze_text(job.text, pools.analyzer(job.org_id), topts);
            store.finish_interaction(job.id, ReportStatus::ready, detail::now_ms(), "", analysis.redacted_text,
                                     to_json(analysis));
        } catch (const std::exception& e) {
            try {
                store.finish_interaction(job.id, ReportStatus::failed, detail::now_ms(), e.what(), "", "");
            } catch (const std::exception&) {
                // The store itself is failing: the interaction stays pending,
                // which its report shows.
            }
        }
        // The raw text lives no longer than its analysis.
        std::fill(job.text.begin(), job.text.end(), '\0');
        job.text.clear();
    }
};

Interactions::Interactions(Database& db, PhrasePools& pools, InteractionOptions options) {
    options.validate();
    impl_ = std::make_unique<Impl>(db, pools, options);
    for (int i = 0; i < options.workers; ++i) impl_->workers.emplace_back([this] { impl_->run(); });
}

Interactions::~Interactions() {
    {
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->stopping = true;
    }
    impl_->work_cv.notify_all();
    for (auto& t : impl_->workers) t.join();
}

Interaction Interactions::record_text(const Principal& who, const TextInteractionFields& fields) {
    auto& accounts = impl_->db.accounts_store();
    try {
        if (who.kind != TokenKind::dev) throw Error(ErrorCode::unauthorized, "unauthorized");
        check_text(fields.text, impl_->options.max_text_bytes);
        Interaction row;
        row.org_id = who.org_id;
        row.kind = 'T';
        row.department = label(fields.department, "department");
        row.agent_id = label(fields.agent_id, "agent_id");
        row.client_id = label(fields.client_id, "client_id");
        row.ticket_no = label(fields.ticket_no, "ticket_no");
        row.created_by = who.username;
        row.created_ms = detail::now_ms();
        row.text_chars = code_points(fields.text);
        {
            std::lock_guard<std::mutex> lock(impl_->mu);
            if (impl_->queue.size() >= impl_->options.max_queued)
                throw Error(ErrorCode::too_large,
                            "too many texts are waiting for analysis (" + std::to_string(impl_->options.max_queued) +
                                "); try again shortly",
                            "queue");
        }
        row = impl_->db.text_store().insert_interaction(row);
        {
            std::lock_guard<std::mutex> lock(impl_->mu);
            impl_->queue.push_back({row.id, row.org_id, fields.text});
        }
        impl_->work_cv.notify_one();
        detail::record_activity(accounts, who, "record_text", true,
                                "ricket " + row.ricket + ", " + std::to_string(row.text_chars) + " characters");
        return row;
    } catch (const Error& e) {
        detail::record_activity(accounts, who, "record_text", false, e.what());
        throw;
    }
}

Interaction Interactions::report(const Principal& who, std::string_view ricket_in) {
    const std::string ricket(ricket_in.substr(0, 40));
    return detail::audited(impl_->db.accounts_store(), who, "report", "ricket " + ricket, [&] {
        if (who.kind != TokenKind::dev) detail::require_role(who, {Role::admin, Role::supervisor});
        auto row = ricket.size() == ricket_in.size() ? impl_->db.text_store().interaction(who.org_id, ricket)
                                                     : std::nullopt;
        if (!row) throw Error(ErrorCode::not_found, "no interaction has this Ricket", "ricket");
        Interaction out = std::move(row->interaction);
        if (out.status == ReportStatus::ready && !row->analysis_json.empty())
            out.analysis = detail::analysis_from_json(row->analysis_json);
        return out;
    });
}

void Interactions::drain() {
    std::unique_lock<std::mutex> lock(impl_->mu);
    impl_->idle_cv.wait(lock, [&] { return impl_->queue.empty() && impl_->busy == 0; });
}

}  // namespace switchboard
