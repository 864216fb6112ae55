/* The C API's mechanics: error codes and messages, the per-thread error
 * state, NULL arguments, options structs and their versions, opening
 * databases (missing, not a database, newer schema), and one handle shared
 * by several threads. */
#include "test_util.h" /* first: it sets the POSIX feature level */

#include <pthread.h>

static void test_error_names(void) {
    CHECK_STR(sb_error_name(SB_OK), "SB_OK");
    CHECK_STR(sb_error_name(SB_EINVALID), "SB_EINVALID");
    CHECK_STR(sb_error_name(SB_ENOTFOUND), "SB_ENOTFOUND");
    CHECK_STR(sb_error_name(SB_EEXISTS), "SB_EEXISTS");
    CHECK_STR(sb_error_name(SB_EUNAUTHORIZED), "SB_EUNAUTHORIZED");
    CHECK_STR(sb_error_name(SB_EFORBIDDEN), "SB_EFORBIDDEN");
    CHECK_STR(sb_error_name(SB_ECREDENTIALS), "SB_ECREDENTIALS");
    CHECK_STR(sb_error_name(SB_EUNVERIFIED), "SB_EUNVERIFIED");
    CHECK_STR(sb_error_name(SB_EPASSWORDCHANGE), "SB_EPASSWORDCHANGE");
    CHECK_STR(sb_error_name(SB_ETOOLARGE), "SB_ETOOLARGE");
    CHECK_STR(sb_error_name(SB_ESCHEMA), "SB_ESCHEMA");
    CHECK_STR(sb_error_name(SB_ESTORAGE), "SB_ESTORAGE");
    CHECK_STR(sb_error_name(SB_EINTERNAL), "SB_EINTERNAL");
    CHECK_STR(sb_error_name(SB_ENOMEM), "SB_ENOMEM");
    CHECK_STR(sb_error_name(-99), "SB_E?");
    CHECK_STR(sb_error_name(1), "SB_E?");
    /* the codes are distinct and negative */
    CHECK_INT(SB_EINVALID, -1);
    CHECK_INT(SB_EINTERNAL, -12);
    CHECK_INT(SB_ENOMEM, -13);
}

static void test_initial_state(void) {
    CHECK_STR(sb_last_error(), "no error");
    CHECK_STR(sb_last_error_field(), "");
    CHECK_INT(sb_last_error_code(), SB_OK);
    CHECK_STR(sb_version(), SB_VERSION_STRING);
    sb_free(NULL);
    CHECK_OK(sb_db_close(NULL));
}

static void test_options(void) {
    sb_db_options o;
    sb_accounts_options a, init = SB_ACCOUNTS_OPTIONS_INIT;
    memset(&o, 0x5a, sizeof o);
    CHECK_OK(sb_db_options_init(&o, SB_DB_OPTIONS_VERSION));
    CHECK_INT(o.version, SB_DB_OPTIONS_VERSION);
    CHECK(o.accounts == NULL);
    CHECK_INT(o.busy_timeout_ms, 0);
    CHECK_INT(o.must_exist, 0);
    memset(&a, 0x5a, sizeof a);
    CHECK_OK(sb_accounts_options_init(&a, SB_ACCOUNTS_OPTIONS_VERSION));
    CHECK(a.public_url == NULL);
    CHECK_INT(a.pwhash_opslimit, init.pwhash_opslimit);
    CHECK_RC(SB_EINVALID, sb_db_options_init(&o, SB_DB_OPTIONS_VERSION + 1));
    CHECK_STR(sb_last_error_field(), "version");
    CHECK_RC(SB_EINVALID, sb_db_options_init(&o, 0));
    CHECK_RC(SB_EINVALID, sb_db_options_init(NULL, SB_DB_OPTIONS_VERSION));
    CHECK_STR(sb_last_error_field(), "opts");
    CHECK_OK(sb_accounts_options_init(&a, SB_ACCOUNTS_OPTIONS_VERSION));
    CHECK_INT(a.version, SB_ACCOUNTS_OPTIONS_VERSION);
    CHECK_INT(a.max_failed_sign_ins, 0);
    CHECK_RC(SB_EINVALID, sb_accounts_options_init(&a, 42));
}

