// Files stored by content hash under the files directory.
#include "switchboard/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/crypto.hpp"
#include "accounts/internal.hpp"
#include "files/internal.hpp"

namespace switchboard {

namespace fs = std::filesystem;

namespace {

constexpr std::initializer_list<Role> kEveryone = {Role::admin, Role::supervisor, Role::agent, Role::customer};

bool staff(const Principal& who) { return who.role == Role::admin || who.role == Role::supervisor; }

void check_name(std::string_view name) {
    auto bad = [&](const std::string& why) {
        throw Error(ErrorCode::invalid_argument, "file name isn't valid: " + why, "name");
    };
    if (name.empty()) bad("it is empty");
    if (name.size() > 255) bad("it is over 255 bytes");
    if (name == "." || name == "..") bad("it is a directory name");
    if (name.find("..") != std::string_view::npos) bad("it contains \"..\"");
    for (unsigned char c : name) {
        if (c == '/' || c == '\\') bad("it contains a path separator");
        if (c < 0x20 || c == 0x7f) bad("it contains a control character");
    }
}

[[noreturn]] void io_error(const std::string& what, const fs::path& p) {
    throw Error(ErrorCode::storage, what + " " + p.string() + ": " + std::strerror(errno));
}

// Writes `content` to `target` through a temporary file in the same
// directory: written, flushed to disk, then renamed into place.
void write_atomically(const fs::path& target, std::string_view content) {
    fs::create_directories(target.parent_path());
    const fs::path tmp = target.parent_path() / (".tmp-" + detail::random_token(16));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) io_error("cannot create", tmp);
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            ::unlink(tmp.c_str());
            io_error("cannot write", tmp);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        io_error("cannot flush", tmp);
    }
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
        ::unlink(tmp.c_str());
        io_error("cannot move into place", target);
    }
}

}  // namespace

Files::Files(Database& db, FilesOptions options) : db_(db), options_(std::move(options)) {
    if (options_.dir.empty()) throw Error(ErrorCode::invalid_argument, "the files directory is not set", "dir");
    if (options_.max_bytes < 1) throw Error(ErrorCode::invalid_argument, "max_bytes must be 1 or more", "max_bytes");
    std::error_code ec;
    fs::create_directories(options_.dir, ec);
    if (ec) throw Error(ErrorCode::storage, "cannot create the files directory " + options_.dir + ": " + ec.message(), "dir");
}

std::string Files::content_path(const FileInfo& f) const {
    return (fs::path(options_.dir) / f.sha256.substr(0, 2) / f.sha256.substr(2)).string();
}

FileInfo Files::upload(const Principal& who, std::string_view name, std::string_view mime_in, std::string_view content) {
    return detail::audited(db_, who, "upload_file",
                           "file of " + std::to_string(content.size()) + " bytes", [&] {
        detail::require_role(who, kEveryone);
        check_name(name);
        const std::string mime = mime_in.empty() ? "application/octet-stream" : detail::trimmed(mime_in);
        if (mime.size() > 255 || mime.find_first_of("\r\n") != std::string::npos)
            throw Error(ErrorCode::invalid_argument, "the content type isn't valid", "mime");
        if (content.empty()) throw Error(ErrorCode::invalid_argument, "the file is empty", "file");
        if (static_cast<std::int64_t>(content.size()) > options_.max_bytes)
            throw Error(ErrorCode::too_large,
                        "the file is over the limit of " + std::to_string(options_.max_bytes) + " bytes", "file");
        FileInfo f;
        f.org_id = who.org_id;
        f.name = std::string(name);
        f.mime = mime;
        f.size = static_cast<std::int64_t>(content.size());
        f.sha256 = detail::sha256_hex(content);
        f.uploaded_by = who.user_id;
        const fs::path target = content_path(f);
        std::error_code ec;
        if (!(fs::exists(target, ec) && fs::file_size(target, ec) == content.size())) write_atomically(target, content);
        return db_.store().files().insert_file(f);
    });
}

