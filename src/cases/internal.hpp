// Internal: the rule of who sees which ticket, shared by the ticket reads
// (src/cases) and the events about tickets (src/events).
#pragma once

#include <cstdint>

#include "store/cases_store.hpp"
#include "switchboard/accounts.hpp"

namespace switchboard::detail {

// The tickets `who` may read: the organisation's; an agent's narrowed to
// those assigned to them, a customer's to those they raised.
store::TicketScope ticket_scope(const Principal& who);

// Whether a ticket with this assignee and creator is in `who`'s scope.
bool ticket_visible(const Principal& who, std::int64_t org_id, std::int64_t assigned_to, std::int64_t created_by);

}  // namespace switchboard::detail
