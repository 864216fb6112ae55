// switchboard: case records as JSON text (contacts, categories, tickets with
// their history and conversations) and ticket input read from it. The
// conventions are json.hpp's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "switchboard/cases.hpp"
#include "switchboard/list.hpp"

namespace switchboard::json {

// A ticket carries its contact as "contact" (null when none).
std::string to_json(const Contact& c);
std::string to_json(const Category& c);
std::string to_json(const std::vector<Category>& cs);
std::string to_json(const Ticket& t);
std::string to_json(const Page<Ticket>& p);        // {"total": n, "items": [...]}
std::string to_json(const TicketChange& c);
std::string to_json(const std::vector<TicketChange>& cs);
std::string to_json(const TicketMessage& m);
std::string to_json(const std::vector<TicketMessage>& ms);

// Any of {"source", "source_id", "category_main", "category_sub", "narrative",
// "resolution", "status", "priority", "referred_to", "escalated_to",
// "disposition", "assigned_to", "contact": {"first_name", "last_name",
// "phone", "email", "town", "country", "user_category", "position_in_org",
// "org_name"}}
TicketFields ticket_fields_from_json(std::string_view text);

}  // namespace switchboard::json