namespace detail {

std::optional<FileInfo> readable_file(Database& db, const Principal& who, std::int64_t id) {
    auto f = db.store().files().file(who.org_id, id);
    if (!f || (!staff(who) && f->uploaded_by != who.user_id)) return std::nullopt;
    return f;
}

}  // namespace detail

namespace {

FileInfo visible_file(Database& db, const Principal& who, std::int64_t id) {
    auto f = detail::readable_file(db, who, id);
    if (!f) throw Error(ErrorCode::not_found, "no file " + std::to_string(id), "id");
    return *f;
}

}  // namespace

FileInfo Files::info(const Principal& who, std::int64_t id) {
    return detail::audited(db_, who, "file_info", "file " + std::to_string(id), [&] {
        detail::require_role(who, kEveryone);
        return visible_file(db_, who, id);
    });
}

std::string Files::read(const Principal& who, std::int64_t id) {
    return detail::audited(db_, who, "read_file", "file " + std::to_string(id), [&] {
        detail::require_role(who, kEveryone);
        const FileInfo f = visible_file(db_, who, id);
        std::ifstream in(content_path(f), std::ios::binary);
        if (!in) throw Error(ErrorCode::storage, "the content of file " + std::to_string(id) + " is missing");
        std::string bytes{std::istreambuf_iterator<char>(in), {}};
        if (detail::sha256_hex(bytes) != f.sha256)
            throw Error(ErrorCode::storage, "the content of file " + std::to_string(id) + " does not match its SHA-256");
        return bytes;
    });
}

std::pair<FileInfo, std::string> Files::content_of(std::int64_t org_id, std::int64_t id) {
    auto f = db_.store().files().file(org_id, id);
    if (!f) throw Error(ErrorCode::not_found, "there is no file " + std::to_string(id), "file_id");
    std::ifstream in(content_path(*f), std::ios::binary);
    if (!in) throw Error(ErrorCode::storage, "the content of file " + std::to_string(id) + " is missing");
    std::string bytes{std::istreambuf_iterator<char>(in), {}};
    if (detail::sha256_hex(bytes) != f->sha256)
        throw Error(ErrorCode::storage, "the content of file " + std::to_string(id) + " does not match its SHA-256");
    return {*f, std::move(bytes)};
}

std::string Files::read_range(const Principal& who, std::int64_t id, std::int64_t offset, std::int64_t length) {
    return detail::audited(db_, who, "read_file",
                           "file " + std::to_string(id) + " from byte " + std::to_string(offset), [&] {
        detail::require_role(who, kEveryone);
        const FileInfo f = visible_file(db_, who, id);
        if (offset < 0 || offset > f.size)
            throw Error(ErrorCode::invalid_argument,
                        "the offset " + std::to_string(offset) + " is not in file " + std::to_string(id) + " (" +
                            std::to_string(f.size) + " bytes)",
                        "offset");
        if (length < 0) throw Error(ErrorCode::invalid_argument, "the length must be 0 or more", "length");
        std::ifstream in(content_path(f), std::ios::binary | std::ios::ate);
        if (!in) throw Error(ErrorCode::storage, "the content of file " + std::to_string(id) + " is missing");
        if (static_cast<std::int64_t>(in.tellg()) != f.size)
            throw Error(ErrorCode::storage, "the content of file " + std::to_string(id) + " does not have its size");
        std::string bytes(static_cast<std::size_t>(std::min(length, f.size - offset)), '\0');
        in.seekg(offset);
        if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
            throw Error(ErrorCode::storage, "the content of file " + std::to_string(id) + " cannot be read");
        return bytes;
    });
}

Page<FileInfo> Files::list(const Principal& who, const ListQuery& query) {
    return detail::audited(db_, who, "list_files", "", [&] {
        detail::require_role(who, kEveryone);
        ListQuery q = query;
        if (!staff(who)) q.filters.emplace_back("uploaded_by", std::to_string(who.user_id));
        return db_.store().files().list_files(who.org_id, q, options_.list_limits);
    });
}

}  // namespace switchboard
