// Uploaded files through the C API.
#include <string>

#include "capi_internal.hpp"
#include "switchboard/json.hpp"

using namespace switchboard;
using namespace switchboard::capi;

namespace {

// A call that hands the caller bytes of a file: `read(who)` gives them, and
// they are returned in memory from malloc, one byte more than needed so
// that an empty result is not NULL.
template <class Read>
int give_file_bytes(sb_db* db, void** out_data, size_t* out_len, const char* token, const char* function,
                    Read&& read) {
    reset_out(out_data);
    if (out_len != nullptr) *out_len = 0;
    return guard([&] {
        require(db, "db");
        require(out_data, "out_data");
        require(out_len, "out_len");
        const std::string bytes = read(principal(db, token, function));
        void* copy = std::malloc(bytes.size() + 1);
        if (copy == nullptr) throw std::bad_alloc();
        if (!bytes.empty()) std::memcpy(copy, bytes.data(), bytes.size());
        *out_data = copy;
        *out_len = bytes.size();
    });
}

}  // namespace

extern "C" {

SB_EXTERN int sb_file_upload(sb_db* db, char** out_json, const char* token, const char* name, const char* mime,
                             const void* data, size_t len) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        if (data == nullptr && len != 0) throw Error(ErrorCode::invalid_argument, "data is NULL", "data");
        const Principal who = principal(db, token, "sb_file_upload");
        const std::string_view content =
            len == 0 ? std::string_view() : std::string_view(static_cast<const char*>(data), len);
        const FileInfo f = files_of(db).upload(who, text(name, "name"), optional_text(mime), content);
        *out_json = to_c_string(json::to_json(f));
    });
}

SB_EXTERN int sb_file_info(sb_db* db, char** out_json, const char* token, int64_t file_id) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_file_info");
        *out_json = to_c_string(json::to_json(files_of(db).info(who, file_id)));
    });
}

SB_EXTERN int sb_file_read(sb_db* db, void** out_data, size_t* out_len, const char* token, int64_t file_id) {
    return give_file_bytes(db, out_data, out_len, token, "sb_file_read",
                           [&](const Principal& who) { return files_of(db).read(who, file_id); });
}

SB_EXTERN int sb_file_read_range(sb_db* db, void** out_data, size_t* out_len, const char* token, int64_t file_id,
                                 int64_t offset, int64_t length) {
    return give_file_bytes(db, out_data, out_len, token, "sb_file_read_range", [&](const Principal& who) {
        return files_of(db).read_range(who, file_id, offset, length);
    });
}

SB_EXTERN int sb_file_list(sb_db* db, char** out_json, const char* token, const char* query_json) {
    reset_out(out_json);
    return guard([&] {
        require(db, "db");
        require(out_json, "out_json");
        const Principal who = principal(db, token, "sb_file_list");
        const ListQuery query = json::list_query_from_json(optional_text(query_json));
        *out_json = to_c_string(json::to_json(files_of(db).list(who, query)));
    });
}

}  // extern "C"
