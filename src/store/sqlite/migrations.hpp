// Internal: the numbered schema migrations.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <vector>

namespace switchboard::store::sqlite {

struct Migration {
    int version;
    const char* name;
    const char* sql;                               // run first; may be empty
    void (*step)(SQLite::Database& db) = nullptr;  // then this, in the same transaction
};

const std::vector<Migration>& migrations();

}  // namespace switchboard::store::sqlite
