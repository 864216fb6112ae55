// Internal: the rule of who reads which file, shared by the files and the
// calls that link a recording.
#pragma once

#include <cstdint>
#include <optional>

#include "switchboard/accounts.hpp"
#include "switchboard/files.hpp"

namespace switchboard::detail {

// The file when `who` may read it: admins and supervisors every file of the
// organisation, anyone else the files they uploaded. nullopt otherwise, and
// for a file that does not exist (the same answer).
std::optional<FileInfo> readable_file(Database& db, const Principal& who, std::int64_t id);

}  // namespace switchboard::detail
