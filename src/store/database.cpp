// The public Database handle: the store behind it and the activity log's
// write-behind queue.
#include "switchboard/store.hpp"

#include "core/write_behind.hpp"
#include "store/store.hpp"
#include "switchboard/activity.hpp"

namespace switchboard {

struct Database::Impl {
    std::string path;
    std::unique_ptr<store::Store> store;
    // Declared last so that it is destroyed first, committing what is
    // queued while the store is still open.
    std::unique_ptr<detail::WriteBehind<ActivityEntry>> activity;
};

Database Database::open(const std::string& path, const DatabaseOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->store = store::open_store(path, options);
    auto& activity = impl->store->activity();
    impl->activity = std::make_unique<detail::WriteBehind<ActivityEntry>>(
        "activity log", [&activity](std::vector<ActivityEntry>& batch) { activity.write_activity(batch); },
        std::chrono::milliseconds(100));
    return Database(std::move(impl));
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

const std::string& Database::path() const noexcept { return impl_->path; }
int Database::schema_version() const { return impl_->store->schema_version(); }
RecordCacheStats Database::record_cache_stats() const { return impl_->store->cases().kept_stats(); }
int Database::latest_schema_version() noexcept { return store::latest_schema_version(); }
store::Store& Database::store() const { return *impl_->store; }
detail::WriteBehind<ActivityEntry>& Database::activity_queue() const { return *impl_->activity; }

namespace store {

namespace sqlite {
std::unique_ptr<Store> open(const std::string& path, const DatabaseOptions& options);
int latest_schema_version() noexcept;
}  // namespace sqlite

std::unique_ptr<Store> open_store(const std::string& location, const DatabaseOptions& options) {
    return sqlite::open(location, options);
}

int latest_schema_version() noexcept { return sqlite::latest_schema_version(); }

}  // namespace store

}  // namespace switchboard
