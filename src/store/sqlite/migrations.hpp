// Internal: the numbered schema migrations.
#pragma once

#include <vector>

namespace switchboard::store::sqlite {

struct Migration {
    int version;
    const char* name;
    const char* sql;
};

const std::vector<Migration>& migrations();

}  // namespace switchboard::store::sqlite
