// switchboard: the case records of a helpline: contacts, categories, tickets
// with their history and conversations.
//
// Who sees which ticket (the rule lives here, once):
//   admin, supervisor  every ticket of the organisation
//   agent              the tickets assigned to them
//   customer           the tickets they raised
// Anything else answers not_found, so ids of unseen tickets are not confirmed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/accounts.hpp"
#include "switchboard/list.hpp"

namespace switchboard {

class Database;
class Events;

struct Contact {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string first_name, last_name, phone, email, town, country, user_category, position_in_org, org_name;
    std::int64_t created_ms = 0, updated_ms = 0;
};

struct ContactFields {
    std::optional<std::string> first_name, last_name, phone, email, town, country, user_category,
        position_in_org, org_name;
};

struct Category {
    std::int64_t id = 0;
    std::int64_t parent_id = 0;  // 0 for a main category
    std::string name;
};

struct Ticket {
    std::int64_t id = 0;            // internal
    std::int64_t org_id = 0;
    std::string ticket_no;          // shown to people: "TK000123", per organisation
    std::string source;             // walkin | call | email | sms
    std::string source_id;
    std::int64_t category_main = 0, category_sub = 0;  // 0: none
    std::string narrative, resolution;
    std::string status;             // open | closed | escalated
    std::string priority;           // high | medium | low
    std::string referred_to, escalated_to;
    std::string disposition;        // "" | blank-call | call-disconnected | prank | call-completed | transfer
    std::int64_t contact_id = 0;
    std::int64_t assigned_to = 0;   // user id, 0: nobody
    std::int64_t created_by = 0;
    std::int64_t created_ms = 0, updated_ms = 0;
    std::optional<Contact> contact;
};

// Fields for creating or updating a ticket; unset fields keep their value
// (update) or their default (create: source walkin, status open, priority
// medium). `contact` creates the contact, or reuses the organisation's
// contact with the same phone or email.
struct TicketFields {
    std::optional<std::string> source, source_id, narrative, resolution, status, priority, referred_to,
        escalated_to, disposition;
    std::optional<std::int64_t> category_main, category_sub, assigned_to;
    std::optional<ContactFields> contact;
};

struct TicketChange {
    std::int64_t id = 0;
    std::int64_t ticket_id = 0;
    std::string field, old_value, new_value;
    std::int64_t user_id = 0;
    std::string actor;
    std::int64_t time_ms = 0;
};

struct TicketMessage {
    std::int64_t id = 0;
    std::int64_t ticket_id = 0;
    std::int64_t author_id = 0;
    std::string author, author_role, body;
    std::int64_t time_ms = 0;
};

struct CasesOptions {
    ListLimits list_limits;
    std::size_t max_text = 64 * 1024;     // narrative, resolution, a message (bytes)
};

class Cases {
public:
    // Publishes "ticket.created", "ticket.changed" and "message.posted" to
    // `events` after each change is committed (docs/events.md).
    Cases(Database& db, Events& events, CasesOptions options = {});

    // Categories: admins add them; every role reads them.
    Category add_category(const Principal& who, std::string_view name, std::int64_t parent_id = 0);
    std::vector<Category> list_categories(const Principal& who);

    // Tickets. Admins, supervisors and agents create tickets (agents become
    // the assignee when none is given); customers raise their own tickets.
    Ticket create_ticket(const Principal& who, const TicketFields& fields);
    // Admins and supervisors change anything; the assigned agent anything but
    // the assignee; the customer who raised it only the narrative.
    Ticket update_ticket(const Principal& who, std::int64_t ticket_id, const TicketFields& fields);
    Ticket get_ticket(const Principal& who, std::int64_t ticket_id);
    // Filters: id, ticket_no, source, source_id, category_main, category_sub,
    // status, priority, referred_to, escalated_to, disposition, contact_id,
    // assigned_to, created_by, created_on, updated_on ("A to B"); search is
    // full text over narrative, resolution, contact names and phone, messages.
    Page<Ticket> list_tickets(const Principal& who, const ListQuery& query);
    // The same selection (count/offset apply when given) as CSV, streamed.
    void export_tickets_csv(const Principal& who, const ListQuery& query, const CsvSink& sink);
    // Group fields: source, category_main, category_sub, status, priority,
    // referred_to, escalated_to, disposition.
    PivotReport report_tickets(const Principal& who, const ListQuery& query, const std::vector<std::string>& xaxis,
                               const std::vector<std::string>& yaxis);
    std::vector<TicketChange> ticket_history(const Principal& who, std::int64_t ticket_id);

    // Customer Care Registry: an admin or supervisor assigns an agent; the
    // customer (or staff) closes the ticket.
    Ticket assign_ticket(const Principal& who, std::int64_t ticket_id, std::int64_t agent_id);
    Ticket close_ticket(const Principal& who, std::int64_t ticket_id);

    // The conversation on a ticket, between its customer, its agent and
    // supervisors, in order.
    TicketMessage post_message(const Principal& who, std::int64_t ticket_id, std::string_view body);
    std::vector<TicketMessage> list_messages(const Principal& who, std::int64_t ticket_id);

    // Ticket status mails (docs/mail.md): a ticket created, assigned,
    // replied to by staff or closed writes a mail to its customer in the
    // same transaction. Called (after the commit) each time one is written:
    // the facade wakes the mailer with it. Set once, before the Cases is
    // shared between threads.
    void on_mail_written(std::function<void()> listener);

    // Mail in (messages.hpp's mailbox): a ticket opened by a mail, with
    // source "email" and the mail's Message-ID as source_id, its contact the
    // sender's (the organisation's with that address, or a new one); the
    // created mail goes to the contact. A second call with the same source_id
    // answers the ticket the first made. No principal: the mailbox acts for
    // the organisation.
    Ticket open_ticket_from_mail(std::int64_t org_id, const ContactFields& sender, std::string_view narrative,
                                 std::string_view message_id);
    // A mail's text added to a ticket's conversation, by its sender (role
    // "contact"); nothing is mailed back. Error(invalid_argument, "status")
    // for a closed ticket.
    TicketMessage add_mail_message(std::int64_t org_id, std::int64_t ticket_id, std::string_view author,
                                   std::string_view body);
    // The organisation's ticket with this number ("TK000123"), if any.
    std::optional<Ticket> ticket_by_number(std::int64_t org_id, std::string_view ticket_no);

private:
    void mail_written(bool written) const;

    Database& db_;
    Events& events_;
    CasesOptions options_;
    std::function<void()> mail_listener_;
};

}  // namespace switchboard
