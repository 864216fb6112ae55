// switchboard: events, the changes other parts react to.
//
// When a change is committed (a ticket created or changed, a message
// posted, an interaction ready, a job failed ...), the module that made it
// publishes an event. Events are numbered per organisation (seq 1, 2, 3 ...)
// as they are stored, and kept for a retention window, so that a reader
// (the host's live feeds, a notification sender) can resume from the last
// number it saw. A reader sees only the events about records it may read,
// by the same rule that reads the record: a customer sees the events of
// their own tickets, an agent those of the tickets assigned to them.
//
// Events are stored behind the change that caused them, by one background
// writer that commits what has gathered in one transaction (within 10 ms),
// as the activity log is; a read first stores what its process has queued; a process killed in between loses the events of its last
// moments, never the records. Every definition is in docs/events.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/accounts.hpp"

namespace switchboard {

class Database;

// Who may see an event: the rule of the record it is about.
enum class EventAudience {
    ticket,    // the ticket rule: admins and supervisors, the assigned agent, the customer who raised it
    staff,     // admins and supervisors
    reports,   // admins, supervisors and dev tokens (interaction reports, jobs)
    agent,     // admins, supervisors, and the agent it is about (assigned_to): presence changes
    floor,     // everyone who takes calls: admins, supervisors, agents (queues' waiting calls)
};
std::string_view to_string(EventAudience a) noexcept;

struct Event {
    std::int64_t seq = 0;        // per organisation, from 1; set when stored
    std::int64_t org_id = 0;
    std::string type;            // "ticket.created", "ticket.changed", "message.posted", "interaction.ready", "job.failed",
                                 // "agent.state", "queue.changed", "call.offered", "offer.missed"
    std::int64_t time_ms = 0;
    std::string subject;         // the record: a ticket number, a Ricket, a job id
    std::string data;            // a JSON object: the record as its reader sees it
    EventAudience audience = EventAudience::staff;
    std::int64_t assigned_to = 0;  // ticket events: the ticket's agent and customer when it changed
    std::int64_t created_by = 0;
};

// What a reader gets.
struct EventBatch {
    std::vector<Event> events;   // in seq order, those the reader may see
    // The seq to resume after: the last event looked at (seen or not), or
    // the `after` given when there was none.
    std::int64_t last_seq = 0;
    // True when events after `after` were already removed (older than the
    // retention window): the reader has missed some and should reload what
    // it shows, then go on from last_seq.
    bool gap = false;
};

struct EventsOptions {
    std::int64_t retention_ms = 24LL * 3600'000;  // events older than this are removed
    int max_batch = 1000;                         // most events one read returns
    std::int64_t poll_ms = 1'000;                 // a waiting reader also looks this often (another process's events)
    void validate() const;
};

class Events {
public:
    Events(Database& db, EventsOptions options = {});
    // Stores what is still queued.
    ~Events();
    Events(const Events&) = delete;
    Events& operator=(const Events&) = delete;

    // --- publishing (modules, after their change is committed)
    // Queues the event; it is stored (and numbered) by the background writer.
    void publish(Event event);
    // Stores what is queued before it returns (tests, shutdown).
    void flush();

    // --- reading
    // The caller's organisation's events after `after_seq` that the caller
    // may see, at most `limit` (1 to options().max_batch). When there is none
    // yet, waits up to `wait` for one. after_seq 0 starts at the oldest kept.
    // What this process has queued is stored first, so a reader sees the
    // events of every change made before its read.
    EventBatch read(const Principal& who, std::int64_t after_seq, int limit = 100,
                    std::chrono::milliseconds wait = std::chrono::milliseconds(0));
    // The last seq of the caller's organisation (0 when none yet): a reader
    // that wants only what happens from now on starts after it.
    std::int64_t last_seq(const Principal& who);

    // --- in-process listeners (the library's own reactions: notifications,
    // live feeds). Called on the writer's thread after each stored batch,
    // with every event of every organisation, unfiltered: a listener must
    // apply may_see() before it hands an event to a person. A listener must
    // not block for long, nor throw (what it throws is reported on stderr).
    using Listener = std::function<void(const std::vector<Event>& stored)>;
    // Returns an id for unsubscribe().
    std::int64_t subscribe(Listener listener);
    void unsubscribe(std::int64_t id);

    // The rule: whether `who` may see `event` (its organisation, and the
    // audience's rule for the record it is about).
    static bool may_see(const Principal& who, const Event& event);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// {"seq", "org_id", "type", "time_ms", "subject", "data": {...}}
std::string to_json(const Event& event);
// {"events": [...], "last_seq", "gap"}
std::string to_json(const EventBatch& batch);

}  // namespace switchboard