static void test_open_errors(const char* dir) {
    sb_db* db = (sb_db*)&db; /* not NULL: a failed open must reset it */
    sb_db_options o = SB_DB_OPTIONS_INIT;
    sb_accounts_options a = SB_ACCOUNTS_OPTIONS_INIT;
    char missing[400], garbage[400];
    FILE* f;

    CHECK_RC(SB_EINVALID, sb_db_open(NULL, ":memory:", NULL));
    CHECK_STR(sb_last_error_field(), "out");
    CHECK_RC(SB_EINVALID, sb_db_open(&db, NULL, NULL));
    CHECK_STR(sb_last_error(), "path is NULL");
    CHECK_STR(sb_last_error_field(), "path");
    CHECK(db == NULL);
    CHECK_RC(SB_EINVALID, sb_db_open(&db, "", NULL));
    CHECK_STR(sb_last_error_field(), "path");

    o.version = 0;
    CHECK_RC(SB_EINVALID, sb_db_open(&db, ":memory:", &o));
    CHECK_STR(sb_last_error_field(), "version");
    o.version = SB_DB_OPTIONS_VERSION;
    o.accounts = &a;
    a.version = 99;
    CHECK_RC(SB_EINVALID, sb_db_open(&db, ":memory:", &o));
    CHECK_STR(sb_last_error_field(), "accounts.version");
    a.version = SB_ACCOUNTS_OPTIONS_VERSION;
    a.lockout_ms = -5;
    CHECK_RC(SB_EINVALID, sb_db_open(&db, ":memory:", &o));
    CHECK_STR(sb_last_error_field(), "lockout_ms");
    a.lockout_ms = 0;
    o.busy_timeout_ms = -1;
    CHECK_RC(SB_EINVALID, sb_db_open(&db, ":memory:", &o));
    CHECK_STR(sb_last_error_field(), "busy_timeout_ms");
    o.busy_timeout_ms = 0;
    CHECK(db == NULL);

    snprintf(missing, sizeof missing, "%s/missing.db", dir);
    o.must_exist = 1;
    CHECK_RC(SB_ENOTFOUND, sb_db_open(&db, missing, &o));
    CHECK_STR(sb_last_error_field(), "path");
    CHECK(strstr(sb_last_error(), "missing.db") != NULL);
    f = fopen(missing, "rb");
    CHECK(f == NULL); /* nothing was created */
    if (f) fclose(f);

    snprintf(garbage, sizeof garbage, "%s/garbage.db", dir);
    f = fopen(garbage, "wb");
    CHECK(f != NULL);
    if (f) {
        int i;
        for (i = 0; i < 100; ++i) fputs("this is not a database file. ", f);
        fclose(f);
    }
    CHECK_RC(SB_ESTORAGE, sb_db_open(&db, garbage, NULL));
    CHECK(db == NULL);
    unlink(garbage);

    /* a successful call clears the error state */
    CHECK_OK(sb_db_options_init(&o, SB_DB_OPTIONS_VERSION));
    CHECK_INT(sb_last_error_code(), SB_OK);
    CHECK_STR(sb_last_error(), "no error");
    CHECK_STR(sb_last_error_field(), "");
}

/* A database written by a newer switchboard is refused and left alone. */
static void test_newer_schema(const char* path) {
    sb_db* db = NULL;
    int version = 0, latest = 0;
    FILE* f;
    unsigned char header[4];
    sb_db_options o = sb_test_options();

    REQUIRE_OK(sb_db_open(&db, path, &o));
    CHECK_OK(sb_db_schema_version(db, &version));
    CHECK_OK(sb_db_latest_schema_version(&latest));
    CHECK(latest >= 1);
    CHECK_INT(version, latest);
    CHECK_OK(sb_db_close(db));

    /* the user_version field of the SQLite header (offset 60, big-endian) */
    f = fopen(path, "r+b");
    REQUIRE_OK(f != NULL ? SB_OK : SB_ESTORAGE);
    header[0] = 0;
    header[1] = 0;
    header[2] = 0x27;
    header[3] = 0x0f; /* 9999 */
    CHECK(fseek(f, 60, SEEK_SET) == 0);
    CHECK(fwrite(header, 1, 4, f) == 4);
    fclose(f);

    db = NULL;
    CHECK_RC(SB_ESCHEMA, sb_db_open(&db, path, &o));
    CHECK(strstr(sb_last_error(), "9999") != NULL);
    CHECK(db == NULL);

    /* unchanged: still 9999 */
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        unsigned char got[4] = {0, 0, 0, 0};
        CHECK(fseek(f, 60, SEEK_SET) == 0);
        CHECK(fread(got, 1, 4, f) == 4);
        CHECK(got[2] == 0x27 && got[3] == 0x0f);
        fclose(f);
    }
}

