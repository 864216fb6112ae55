/* The public header compiles on its own, twice included, as strict C. */
#include "switchboard.h"
#include "switchboard.h"

int sb_headertest(void);

int sb_headertest(void) {
    sb_db_options db_options = SB_DB_OPTIONS_INIT;
    sb_accounts_options accounts_options = SB_ACCOUNTS_OPTIONS_INIT;
    sb_db* db = NULL;
    int (*open_fn)(sb_db**, const char*, const sb_db_options*) = sb_db_open;
    int (*export_fn)(sb_db*, sb_csv_sink, void*, const char*, const char*) = sb_ticket_export_csv;
    int (*read_fn)(sb_db*, void**, size_t*, const char*, int64_t) = sb_file_read;
    sb_csv_sink sink = NULL;
    const char* files_dir = db_options.files_dir;
    int64_t max_file_bytes = db_options.max_file_bytes;
    (void)accounts_options;
    (void)db;
    (void)open_fn;
    (void)export_fn;
    (void)read_fn;
    (void)sink;
    (void)files_dir;
    (void)max_file_bytes;
    return SB_OK + SB_ESTOPPED + SB_TOKEN_ACCESS + SB_TOKEN_DEV + SB_VERSION_MAJOR;
}
