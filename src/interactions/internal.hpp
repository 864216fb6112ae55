// Internal to src/interactions: small helpers shared by the pools and the
// interactions.
#pragma once

#include <string>
#include <string_view>

#include "switchboard/text.hpp"

namespace switchboard::detail {

// Rebuilds the TextAnalysis that to_json(TextAnalysis) wrote (byte offsets
// recomputed from the code point offsets). Throws Error(internal) on a text
// that is not such JSON.
TextAnalysis analysis_from_json(std::string_view json);

// ASCII case-insensitive equality (pool names).
bool same_name(std::string_view a, std::string_view b) noexcept;

}  // namespace switchboard::detail
