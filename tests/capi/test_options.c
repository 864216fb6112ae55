/* sb_db_options versions 3 and 4 through the C API: their defaults, the refused
 * layouts of switchboard 0.1 (versions 1 and 2) and unknown versions, the
 * accounts options behind a pointer (NULL: the defaults; read during the open
 * only), every field's refusal naming that field, and the key file.
 * What the job options do is test_jobs.c's. */
#include "test_util.h" /* first: it sets _POSIX_C_SOURCE */

#include <stddef.h>
#include <time.h>

/* sb_db_options as switchboard 0.1 declared it (version 2; version 1 ended
 * after `accounts`). */
typedef struct options_v2 {
    unsigned int version;
    int busy_timeout_ms;
    int reader_connections;
    int synchronous_full;
    int must_exist;
    sb_accounts_options accounts;
    const char* files_dir;
    int64_t max_file_bytes;
} options_v2;

static const char* OLD_LAYOUT_V1 =
    "sb_db_options version 1 is the layout of switchboard 0.1 (accounts options held inline), which this "
    "switchboard no longer reads: rebuild against its switchboard.h (SB_DB_OPTIONS_VERSION 6, accounts options "
    "through a pointer); see CHANGELOG.md, 0.2.0";

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when every byte of p[0..n) is `value`. */
static int all_bytes(const void* p, size_t n, unsigned char value) {
    const unsigned char* b = (const unsigned char*)p;
    size_t i;
    for (i = 0; i < n; ++i)
        if (b[i] != value) return 0;
    return 1;
}

