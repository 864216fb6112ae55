// switchboard: file records as JSON text. The conventions are json.hpp's.
#pragma once

#include <string>

#include "switchboard/files.hpp"
#include "switchboard/list.hpp"

namespace switchboard::json {

std::string to_json(const FileInfo& f);
std::string to_json(const Page<FileInfo>& p);      // {"total": n, "items": [...]}

}  // namespace switchboard::json
