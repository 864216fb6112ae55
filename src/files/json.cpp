// File records as JSON.
#include <boost/json.hpp>

#include "core/json_text.hpp"
#include "switchboard/files_json.hpp"

namespace switchboard::json {

namespace bj = boost::json;

namespace {

bj::object file_obj(const FileInfo& f) {
    return {{"id", f.id},     {"name", f.name},     {"mime", f.mime},
            {"size", f.size}, {"sha256", f.sha256}, {"uploaded_by", f.uploaded_by},
            {"created_ms", f.created_ms}};
}

}  // namespace

std::string to_json(const FileInfo& f) { return detail::json_text(file_obj(f)); }
std::string to_json(const Page<FileInfo>& p) { return detail::json_page_text(p, file_obj); }

}  // namespace switchboard::json