static void test_layout_and_versions(void) {
    sb_db_options o;
    sb_db* db = (sb_db*)&db; /* not NULL: a failed open must reset it */
    options_v2* old = NULL;
    char message[512];

    CHECK_INT(SB_DB_OPTIONS_VERSION, 6);
    /* version 3: its fields only (a caller built against it has a shorter struct) */
    memset(&o, 0x5a, sizeof o);
    CHECK_OK(sb_db_options_init(&o, 3));
    CHECK_INT(o.version, 3);
    CHECK(o.key_file == NULL);
    CHECK(all_bytes((const char*)&o + offsetof(sb_db_options, smtp_url),
                    sizeof o - offsetof(sb_db_options, smtp_url), 0x5a));
    /* version 4: up to the mail fields */
    memset(&o, 0x5a, sizeof o);
    CHECK_OK(sb_db_options_init(&o, 4));
    CHECK_INT(o.version, 4);
    CHECK(o.smtp_url == NULL && o.smtp_tls == NULL && o.smtp_username == NULL && o.smtp_password == NULL);
    CHECK(all_bytes((const char*)&o + offsetof(sb_db_options, stt), sizeof o - offsetof(sb_db_options, stt), 0x5a));
    /* version 5: up to the call fields */
    memset(&o, 0x5a, sizeof o);
    CHECK_OK(sb_db_options_init(&o, 5));
    CHECK_INT(o.version, 5);
    CHECK(o.stt == NULL && o.stt_preset == NULL && o.max_call_seconds == 0 && o.hold_min_ms == 0);
    CHECK(all_bytes((const char*)&o + offsetof(sb_db_options, record_cache_bytes),
                    sizeof o - offsetof(sb_db_options, record_cache_bytes), 0x5a));
    memset(&o, 0x5a, sizeof o);
    CHECK_OK(sb_db_options_init(&o, SB_DB_OPTIONS_VERSION));
    CHECK_INT(o.version, 6);
    CHECK_INT(o.record_cache_bytes, 0);
    CHECK(o.smtp_url == NULL && o.smtp_tls == NULL && o.smtp_username == NULL && o.smtp_password == NULL);
    CHECK(o.smtp_from == NULL);
    CHECK(o.stt == NULL && o.stt_preset == NULL && o.max_call_seconds == 0 && o.hold_min_ms == 0);
    CHECK_INT(o.smtp_timeout_ms + o.mail_max_attempts + o.mail_fetch_ms, 0);
    CHECK_INT(o.busy_timeout_ms, 0);
    CHECK_INT(o.reader_connections, 0);
    CHECK_INT(o.synchronous_full, 0);
    CHECK_INT(o.must_exist, 0);
    CHECK(o.accounts == NULL);
    CHECK(o.files_dir == NULL);
    CHECK_INT(o.max_file_bytes, 0);
    CHECK_INT(o.job_workers, 0);
    CHECK_INT(o.job_lease_ms, 0);
    CHECK_INT(o.job_max_attempts, 0);
    CHECK_INT(o.job_retry_backoff_ms, 0);
    CHECK_INT(o.max_backlog_bytes, 0);
    CHECK(o.key_file == NULL);
    {
        /* the macro and the function agree */
        sb_db_options init = SB_DB_OPTIONS_INIT;
        CHECK_INT(init.version, o.version);
        CHECK(init.accounts == NULL && init.key_file == NULL && init.files_dir == NULL);
        CHECK_INT(init.job_workers + init.job_max_attempts, 0);
        CHECK_INT(init.job_lease_ms + init.job_retry_backoff_ms + init.max_backlog_bytes + init.max_file_bytes, 0);
    }
    /* the job options come last, after the version 2 fields' successors */
    CHECK(offsetof(sb_db_options, accounts) < offsetof(sb_db_options, files_dir));
    CHECK(offsetof(sb_db_options, max_file_bytes) < offsetof(sb_db_options, job_workers));
    CHECK(offsetof(sb_db_options, max_backlog_bytes) < offsetof(sb_db_options, key_file));
    CHECK(offsetof(sb_db_options, key_file) < offsetof(sb_db_options, smtp_url));
    CHECK(offsetof(sb_db_options, smtp_timeout_ms) < offsetof(sb_db_options, mail_max_attempts));

    /* versions 1 and 2: refused by name, and nothing is written */
    memset(&o, 0x5a, sizeof o);
    CHECK_ERROR(SB_EINVALID, OLD_LAYOUT_V1, sb_db_options_init(&o, 1));
    CHECK_STR(sb_last_error_field(), "version");
    CHECK(all_bytes(&o, sizeof o, 0x5a));
    CHECK_RC(SB_EINVALID, sb_db_options_init(&o, 2));
    CHECK(strstr(sb_last_error(), "sb_db_options version 2 is the layout of switchboard 0.1") == sb_last_error());
    CHECK(strstr(sb_last_error(), "CHANGELOG.md") != NULL);
    CHECK_STR(sb_last_error_field(), "version");
    CHECK(all_bytes(&o, sizeof o, 0x5a));

    /* an old program's struct, as it lays it out, is refused at open */
    old = (options_v2*)malloc(sizeof *old);
    REQUIRE_OK(old == NULL ? SB_ENOMEM : SB_OK);
    memset(old, 0, sizeof *old);
    old->version = 2;
    old->accounts.version = 1;
    CHECK_RC(SB_EINVALID, sb_db_open(&db, ":memory:", (const sb_db_options*)(void*)old));
    CHECK(strstr(sb_last_error(), "sb_db_options version 2 is the layout of switchboard 0.1") == sb_last_error());
    CHECK_STR(sb_last_error_field(), "version");
    CHECK(db == NULL);
    old->version = 1;
    CHECK_ERROR(SB_EINVALID, OLD_LAYOUT_V1, sb_db_open(&db, ":memory:", (const sb_db_options*)(void*)old));
    CHECK(db == NULL);
    free(old);

    /* versions this library does not know */
    CHECK_ERROR(SB_EINVALID, "sb_db_options version 7 is not supported (this switchboard knows versions 3 to 6)",
                sb_db_options_init(&o, 7));
    CHECK_STR(sb_last_error_field(), "version");
    CHECK_ERROR(SB_EINVALID, "sb_db_options version 0 is not supported (this switchboard knows versions 3 to 6)",
                sb_db_options_init(&o, 0));
    o = sb_test_options();
    o.version = 7;
    CHECK_RC(SB_EINVALID, sb_db_open(&db, ":memory:", &o));
    CHECK_STR(sb_last_error_field(), "version");
    snprintf(message, sizeof message, "%s", sb_last_error());
    CHECK_STR(message, "sb_db_options version 7 is not supported (this switchboard knows versions 3 to 6)");
    CHECK(db == NULL);

    /* NULL options: every default */
    REQUIRE_OK(sb_db_open(&db, ":memory:", NULL));
    CHECK_OK(sb_db_close(db));
}

/* Signs up, verifies and signs in; returns the session's expires_ms minus
 * the time just before the sign-in. */
static long long session_lifetime(sb_db* db, const char* email) {
    char request[512];
    char* json = NULL;
    long long before, expires;
    snprintf(request, sizeof request,
             "{\"company_name\":\"Options %s\",\"email\":\"%s\",\"phone\":\"+254700000077\",\"password\":\"%s\"}",
             email, email, SB_TEST_PASSWORD);
    REQUIRE_OK(sb_accounts_sign_up(db, &json, request));
    sb_free(json);
    json = NULL;
    sb_test_verify(db, email);
    before = now_ms();
    REQUIRE_OK(sb_accounts_sign_in(db, &json, email, SB_TEST_PASSWORD));
    expires = sbj_int(json, "expires_ms");
    sb_free(json);
    return expires - before;
}

