// Internal: JSON text of a Boost.JSON value with numbers as people write
// them. Boost.JSON 1.81 writes every double in exponent form (10.0 as
// "1E1", 0.5 as "5E-1"); this writer gives the shortest decimal that reads
// back to the same double ("10", "0.5", "120.56"), and null for NaN and
// infinities, which JSON cannot hold.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <utility>
#include <vector>

#include "switchboard/list.hpp"

namespace switchboard::detail {

std::string json_text(const boost::json::value& v);

// [obj(item), ...]: a list of records, each built by `obj`.
template <class T, class F>
std::string json_array_text(const std::vector<T>& items, F obj) {
    boost::json::array a;
    for (const auto& i : items) a.push_back(obj(i));
    return json_text(a);
}

// {"total": n, "items": [obj(item), ...]}: a page of records.
template <class T, class F>
std::string json_page_text(const Page<T>& page, F obj) {
    boost::json::array items;
    for (const auto& i : page.items) items.push_back(obj(i));
    return json_text(boost::json::object{{"total", page.total}, {"items", std::move(items)}});
}

}  // namespace switchboard::detail