static void test_null_arguments(sb_db* db) {
    char* out = (char*)"untouched";
    int ok = 7;
    CHECK_RC(SB_EINVALID, sb_user_list(NULL, &out, "token", NULL));
    CHECK_STR(sb_last_error_field(), "db");
    CHECK(out == NULL);
    out = (char*)"untouched";
    CHECK_RC(SB_EINVALID, sb_user_list(db, NULL, "token", NULL));
    CHECK_STR(sb_last_error_field(), "out_json");
    CHECK_RC(SB_EINVALID, sb_user_list(db, &out, NULL, NULL));
    CHECK_STR(sb_last_error_field(), "token");
    CHECK(out == NULL);
    CHECK_RC(SB_EINVALID, sb_accounts_sign_in(db, &out, NULL, "x"));
    CHECK_STR(sb_last_error_field(), "login");
    CHECK_RC(SB_EINVALID, sb_accounts_verify_email(db, &ok, NULL));
    CHECK_INT(ok, 0);
    CHECK_STR(sb_last_error_field(), "key");
    CHECK_RC(SB_EINVALID, sb_db_schema_version(db, NULL));
    CHECK_RC(SB_EINVALID, sb_db_schema_version(NULL, &ok));
    /* a token that does not exist is a clean SB_EUNAUTHORIZED */
    CHECK_ERROR(SB_EUNAUTHORIZED, "unauthorized", sb_user_list(db, &out, "0123456789abcdef0123456789abcdef", NULL));
    CHECK_ERROR(SB_EUNAUTHORIZED, "unauthorized", sb_org_get(db, &out, ""));
}

/* ---------------------------------------------------------------- threads */

struct worker {
    sb_db* db;
    const char* token;
    int failures;
    int error_code_seen;
};

static void* worker_main(void* arg) {
    struct worker* w = (struct worker*)arg;
    int i;
    /* this thread's error state starts clean whatever the main thread did */
    if (sb_last_error_code() != SB_OK) ++w->failures;
    for (i = 0; i < 20; ++i) {
        char* json = NULL;
        if (sb_user_list(w->db, &json, w->token, NULL) != SB_OK) ++w->failures;
        else if (sbj_int(json, "total") != 1) ++w->failures;
        sb_free(json);
        json = NULL;
        if (sb_org_get(w->db, &json, w->token) != SB_OK) ++w->failures;
        else if (strcmp(sbj_str(json, "company_name"), "Threads Ltd") != 0) ++w->failures;
        sb_free(json);
    }
    /* a failure here is seen here only */
    w->error_code_seen = sb_user_list(w->db, NULL, w->token, NULL);
    if (strcmp(sb_last_error_field(), "out_json") != 0) ++w->failures;
    return NULL;
}

static void test_threads(const char* dir) {
    char path[400];
    sb_db* db = NULL;
    char *json = NULL, *mails = NULL, *session = NULL;
    char token[64];
    int ok = 0, i;
    pthread_t threads[4];
    struct worker workers[4];
    sb_db_options o = sb_test_options();

    snprintf(path, sizeof path, "%s/threads.db", dir);
    REQUIRE_OK(sb_db_open(&db, path, &o));
    REQUIRE_OK(sb_accounts_sign_up(db, &json,
                          "{\"company_name\":\"Threads Ltd\",\"email\":\"owner@threads.example\","
                          "\"phone\":\"+254700000009\",\"password\":\"Correct-Horse-42\"}"));
    REQUIRE_OK(sb_outbox_list(db, &mails, "owner@threads.example"));
    REQUIRE_OK(sb_accounts_verify_email(db, &ok, sb_test_after(sbj_str(mails, "0.body"), "Verification key: ")));
    CHECK_INT(ok, 1);
    REQUIRE_OK(sb_accounts_sign_in(db, &session, "owner@threads.example", "Correct-Horse-42"));
    snprintf(token, sizeof token, "%s", sbj_str(session, "token"));

    /* leave an error on the main thread: the workers must not see it */
    CHECK_RC(SB_EINVALID, sb_db_open(NULL, path, NULL));
    for (i = 0; i < 4; ++i) {
        workers[i].db = db;
        workers[i].token = token;
        workers[i].failures = 0;
        workers[i].error_code_seen = 0;
        CHECK(pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0);
    }
    for (i = 0; i < 4; ++i) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK_INT(workers[i].failures, 0);
        CHECK_INT(workers[i].error_code_seen, SB_EINVALID);
    }
    /* ... and theirs did not overwrite the main thread's */
    CHECK_INT(sb_last_error_code(), SB_EINVALID);
    CHECK_STR(sb_last_error_field(), "out");

    sb_free(json);
    sb_free(mails);
    sb_free(session);
    CHECK_OK(sb_db_close(db));
    {
        static const char* suffixes[] = {"", "-wal", "-shm", ".key"};
        char p[420];
        for (i = 0; i < 4; ++i) {
            snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
            unlink(p);
        }
    }
}

int main(void) {
    const char* path = sb_test_temp_db("errors");
    sb_db* db = NULL;
    int version = 0;

    test_initial_state();
    test_error_names();
    test_options();
    test_open_errors(sb_test_dir);

    {
        sb_db_options o = sb_test_options();
        REQUIRE_OK(sb_db_open(&db, ":memory:", &o));
    }
    CHECK_OK(sb_db_schema_version(db, &version));
    CHECK(version >= 1);
    test_null_arguments(db);
    CHECK_OK(sb_db_close(db));

    test_threads(sb_test_dir);
    test_newer_schema(path);

    sb_test_cleanup();
    return sb_test_finish("test_errors");
}