static void test_accounts_pointer(void) {
    sb_db_options o = SB_DB_OPTIONS_INIT;
    sb_accounts_options a = SB_ACCOUNTS_OPTIONS_INIT;
    sb_db* db = NULL;
    long long lifetime;

    /* NULL: the library's defaults (a session lasts at most 12 hours) */
    REQUIRE_OK(sb_db_open(&db, ":memory:", &o));
    lifetime = session_lifetime(db, "defaults@options.example");
    CHECK(lifetime >= 43200000 - 1000 && lifetime <= 43200000 + 30000);
    CHECK_OK(sb_db_close(db));

    /* given: its values, read during sb_db_open only */
    a = sb_test_accounts_options();
    a.session_absolute_ms = 60000;
    o.accounts = &a;
    REQUIRE_OK(sb_db_open(&db, ":memory:", &o));
    a.session_absolute_ms = 5000; /* too late: the handle has its copy */
    lifetime = session_lifetime(db, "given@options.example");
    CHECK(lifetime >= 60000 - 1000 && lifetime <= 60000 + 30000);
    CHECK_OK(sb_db_close(db));

    /* its own version */
    a = sb_test_accounts_options();
    a.version = 2;
    CHECK_ERROR(SB_EINVALID, "sb_accounts_options version 2 is not supported (this switchboard knows version 1)",
                sb_db_open(&db, ":memory:", &o));
    CHECK_STR(sb_last_error_field(), "accounts.version");
    a.version = 0;
    CHECK_RC(SB_EINVALID, sb_db_open(&db, ":memory:", &o));
    CHECK_STR(sb_last_error_field(), "accounts.version");
    CHECK(db == NULL);
    CHECK_ERROR(SB_EINVALID, "sb_accounts_options version 7 is not supported (this switchboard knows version 1)",
                sb_accounts_options_init(&a, 7));
}

/* Opens ":memory:" with `o` and expects SB_EINVALID naming `field` with
 * `message` (or, when message is NULL, any message starting with the field). */
static void expect_refused(const sb_db_options* o, const char* field, const char* message, int line) {
    sb_db* db = (sb_db*)&db;
    int rc = sb_db_open(&db, ":memory:", o);
    ++sb_test_checks;
    if (rc != SB_EINVALID || strcmp(sb_last_error_field(), field) != 0 ||
        (message != NULL ? strcmp(sb_last_error(), message) != 0
                         : strncmp(sb_last_error(), field, strlen(field)) != 0) ||
        db != NULL) {
        sb_test_fail(__FILE__, line, "%s: got %s \"%s\" (field \"%s\"), want SB_EINVALID \"%s\" (field \"%s\")",
                     field, sb_error_name(rc), sb_last_error(), sb_last_error_field(),
                     message ? message : "<field> ...", field);
    }
    if (rc == SB_OK) sb_db_close(db);
}

/* Opens ":memory:" with `o`, expecting it to work. */
static void expect_opens(const sb_db_options* o, const char* what, int line) {
    sb_db* db = NULL;
    int rc = sb_db_open(&db, ":memory:", o);
    ++sb_test_checks;
    if (rc != SB_OK)
        sb_test_fail(__FILE__, line, "%s: %s \"%s\" (field \"%s\")", what, sb_error_name(rc), sb_last_error(),
                     sb_last_error_field());
    sb_db_close(db);
}

#define REFUSED(field, message) expect_refused(&o, field, message, __LINE__)
#define OPENS(what) expect_opens(&o, what, __LINE__)

