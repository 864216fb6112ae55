// Internal: the store's interface for categories, contacts, tickets, their
// history, messages and full-text index. The rules live in src/cases.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/cases.hpp"
#include "switchboard/list.hpp"
#include "switchboard/store.hpp"

namespace switchboard::store {

// Which tickets a caller may see: the organisation's, narrowed to one
// assignee or one creator when set.
struct TicketScope {
    std::int64_t org_id = 0;
    std::int64_t assigned_to = 0;
    std::int64_t created_by = 0;
};

struct Actor {
    std::int64_t user_id = 0;
    std::string name;
};

// What a ticket status mail (docs/mail.md) is written from: read by the
// store in the transaction that changes the ticket.
struct StatusMailContext {
    std::string organisation;                        // its company name
    std::string creator_email, creator_name;         // who raised the ticket
    bool creator_is_customer = false;
    std::string contact_email, contact_name;         // the ticket's contact ("" when none)
    std::string agent_name;                          // the assigned agent, "" for nobody
    std::vector<std::string> disabled;               // the organisation's mail kinds switched off
};
// Given the ticket before the change (nullopt: just created), after it, and
// the context: the mail to write to the outbox in the same transaction, or
// nullopt. Runs inside the transaction: it must not call the store.
using StatusMail = std::function<std::optional<OutboxEmail>(const std::optional<Ticket>& before, const Ticket& after,
                                                            const StatusMailContext& context)>;

class CasesStore {
public:
    virtual ~CasesStore() = default;

    // The tickets kept in memory between reads by id (docs/store.md).
    virtual RecordCacheStats kept_stats() = 0;

    virtual Category insert_category(std::int64_t org_id, std::int64_t parent_id, const std::string& name) = 0;
    virtual std::optional<Category> category(std::int64_t org_id, std::int64_t id) = 0;
    virtual std::vector<Category> categories(std::int64_t org_id) = 0;

    // In one transaction: reuses the organisation's contact with the same
    // phone or email (updating the fields given) or creates one, numbers the
    // ticket, inserts it, records its creation and indexes it.
    // `mail`, when given, may write a status mail in the same transaction.
    virtual Ticket insert_ticket(const Ticket& ticket, const std::optional<ContactFields>& contact, const Actor& actor,
                                 const StatusMail& mail = {}) = 0;
    virtual std::optional<Ticket> ticket(const TicketScope& scope, std::int64_t id) = 0;
    // In one transaction: loads the ticket (nullopt when out of scope), lets
    // `change` edit it (it may throw: nothing is written), writes the changed
    // columns, one history row per changed field, and re-indexes it.
    // `change` runs inside the transaction: it must not call the store.
    virtual std::optional<Ticket> update_ticket(const TicketScope& scope, std::int64_t id,
                                        const std::function<void(Ticket&, std::optional<ContactFields>&)>& change,
                                        const Actor& actor, const StatusMail& mail = {}) = 0;
    virtual Page<Ticket> list_tickets(const TicketScope& scope, const ListQuery& q, const ListLimits& limits) = 0;
    virtual void tickets_csv(const TicketScope& scope, const ListQuery& q, const ListLimits& limits, const CsvSink& sink) = 0;
    virtual PivotReport pivot_tickets(const TicketScope& scope, const ListQuery& q, const std::vector<std::string>& xaxis,
                              const std::vector<std::string>& yaxis) = 0;
    virtual std::vector<TicketChange> history(std::int64_t ticket_id) = 0;

    // `mail` is given the ticket as both before and after.
    virtual TicketMessage insert_message(std::int64_t ticket_id, const Actor& author, const std::string& role,
                                 const std::string& body, const StatusMail& mail = {}) = 0;
    virtual std::vector<TicketMessage> messages(std::int64_t ticket_id) = 0;

};

}  // namespace switchboard::store
