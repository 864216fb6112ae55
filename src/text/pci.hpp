// Internal to the library: redact_pci that also tells where each finding
// stood in the text given (the call pipeline maps them onto spoken words).
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/text.hpp"

namespace switchboard::text {

using ByteSpan = std::pair<std::size_t, std::size_t>;  // [start, end) bytes

// redact_pci(s, mask_expiry); with `sources`, appends each finding's span
// in `s` (one per finding, in the order of the findings).
PciResult redact_pci(std::string_view s, bool mask_expiry, std::vector<ByteSpan>* sources);

// What stands for a finding of `kind` where its text is not shown:
// "<card number>", "<security code>", "<expiry date>", "<PIN>".
std::string_view pci_label(PciKind kind) noexcept;

}  // namespace switchboard::text
