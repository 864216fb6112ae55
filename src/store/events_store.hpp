// Internal: the store's interface for events. The rules (who sees what,
// retention) live in src/events.
#pragma once

#include <cstdint>
#include <vector>

#include "switchboard/events.hpp"

namespace switchboard::store {

// The seqs an organisation's stored events span.
struct EventBounds {
    std::int64_t first_kept = 0;  // the oldest event still kept; 0 when none is kept
    std::int64_t last = 0;        // the last seq given; 0 when none ever was
};

class EventsStore {
public:
    virtual ~EventsStore() = default;
    // Stores the events in one transaction, numbering each after its
    // organisation's last. An event of an organisation that no longer exists
    // is dropped. Returns those stored, seq set, in order.
    virtual std::vector<Event> append_events(const std::vector<Event>& events) = 0;
    // The organisation's events with seq > after_seq, in order, at most limit.
    virtual std::vector<Event> events_after(std::int64_t org_id, std::int64_t after_seq, int limit) = 0;
    virtual EventBounds event_bounds(std::int64_t org_id) = 0;
    // Deletes the events stored before `before_ms`.
    virtual void prune_events(std::int64_t before_ms) = 0;
};

}  // namespace switchboard::store
