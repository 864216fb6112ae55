/* The public header compiles on its own, twice included, as strict C. */
#include "switchboard.h"
#include "switchboard.h"

int sb_headertest(void);

int sb_headertest(void) {
    sb_db_options db_options = SB_DB_OPTIONS_INIT;
    sb_accounts_options accounts_options = SB_ACCOUNTS_OPTIONS_INIT;
    sb_db* db = NULL;
    int (*open_fn)(sb_db**, const char*, const sb_db_options*) = sb_db_open;
    (void)db_options;
    (void)accounts_options;
    (void)db;
    (void)open_fn;
    return SB_OK + SB_TOKEN_ACCESS + SB_TOKEN_DEV + SB_VERSION_MAJOR;
}
