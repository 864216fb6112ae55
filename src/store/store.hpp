// Internal: the store, an interface per idea over one backend. The domain
// (src/accounts, src/cases ...) reaches records only through these; the
// SQLite implementation lives in src/store/sqlite, and a second backend
// implements the same interfaces without any change above the store.
//
// Rules live in the domain. An implementation stores and fetches, keeps the
// multi-record changes it is given in one transaction, and runs callbacks it
// is given (a ticket edit, a settings check) inside that transaction: such a
// callback never calls the store again.
#pragma once

#include <memory>
#include <string>

#include "store/accounts_store.hpp"
#include "store/activity_store.hpp"
#include "store/calls_store.hpp"
#include "store/cases_store.hpp"
#include "store/events_store.hpp"
#include "store/files_store.hpp"
#include "store/jobs_store.hpp"
#include "store/messages_store.hpp"
#include "store/outbox_store.hpp"
#include "store/presence_store.hpp"
#include "store/qa_store.hpp"
#include "store/sessions_store.hpp"
#include "store/stats_store.hpp"
#include "store/text_store.hpp"
#include "switchboard/store.hpp"

namespace switchboard::store {

class Store {
public:
    virtual ~Store() = default;

    virtual AccountsStore& accounts() = 0;
    virtual SessionsStore& sessions() = 0;
    virtual OutboxStore& outbox() = 0;
    virtual ActivityStore& activity() = 0;
    virtual CasesStore& cases() = 0;
    virtual FilesStore& files() = 0;
    virtual CallsStore& calls() = 0;
    virtual QaStore& qa() = 0;
    virtual StatsStore& stats() = 0;
    virtual TextStore& text() = 0;
    virtual JobsStore& jobs() = 0;
    virtual EventsStore& events() = 0;
    virtual PresenceStore& presence() = 0;
    virtual MessagesStore& messages() = 0;

    virtual int schema_version() = 0;
};

// Opens the store at `location` (a SQLite file, or ":memory:"), creating and
// migrating it as DatabaseOptions say.
std::unique_ptr<Store> open_store(const std::string& location, const DatabaseOptions& options);
int latest_schema_version() noexcept;

}  // namespace switchboard::store
