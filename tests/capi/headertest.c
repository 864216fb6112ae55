/* The public header compiles on its own, twice included, as strict C (and,
 * through headertest.cpp, as strict C++). */
#include "switchboard.h"
#include "switchboard.h"

int sb_headertest(void);
int sb_headertest_analysis(void);

int sb_headertest(void) {
    sb_db_options db_options = SB_DB_OPTIONS_INIT;
    sb_accounts_options accounts_options = SB_ACCOUNTS_OPTIONS_INIT;
    sb_db* db = NULL;
    int (*open_fn)(sb_db**, const char*, const sb_db_options*) = sb_db_open;
    int (*export_fn)(sb_db*, sb_csv_sink, void*, const char*, const char*) = sb_ticket_export_csv;
    int (*read_fn)(sb_db*, void**, size_t*, const char*, int64_t) = sb_file_read;
    int (*sign_in_fn)(sb_db*, char**, const char*, const char*) = sb_accounts_sign_in;
    int (*stats_fn)(sb_db*, char**, const char*, int64_t, int64_t) = sb_calls_stats;
    int (*events_fn)(sb_db*, char**, const char*, int64_t, int, int64_t) = sb_events_read;
    int (*record_fn)(sb_db*, char**, const char*, const char*) = sb_text_record;
    sb_csv_sink sink = NULL;
    const char* files_dir = db_options.files_dir;
    int64_t max_file_bytes = db_options.max_file_bytes;
    db_options.accounts = &accounts_options;
    db_options.job_workers = -1;
    db_options.job_lease_ms = 1000;
    db_options.job_max_attempts = 3;
    db_options.job_retry_backoff_ms = 10;
    db_options.max_backlog_bytes = 1024;
    db_options.key_file = "test.key";
    (void)db;
    (void)open_fn;
    (void)export_fn;
    (void)read_fn;
    (void)sign_in_fn;
    (void)stats_fn;
    (void)events_fn;
    (void)record_fn;
    (void)sink;
    (void)files_dir;
    (void)max_file_bytes;
    return SB_OK + SB_ESTOPPED + SB_EBUSY + SB_ECONFLICT + SB_TOKEN_ACCESS + SB_TOKEN_DEV + SB_VERSION_MAJOR +
           (db_options.accounts != NULL) + SB_DB_OPTIONS_VERSION;
}

/* The analysis part (switchboard_analysis.h, included by switchboard.h). */
int sb_headertest_analysis(void) {
    sb_analysis_options options = SB_ANALYSIS_OPTIONS_INIT;
    sb_channel_stats channel_stats = SB_CHANNEL_STATS_INIT;
    sb_call_stats call_stats = SB_CALL_STATS_INIT;
    sb_analysis* analysis = NULL;
    sb_analyzer* analyzer = NULL;
    sb_span span = {0, 0};
    sb_escalation escalation = {0, 0, 0, 0};
    sb_interruption interruption = {0, 0, 0};
    sb_analysis_event event = {SB_KIND_SPEECH, 0, 0, 0, 0, 0, 0};
    int (*pcm_fn)(sb_analysis**, const int16_t*, size_t, int, int, const sb_analysis_options*) = sb_analyze_pcm16;
    int (*take_fn)(sb_analyzer*, sb_analysis_event**, size_t*) = sb_analyzer_take_events;
    void (*free_fn)(sb_analysis*) = sb_analysis_free;
    (void)channel_stats;
    (void)call_stats;
    (void)analysis;
    (void)analyzer;
    (void)span;
    (void)escalation;
    (void)interruption;
    (void)event;
    (void)pcm_fn;
    (void)take_fn;
    (void)free_fn;
    return options.silence_min_ms + SB_ANALYSIS_OPTIONS_VERSION + SB_KIND_ESCALATION;
}
