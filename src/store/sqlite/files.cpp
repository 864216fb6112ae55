// The SQLite store: file records.
#include "core/csv.hpp"
#include "core/time.hpp"
#include "store/sqlite/list_run.hpp"
#include "store/sqlite/stores.hpp"

namespace switchboard::store::sqlite {

namespace {

constexpr const char* kFileColumns =
    "f.id, f.org_id, f.name, f.mime, f.size, f.sha256, ifnull(f.uploaded_by, 0), f.created_ms";

FileInfo read_file(const Prepared& st) {
    FileInfo f;
    f.id = st->getColumn(0).getInt64();
    f.org_id = st->getColumn(1).getInt64();
    f.name = st->getColumn(2).getString();
    f.mime = st->getColumn(3).getString();
    f.size = st->getColumn(4).getInt64();
    f.sha256 = st->getColumn(5).getString();
    f.uploaded_by = st->getColumn(6).getInt64();
    f.created_ms = st->getColumn(7).getInt64();
    return f;
}

const ListSpec& file_spec() {
    static const ListSpec spec{"files",
                               {{"id", "f.id", FieldKind::integer},
                                {"name", "f.name", FieldKind::text},
                                {"mime", "f.mime", FieldKind::text},
                                {"sha256", "f.sha256", FieldKind::text},
                                {"uploaded_by", "f.uploaded_by", FieldKind::integer},
                                {"created_on", "f.created_ms", FieldKind::time}},
                               {"f.name"},
                               {},
                               {},
                               {"mime"}};
    return spec;
}

class Files final : public FilesStore {
public:
    explicit Files(Pool& db) : db_(db) {}
    FileInfo insert_file(const FileInfo& f) override;
    std::optional<FileInfo> file(std::int64_t org_id, std::int64_t id) override;
    Page<FileInfo> list_files(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) override;

private:
    Pool& db_;
};

}  // namespace

FileInfo Files::insert_file(const FileInfo& f) {
    return db_.write([&](SQLite::Database& db) {
        Prepared st(db,
                    "INSERT INTO files (org_id, name, mime, size, sha256, uploaded_by, created_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)");
        st->bind(1, static_cast<int64_t>(f.org_id));
        st->bind(2, f.name);
        st->bind(3, f.mime);
        st->bind(4, static_cast<int64_t>(f.size));
        st->bind(5, f.sha256);
        if (f.uploaded_by) st->bind(6, static_cast<int64_t>(f.uploaded_by)); else st->bind(6);
        st->bind(7, static_cast<int64_t>(detail::now_ms()));
        st->exec();
        FileInfo out = f;
        out.id = db.getLastInsertRowid();
        Prepared get(db, std::string("SELECT ") + kFileColumns + " FROM files f WHERE f.id = ?");
        get->bind(1, static_cast<int64_t>(out.id));
        get->executeStep();
        return read_file(get);
    });
}

std::optional<FileInfo> Files::file(std::int64_t org_id, std::int64_t id) {
    return db_.read([&](SQLite::Database& db) -> std::optional<FileInfo> {
        Prepared st(db, std::string("SELECT ") + kFileColumns + " FROM files f WHERE f.org_id = ? AND f.id = ?");
        st->bind(1, static_cast<int64_t>(org_id));
        st->bind(2, static_cast<int64_t>(id));
        if (!st->executeStep()) return std::nullopt;
        return read_file(st);
    });
}

Page<FileInfo> Files::list_files(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) {
    const Where w = org_where(file_spec(), org_id, q);
    const auto [count, offset] = page_bounds(q, limits);
    return db_.read([&](SQLite::Database& db) {
        SQLite::Transaction snapshot(db);
        const std::string from = "FROM files f WHERE f.org_id = ?";
        return run_list<FileInfo>(db, from, from, w, count, offset, kFileColumns, read_file);
    });
}

std::unique_ptr<FilesStore> make_files_store(Pool& pool) { return std::make_unique<Files>(pool); }

}  // namespace switchboard::store::sqlite
