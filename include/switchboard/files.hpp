// switchboard: files (OpenCHS 9): user photos, call recordings and, later,
// email attachments.
//
// Content is stored under the files directory by its SHA-256
// (`<dir>/ab/cdef...`), never under a name the client chose; the name is
// metadata only. The same content uploaded twice is stored once. A file is
// written to a temporary name, flushed and renamed into place before its
// record is committed, so a record never points at a half-written file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "switchboard/accounts.hpp"
#include "switchboard/list.hpp"

namespace switchboard {

class Database;

struct FileInfo {
    std::int64_t id = 0;
    std::int64_t org_id = 0;
    std::string name;          // as uploaded, without any directory part
    std::string mime;          // as declared ("application/octet-stream" when none)
    std::int64_t size = 0;     // bytes
    std::string sha256;        // hex
    std::int64_t uploaded_by = 0;
    std::int64_t created_ms = 0;
};

struct FilesOptions {
    std::string dir;                          // required: where content lives
    std::int64_t max_bytes = 50LL << 20;      // largest file accepted
    ListLimits list_limits;
};

class Files {
public:
    // Throws Error(invalid_argument, "dir") when options.dir is empty; creates it.
    Files(Database& db, FilesOptions options);

    // Any role of the organisation may upload. Refused: an empty file, one
    // over max_bytes (too_large), a name with a path separator, "..", a
    // control character, or over 255 bytes.
    FileInfo upload(const Principal& who, std::string_view name, std::string_view mime, std::string_view content);
    FileInfo info(const Principal& who, std::int64_t file_id);
    // The file's bytes (checked against its SHA-256).
    std::string read(const Principal& who, std::int64_t file_id);
    // Up to `length` bytes of the file from byte `offset` (fewer at its end,
    // none from its end on), read without loading the rest: a player that
    // seeks in a recording, or a copy made a part at a time. A part cannot
    // be checked against the file's SHA-256; the content is checked to have
    // the file's size. Refused (invalid_argument): an offset below 0 or past
    // the end ("offset"), a length below 0 ("length").
    std::string read_range(const Principal& who, std::int64_t file_id, std::int64_t offset, std::int64_t length);
    // A file of an organisation and its bytes, for the library's own readers
    // (the mailer's attachments): no principal, nothing logged.
    // Error(not_found) for a file the organisation does not have.
    std::pair<FileInfo, std::string> content_of(std::int64_t org_id, std::int64_t file_id);
    // Filters: id, name, mime, sha256, uploaded_by, created_on.
    Page<FileInfo> list(const Principal& who, const ListQuery& query);

    // Where a file's content lives (for adapters that stream it).
    std::string content_path(const FileInfo& f) const;
    const FilesOptions& options() const noexcept { return options_; }

private:
    Database& db_;
    FilesOptions options_;
};

}  // namespace switchboard
