// Internal: JSON text of a Boost.JSON value with numbers as people write
// them. Boost.JSON 1.81 writes every double in exponent form (10.0 as
// "1E1", 0.5 as "5E-1"); this writer gives the shortest decimal that reads
// back to the same double ("10", "0.5", "120.56"), and null for NaN and
// infinities, which JSON cannot hold.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace switchboard::detail {

std::string json_text(const boost::json::value& v);

}  // namespace switchboard::detail
