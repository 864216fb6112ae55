// Internal: the store's interface for the outbox, the emails the library
// writes for a mail sender to deliver.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/accounts.hpp"

namespace switchboard::store {

class OutboxStore {
public:
    virtual ~OutboxStore() = default;
    // Every email, or those to one address ("" for all), oldest first.
    virtual std::vector<OutboxEmail> outbox(const std::string& to_address) = 0;
    // Sets sent_ms and clears the body unless already sent; nullopt when
    // there is no such email.
    virtual std::optional<OutboxEmail> mark_outbox_sent(std::int64_t id) = 0;
};

}  // namespace switchboard::store
