// switchboard-host: what the OpenCHS handlers share (openchs.cpp: login and
// users; openchs_cases.cpp: tickets, categories, conversations;
// openchs_calls.cpp: calls, QA, files, stats).
//
// Answers: 201 created, 202 changed, 200 read, 401 with the "loggedoff" body
// when the session is missing or invalid, 412 {"errors":[[...]]} for any
// refusal, 500 for a system failure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dialect.hpp"
#include "pipeline.hpp"
#include "switchboard/list.hpp"
#include "switchboard/time.hpp"

namespace switchboard::host::openchs {

namespace json = boost::json;

inline constexpr std::string_view kDialect = "openchs";
inline const std::string kSystemFailure = "system failure, please try again";
inline const std::string kDatatype = "unexpected datatype, please try again";

Response send(int status, const json::object& body);
Response auth_required();
// The refusal of a parameter the endpoint does not take (in `table`, a nested object's).
Refusal unknown_field(const std::string& key, std::string table = {});
// {"<name>": <the core's JSON>}, or {"<name>": [<it>]}: the records as the
// core writes them, not read back into values to be written again.
Response wrapped(int status, std::string_view name, const std::string& json_text, bool in_array = false);
// {"errors":[["error", message, ERROR_TYPE, table, row, field]]}
Response error_row(int status, const std::string& message, std::string_view type, const std::string& table,
                   const std::string& row, const std::string& field);
Response system_failure(const Request& req, std::string_view what);

// Core field names -> the OpenCHS names a client sends and reads, where
// they differ. The C++ API speaks switchboard's names; the dialect maps
// them both ways here (filters, group fields, CSV headers, error rows).
using FieldMap = std::vector<std::pair<std::string, std::string>>;
extern const FieldMap kUserFields;    // usn, fname, lname, exten, enabled, pass
extern const FieldMap kTicketFields;  // contact_fname, contact_lname (CSV)
extern const FieldMap kCallFields;    // usr, vector, context_masq, sla_wait
extern const FieldMap kQaFields;      // chan_usr, chan_vector
std::string map_field(const std::string& core_field, const FieldMap& map);
// The core name of a name the client sent (the name itself when unmapped).
std::string core_field(const std::string& client_field, const FieldMap& map);

std::string str(std::int64_t n);
// An id as a string, "" for 0 (no record).
std::string id_text(std::int64_t n);

// An OpenCHS request (pipeline.hpp) and where its error rows point. Every
// authenticated request makes exactly one core call, which writes the
// activity entry; a refusal before it is recorded by the pipeline.
class Exchange final : public host::EndpointCall {
public:
    Context& ctx;
    std::string table;  // of the error rows
    std::string row;    // the record the request is about, for error rows
    FieldMap fields;    // core field -> the name the client used
    // Core fields that belong to a nested object: their error rows name that table.
    std::vector<std::pair<std::string, std::string>> nested_tables;
    bool listing = false;  // a list or report: its filters are the client's names

    Exchange(Context& context, const Request& r, std::string error_table, FieldMap field_names);

private:
    Response unauthorized() const override;
    Response refused(const Refusal& r) const override;
    Response datatype(const DatatypeError& d) const override;
    Response core_error(const Error& e) const override;
    Response system_failure(std::string_view what) const override;
};

using Fn = std::function<Response(Exchange&)>;

// A session's bearer token (XAuthorization or Authorization); the error
// rows name `table`.
Handler authed_endpoint(Context& ctx, std::string table, Fn fn);
// A live feed: as authed_endpoint, but the token may also come as the
// query's `token` (a browser's EventSource cannot send headers).
Handler live_endpoint(Context& ctx, std::string table, Fn fn);
// No session (login, registration): the handler reads the request itself;
// the error rows name `table` and the fields as `fields` maps them.
Handler open_endpoint(Context& ctx, std::string table, FieldMap fields, Fn fn);

// A positive record id from the path; sets the error row's record.
std::int64_t id_param(Exchange& c, const std::string& value, const char* field);

// The query string of a list: _c, _a, the `reserved` names (returned aside,
// last value wins) and filters (every other name). `search_names` become the
// free-text search.
// `names` maps the record's fields: the filters come in with the client's
// names and go to the core with switchboard's.
struct ListRequest {
    ListQuery query;
    std::vector<std::pair<std::string, std::string>> reserved;
    FieldMap names;
    const std::string* get(std::string_view name) const;
};
ListRequest list_request(Exchange& c, std::initializer_list<std::string_view> reserved,
                         std::initializer_list<std::string_view> search_names = {}, const FieldMap& names = {});
// "1" -> true, "0"/absent -> false; anything else is refused.
bool csv_requested(const ListRequest& lr);
// xaxis and yaxis: comma-separated group fields (the client's names, given
// to the core as switchboard's); a field given twice (on one axis or both)
// is refused.
struct Axes {
    std::vector<std::string> x, y;
};
Axes axes(const ListRequest& lr);

// {"<name>_rpt": [{"<group field>": value, ..., "count": "n"}],
//  "<name>_ctx": [["total", "n"], ["xaxis", "a,b"], ["yaxis", "c"]]},
// and, for a report that sums a measure (PivotReport::sum_of, "seconds"),
// that sum in each row and ["total_seconds", "n"] in the context;
// group fields named as the client names them (`names`).
Response pivot_answer(const std::string& name, const PivotReport& report, const FieldMap& names = {});

// Streams a CSV export: `run` (the core's export, given the sink) runs on a
// thread of its own feeding a bounded queue. An error before the first piece
// is thrown here (and answered as any refusal); a later one aborts the
// response. The header row's names are mapped by `names`. Sets c.core_called.
Response stream_csv(Exchange& c, const std::string& filename, std::function<void(const CsvSink&)> run,
                    const FieldMap& names = {});

// Streams a stored file (Content-Length from its size).
Response stream_file(const std::string& path, std::int64_t size, const std::string& content_type,
                     const std::string& download_name);
// A file name fit for a Content-Disposition header: letters, digits, '.',
// '-', '_' kept, anything else '_'; never empty.
std::string sanitised_file_name(std::string_view name);


}  // namespace switchboard::host::openchs
