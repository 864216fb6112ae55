// Internal: the store's interface for file records (the content lives under
// the files directory; src/files decides where).
#pragma once

#include <cstdint>
#include <optional>

#include "switchboard/files.hpp"
#include "switchboard/list.hpp"

namespace switchboard::store {

class FilesStore {
public:
    virtual ~FilesStore() = default;
    virtual FileInfo insert_file(const FileInfo& f) = 0;
    virtual std::optional<FileInfo> file(std::int64_t org_id, std::int64_t id) = 0;
    // Filters: id, name, mime, sha256, uploaded_by, created_on.
    virtual Page<FileInfo> list_files(std::int64_t org_id, const ListQuery& q, const ListLimits& limits) = 0;
};

}  // namespace switchboard::store
