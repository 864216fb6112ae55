// Events: stored behind the changes that publish them, numbered per
// organisation, read back by who may see them, pushed to in-process
// listeners.
#include "switchboard/events.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>

#include <boost/json.hpp>

#include "cases/internal.hpp"
#include "core/json_text.hpp"
#include "core/time.hpp"
#include "core/write_behind.hpp"
#include "store/store.hpp"

namespace switchboard {

std::string_view to_string(EventAudience a) noexcept {
    switch (a) {
        case EventAudience::ticket: return "ticket";
        case EventAudience::staff: return "staff";
        case EventAudience::reports: return "reports";
        case EventAudience::agent: return "agent";
        case EventAudience::floor: return "floor";
    }
    return "staff";
}

void EventsOptions::validate() const {
    auto need = [](bool ok, const char* field, const char* rule) {
        if (!ok) throw Error(ErrorCode::invalid_argument, std::string(field) + " must be " + rule, field);
    };
    need(retention_ms >= 1000, "retention_ms", "1000 or more");
    need(max_batch >= 1 && max_batch <= 10000, "max_batch", "between 1 and 10000");
    need(poll_ms >= 10, "poll_ms", "10 or more");
}

bool Events::may_see(const Principal& who, const Event& e) {
    if (who.org_id == 0 || who.org_id != e.org_id) return false;
    const bool staff = who.kind == TokenKind::access && (who.role == Role::admin || who.role == Role::supervisor);
    switch (e.audience) {
        case EventAudience::ticket:
            return who.kind == TokenKind::access && detail::ticket_visible(who, e.org_id, e.assigned_to, e.created_by);
        case EventAudience::staff:
            return staff;
        case EventAudience::reports:
            return staff || who.kind == TokenKind::dev;
        case EventAudience::agent:
            return staff || (who.kind == TokenKind::access && who.user_id == e.assigned_to);
        case EventAudience::floor:
            return staff || (who.kind == TokenKind::access && who.role == Role::agent);
    }
    return false;
}

struct Events::Impl {
    Database& db;
    EventsOptions options;

    std::mutex mu;
    std::condition_variable stored_cv;  // a batch was stored
    std::uint64_t batches = 0;
    std::map<std::int64_t, Listener> listeners;
    std::int64_t next_listener = 1;
    std::int64_t last_prune_ms = 0;
    // Declared last: destroyed first, storing what is queued.
    std::unique_ptr<detail::WriteBehind<Event>> queue;

    Impl(Database& d, EventsOptions o) : db(d), options(o) {}

    void write(std::vector<Event>& batch) {
        auto& store = db.store().events();
        std::vector<Event> stored = store.append_events(batch);
        const auto now = detail::now_ms();
        std::vector<Listener> to_call;
        {
            std::lock_guard<std::mutex> lock(mu);
            ++batches;
            for (const auto& [id, l] : listeners) to_call.push_back(l);
        }
        stored_cv.notify_all();
        for (const auto& l : to_call) {
            try {
                l(stored);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "switchboard: an event listener failed: %s\n", e.what());
            }
        }
        // The retention window, swept at most once a minute.
        if (now - last_prune_ms > std::min<std::int64_t>(60'000, options.retention_ms / 4)) {
            last_prune_ms = now;
            try {
                store.prune_events(now - options.retention_ms);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "switchboard: old events could not be removed: %s\n", e.what());
            }
        }
    }
};

Events::Events(Database& db, EventsOptions options) {
    options.validate();
    impl_ = std::make_unique<Impl>(db, options);
    // A batch gathers for 10 ms: under load, one commit stores the events of
    // many changes (a live feed hardly notices the wait).
    impl_->queue = std::make_unique<detail::WriteBehind<Event>>(
        "event log", [impl = impl_.get()](std::vector<Event>& batch) { impl->write(batch); },
        std::chrono::milliseconds(10), 100000);
}

Events::~Events() { impl_->queue.reset(); }

void Events::publish(Event event) {
    if (event.time_ms == 0) event.time_ms = detail::now_ms();
    impl_->queue->push(std::move(event));
}