static void test_refusals(void) {
    sb_db_options o;

    o = sb_test_options();
    o.busy_timeout_ms = -1;
    REFUSED("busy_timeout_ms", "busy_timeout_ms must not be negative (0 keeps the default)");
    o = sb_test_options();
    o.reader_connections = -1;
    REFUSED("reader_connections", NULL);
    o = sb_test_options();
    o.max_file_bytes = -1;
    REFUSED("max_file_bytes", "max_file_bytes must not be negative (0 keeps the default)");

    /* job_workers: negative runs none, 0 the default, above the core's limit is refused */
    o = sb_test_options();
    o.job_workers = 65;
    REFUSED("job_workers",
            "job_workers must be between 0 and 64 (here 0 keeps the default, 2, and a negative value runs no "
            "worker)");
    o.job_workers = 64;
    OPENS("job_workers 64");
    o.job_workers = -1;
    OPENS("job_workers -1");
    o.job_workers = -1000;
    OPENS("job_workers -1000");

    o = sb_test_options();
    o.job_lease_ms = -1;
    REFUSED("job_lease_ms", "job_lease_ms must not be negative (0 keeps the default)");
    o.job_lease_ms = 99;
    REFUSED("job_lease_ms", "job_lease_ms must be 100 or more");
    o.job_lease_ms = 100;
    OPENS("job_lease_ms 100");

    o = sb_test_options();
    o.job_max_attempts = -1;
    REFUSED("job_max_attempts", "job_max_attempts must not be negative (0 keeps the default)");
    o.job_max_attempts = 101;
    REFUSED("job_max_attempts", "job_max_attempts must be between 1 and 100");
    o.job_max_attempts = 100;
    OPENS("job_max_attempts 100");

    o = sb_test_options();
    o.job_retry_backoff_ms = -5;
    REFUSED("job_retry_backoff_ms", "job_retry_backoff_ms must not be negative (0 keeps the default)");
    o.job_retry_backoff_ms = 3600000; /* above the default cap of 5 minutes: the cap follows */
    OPENS("job_retry_backoff_ms one hour");

    o = sb_test_options();
    o.max_backlog_bytes = -1;
    REFUSED("max_backlog_bytes", "max_backlog_bytes must not be negative (0 keeps the default)");
    o.max_backlog_bytes = 1;
    OPENS("max_backlog_bytes 1");
}

static int mode_of(const char* path) {
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    return (int)(st.st_mode & 0777);
}

static void test_key_file(void) {
    sb_db_options o;
    sb_db* db = NULL;
    char db_path[400], default_key[420], key[400], bad_key[400];
    FILE* f;

    /* NULL: "<database path>.key", made at the first open, readable by the owner only */
    snprintf(db_path, sizeof db_path, "%s/keys.db", sb_test_dir);
    snprintf(default_key, sizeof default_key, "%s.key", db_path);
    o = sb_test_options();
    REQUIRE_OK(sb_db_open(&db, db_path, &o));
    CHECK_INT(mode_of(default_key), 0600);
    CHECK_OK(sb_db_close(db));
    unlink(default_key);

    /* given: that file, and no "<database path>.key" */
    snprintf(key, sizeof key, "%s/elsewhere.key", sb_test_dir);
    o.key_file = key;
    REQUIRE_OK(sb_db_open(&db, db_path, &o));
    CHECK_INT(mode_of(key), 0600);
    CHECK_INT(mode_of(default_key), -1);
    CHECK_OK(sb_db_close(db));
    /* "" is the default too */
    o.key_file = "";
    REQUIRE_OK(sb_db_open(&db, db_path, &o));
    CHECK_INT(mode_of(default_key), 0600);
    CHECK_OK(sb_db_close(db));

    /* a file that is no key: refused, naming the file */
    snprintf(bad_key, sizeof bad_key, "%s/bad.key", sb_test_dir);
    f = fopen(bad_key, "wb");
    REQUIRE_OK(f == NULL ? SB_ESTORAGE : SB_OK);
    fputs("short", f);
    fclose(f);
    o.key_file = bad_key;
    db = (sb_db*)&db;
    CHECK_RC(SB_ESTORAGE, sb_db_open(&db, db_path, &o));
    CHECK(strstr(sb_last_error(), "bad.key holds 5 bytes, not 32") != NULL);
    CHECK(db == NULL);
    /* a key file that cannot be made */
    o.key_file = "/nonexistent-directory/switchboard.key";
    CHECK_RC(SB_ESTORAGE, sb_db_open(&db, db_path, &o));
    CHECK(strstr(sb_last_error(), "cannot create the key file /nonexistent-directory/switchboard.key") != NULL);

    unlink(bad_key);
    unlink(key);
    unlink(default_key);
    {
        static const char* suffixes[] = {"", "-wal", "-shm"};
        char p[440];
        size_t i;
        for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; ++i) {
            snprintf(p, sizeof p, "%s%s", db_path, suffixes[i]);
            unlink(p);
        }
    }
}

int main(void) {
    sb_test_temp_db("options");
    test_layout_and_versions();
    test_accounts_pointer();
    test_refusals();
    test_key_file();
    sb_test_cleanup();
    return sb_test_finish("test_options");
}
