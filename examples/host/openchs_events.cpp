// switchboard-host: the live feed of the core's events, in the OpenCHS
// dialect. GET /eproc/events answers with server-sent events, or a
// WebSocket when the client asks to upgrade; each event is one the caller
// may see (Events::may_see: a customer the events of their own tickets, a
// supervisor everything of the organisation). A client that reconnects
// with Last-Event-ID (or ?after=SEQ) first gets what it missed.
#include <mutex>

#include "openchs_common.hpp"
#include "switchboard/events.hpp"

namespace switchboard::host {

using namespace openchs;

namespace {

// One client's feed: what it has been sent, and the events that arrived
// while it was catching up from the store.
class Feed : public std::enable_shared_from_this<Feed> {
public:
    Feed(Events& events, Principal who, std::int64_t after) : events_(events), who_(std::move(who)), last_(after) {}

    // Subscribes, then sends what is stored after `after`, then goes live.
    // The subscription comes first, so that nothing stored in between is
    // missed; what it delivers before the catch-up ends waits in `early_`.
    std::shared_ptr<void> start(const std::shared_ptr<LiveChannel>& channel) {
        channel_ = channel;
        std::weak_ptr<Feed> weak = shared_from_this();
        const auto id = events_.subscribe([weak](const std::vector<Event>& stored) {
            if (auto self = weak.lock()) self->arrived(stored);
        });
        // The subscription keeps the feed alive; the stream keeps the
        // subscription until it ends.
        std::shared_ptr<void> subscription(nullptr, [&events = events_, id, self = shared_from_this()](void*) {
            events.unsubscribe(id);
        });

        const int limit = 500;
        for (;;) {
            EventBatch batch = events_.read(who_, last(), limit);
            std::lock_guard<std::mutex> lock(mu_);
            if (batch.gap)
                channel->send(LiveMessage{"", "gap", "{\"last_seq\":" + std::to_string(batch.last_seq) + "}"});
            for (const auto& e : batch.events) send_locked(e);
            last_ = std::max(last_, batch.last_seq);
            if (static_cast<int>(batch.events.size()) < limit) {
                // Caught up: what the listener held back goes now, in order.
                for (const auto& e : early_) send_locked(e);
                early_.clear();
                live_ = true;
                channel->send(LiveMessage{"", "ready", "{\"last_seq\":" + std::to_string(last_) + "}"});
                break;
            }
        }
        return subscription;
    }

private:
    std::int64_t last() {
        std::lock_guard<std::mutex> lock(mu_);
        return last_;
    }

    void arrived(const std::vector<Event>& stored) {
        std::lock_guard<std::mutex> lock(mu_);
        for (const auto& e : stored) {
            if (e.org_id != who_.org_id || !Events::may_see(who_, e)) continue;
            if (live_) send_locked(e);
            else early_.push_back(e);
        }
    }

    void send_locked(const Event& e) {
        if (e.seq <= sent_) return;  // already sent (from the store and the listener both)
        sent_ = e.seq;
        last_ = std::max(last_, e.seq);
        if (auto ch = channel_.lock()) ch->send(LiveMessage{std::to_string(e.seq), e.type, to_json(e)});
    }

    Events& events_;
    const Principal who_;
    std::weak_ptr<LiveChannel> channel_;
    std::mutex mu_;
    std::int64_t last_;      // resume point of the next read from the store
    std::int64_t sent_ = 0;  // the last seq sent
    bool live_ = false;
    std::vector<Event> early_;
};

// GET /eproc/events[?after=SEQ][&token=...]; Last-Event-ID wins over after.
// Without either, the feed starts with what happens from now on.
Response events_feed(Exchange& c) {
    Events& events = c.ctx.core.events();
    const std::string* resume = c.req.header("Last-Event-ID");
    const char* field = "Last-Event-ID";
    if (!resume || resume->empty()) {
        resume = c.req.query_value("after");
        field = "after";
    }
    std::int64_t after = 0;
    if (resume && !resume->empty()) {
        const auto n = parse_whole(*resume);
        if (!n || *n < 0) throw Refusal{std::string(field) + " must be an event number (0 or more)", field};
        after = *n;
    } else {
        after = c.core([&] { return events.last_seq(c.who); });
    }
    auto feed = std::make_shared<Feed>(events, c.who, after);
    c.core_called = true;
    return Response::live_stream([feed](const std::shared_ptr<LiveChannel>& channel) { return feed->start(channel); });
}

}  // namespace

void register_openchs_events(Server& server, Context& ctx) {
    server.route("GET", "/eproc/events", live_endpoint(ctx, "events", events_feed), RouteOptions{.fast = true});
}

}  // namespace switchboard::host