void Events::flush() { impl_->queue->flush(); }

std::int64_t Events::last_seq(const Principal& who) {
    if (who.org_id == 0) throw Error(ErrorCode::forbidden, "events belong to an organisation");
    impl_->queue->flush();
    return impl_->db.store().events().event_bounds(who.org_id).last;
}

EventBatch Events::read(const Principal& who, std::int64_t after_seq, int limit, std::chrono::milliseconds wait) {
    if (who.org_id == 0) throw Error(ErrorCode::forbidden, "events belong to an organisation");
    if (who.kind == TokenKind::access && who.must_change_password)
        throw Error(ErrorCode::password_change_required,
                    "the password is temporary: change it before doing anything else", "password");
    if (after_seq < 0) throw Error(ErrorCode::invalid_argument, "after must be 0 or more", "after");
    if (limit < 1 || limit > impl_->options.max_batch)
        throw Error(ErrorCode::invalid_argument,
                    "limit must be between 1 and " + std::to_string(impl_->options.max_batch), "limit");
    if (wait.count() < 0 || wait > std::chrono::minutes(10))
        throw Error(ErrorCode::invalid_argument, "wait must be between 0 and 600000 ms", "wait");
    // What this process has queued is stored first: a reader sees the events
    // of every change made before its read.
    impl_->queue->flush();
    auto& store = impl_->db.store().events();
    const auto until = std::chrono::steady_clock::now() + wait;
    EventBatch out;
    out.last_seq = after_seq;
    const store::EventBounds bounds = store.event_bounds(who.org_id);
    // Events after `after_seq` were removed when the oldest kept is further
    // on, or none is kept although some were given since.
    if (after_seq > 0 && after_seq < bounds.last &&
        (bounds.first_kept == 0 || bounds.first_kept > after_seq + 1))
        out.gap = true;
    for (;;) {
        std::uint64_t seen;
        {
            std::lock_guard<std::mutex> lock(impl_->mu);
            seen = impl_->batches;
        }
        // Read on past events the caller may not see, a batch at a time.
        for (int pages = 0; pages < 64 && static_cast<int>(out.events.size()) < limit; ++pages) {
            const auto page = store.events_after(who.org_id, out.last_seq, impl_->options.max_batch);
            for (const Event& e : page) {
                if (static_cast<int>(out.events.size()) == limit) break;
                out.last_seq = e.seq;
                if (may_see(who, e)) out.events.push_back(e);
            }
            if (static_cast<int>(page.size()) < impl_->options.max_batch) break;
        }
        if (!out.events.empty() || std::chrono::steady_clock::now() >= until) return out;
        std::unique_lock<std::mutex> lock(impl_->mu);
        const auto poll = std::chrono::steady_clock::now() + std::chrono::milliseconds(impl_->options.poll_ms);
        impl_->stored_cv.wait_until(lock, std::min(until, poll), [&] { return impl_->batches != seen; });
    }
}

std::int64_t Events::subscribe(Listener listener) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    const std::int64_t id = impl_->next_listener++;
    impl_->listeners[id] = std::move(listener);
    return id;
}

void Events::unsubscribe(std::int64_t id) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->listeners.erase(id);
}

namespace {

boost::json::object event_obj(const Event& e) {
    boost::json::object o;
    o["seq"] = e.seq;
    o["org_id"] = e.org_id;
    o["type"] = e.type;
    o["time_ms"] = e.time_ms;
    o["subject"] = e.subject;
    boost::json::error_code ec;
    boost::json::value data = boost::json::parse(e.data, ec);
    o["data"] = ec ? boost::json::value(boost::json::object()) : std::move(data);
    return o;
}

}  // namespace

std::string to_json(const Event& event) { return detail::json_text(event_obj(event)); }

std::string to_json(const EventBatch& batch) {
    boost::json::object o;
    boost::json::array list;
    for (const Event& e : batch.events) list.push_back(event_obj(e));
    o["events"] = std::move(list);
    o["last_seq"] = batch.last_seq;
    o["gap"] = batch.gap;
    return detail::json_text(o);
}

}  // namespace switchboard
