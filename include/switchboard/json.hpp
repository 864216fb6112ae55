// switchboard: records as JSON text, the form in which they cross the C ABI
// and reach Python. Field names are the C++ member names (snake_case); times
// are Unix milliseconds in fields ending in "_ms".
//
// Parsing refuses malformed JSON, a value of the wrong type and an unknown
// key with Error(invalid_argument), naming the field.
//
// Each module declares its JSON beside it; this header gathers those of
// accounts (accounts_json.hpp), cases (cases_json.hpp), calls
// (calls_json.hpp), files (files_json.hpp) and lists (list_json.hpp), all in
// namespace switchboard::json. Interactions, jobs, events, text and analysis
// declare theirs (namespace switchboard) in the module's own header.
#pragma once

#include "switchboard/accounts_json.hpp"
#include "switchboard/calls_json.hpp"
#include "switchboard/cases_json.hpp"
#include "switchboard/files_json.hpp"
#include "switchboard/list_json.hpp"
