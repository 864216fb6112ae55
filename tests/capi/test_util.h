/* Helpers shared by the C API tests: checks that print and count failures,
 * a temporary database per test, and a small JSON reader (path lookup) so
 * the tests can assert on the values the library returns. */
#ifndef SB_TEST_UTIL_H
#define SB_TEST_UTIL_H

#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "switchboard.h"

static int sb_test_failures = 0;
static int sb_test_checks = 0;

static inline void sb_test_fail(const char* file, int line, const char* fmt, ...) {
    va_list ap;
    ++sb_test_failures;
    fprintf(stderr, "%s:%d: FAILED: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Expects an sb_* call to return `want`. Prints the error state otherwise. */
#define CHECK_RC(want, call)                                                                  \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        ++sb_test_checks;                                                                     \
        if (rc_ != (want))                                                                    \
            sb_test_fail(__FILE__, __LINE__, "%s returned %d (%s: \"%s\", field \"%s\"), want %s", \
                         #call, rc_, sb_error_name(rc_), sb_last_error(), sb_last_error_field(), \
                         sb_error_name(want));                                                \
    } while (0)

#define CHECK_OK(call) CHECK_RC(SB_OK, call)

/* Stops the test: later steps depend on this one. */
#define REQUIRE_OK(call)                                                          \
    do {                                                                          \
        int before_ = sb_test_failures;                                           \
        CHECK_OK(call);                                                           \
        if (sb_test_failures != before_) {                                        \
            fprintf(stderr, "stopping: a required step failed\n");               \
            exit(1);                                                              \
        }                                                                         \
    } while (0)

#define CHECK(cond)                                                                   \
    do {                                                                              \
        ++sb_test_checks;                                                             \
        if (!(cond)) sb_test_fail(__FILE__, __LINE__, "%s", #cond);                  \
    } while (0)

#define CHECK_INT(got, want)                                                                  \
    do {                                                                                      \
        long long g_ = (long long)(got), w_ = (long long)(want);                              \
        ++sb_test_checks;                                                                     \
        if (g_ != w_) sb_test_fail(__FILE__, __LINE__, "%s == %lld, want %lld", #got, g_, w_); \
    } while (0)

#define CHECK_STR(got, want)                                                                      \
    do {                                                                                          \
        const char* g_ = (got);                                                                   \
        const char* w_ = (want);                                                                  \
        ++sb_test_checks;                                                                         \
        if (g_ == NULL || strcmp(g_, w_) != 0)                                                    \
            sb_test_fail(__FILE__, __LINE__, "%s == \"%s\", want \"%s\"", #got, g_ ? g_ : "(null)", w_); \
    } while (0)

/* Expects a failure with this code and exactly this message. */
#define CHECK_ERROR(want_rc, want_message, call)                                     \
    do {                                                                             \
        CHECK_RC(want_rc, call);                                                     \
        CHECK_STR(sb_last_error(), want_message);                                    \
        CHECK_INT(sb_last_error_code(), want_rc);                                    \
    } while (0)

static inline int sb_test_finish(const char* name) {
    if (sb_test_failures) {
        fprintf(stderr, "%s: %d of %d checks failed\n", name, sb_test_failures, sb_test_checks);
        return 1;
    }
    printf("%s: all %d checks passed\n", name, sb_test_checks);
    return 0;
}

/* ------------------------------------------------------------ temporary database */

static char sb_test_dir[256];
static char sb_test_db_path[300];

/* Makes a fresh directory under $TMPDIR (or /tmp) and returns a database
 * path inside it; sb_test_cleanup() removes both. */
static inline const char* sb_test_temp_db(const char* name) {
    const char* tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0') tmp = "/tmp";
    snprintf(sb_test_dir, sizeof sb_test_dir, "%s/sb-%s-XXXXXX", tmp, name);
    if (mkdtemp(sb_test_dir) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    snprintf(sb_test_db_path, sizeof sb_test_db_path, "%s/test.db", sb_test_dir);
    return sb_test_db_path;
}

static inline void sb_test_cleanup(void) {
    static const char* suffixes[] = {"", "-wal", "-shm", "-journal", ".key"};
    char path[340];
    size_t i;
    if (sb_test_dir[0] == '\0') return;
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; ++i) {
        snprintf(path, sizeof path, "%s%s", sb_test_db_path, suffixes[i]);
        unlink(path);
    }
    rmdir(sb_test_dir);
}

/* Accounts options that keep Argon2id cheap (libsodium's minimum) so tests
 * run fast. */
static inline sb_accounts_options sb_test_accounts_options(void) {
    sb_accounts_options a = SB_ACCOUNTS_OPTIONS_INIT;
    a.pwhash_opslimit = 1;
    a.pwhash_memlimit = 8192;
    return a;
}

/* Database options with those accounts options. They point at one static
 * copy: a test that changes the accounts options points o.accounts at its
 * own sb_accounts_options. */
static inline sb_db_options sb_test_options(void) {
    static sb_accounts_options accounts;
    sb_db_options o = SB_DB_OPTIONS_INIT;
    accounts = sb_test_accounts_options();
    o.accounts = &accounts;
    return o;
}

/* ------------------------------------------------------------ JSON reading */

static inline const char* sbj_ws(const char* p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
    return p;
}

/* The end of the string starting at p (which points at the opening quote). */
static inline const char* sbj_skip_string(const char* p) {
    ++p;
    while (*p && *p != '"') p += (*p == '\\' && p[1]) ? 2 : 1;
    return *p ? p + 1 : p;
}

/* The end of the JSON value starting at p. */
static inline const char* sbj_skip(const char* p) {
    p = sbj_ws(p);
    if (*p == '"') return sbj_skip_string(p);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (*p) {
            if (*p == '"') {
                p = sbj_skip_string(p);
                continue;
            }
            if (*p == '{' || *p == '[') ++depth;
            if (*p == '}' || *p == ']') {
                if (--depth == 0) return p + 1;
            }
            ++p;
        }
        return p;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') ++p;
    return p;
}

/* Finds the value at `path` ("a.b.0.c": object keys and array indexes) and
 * returns a pointer to its first character, or NULL. */
static inline const char* sbj_find(const char* json, const char* path) {
    const char* p = sbj_ws(json);
    char part[128];
    while (*path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof part) return NULL;
        memcpy(part, path, n);
        part[n] = '\0';
        path += n;
        if (*path == '.') ++path;
        if (*p == '{') {
            int found = 0;
            p = sbj_ws(p + 1);
            while (*p == '"') {
                const char* key = p + 1;
                const char* end = sbj_skip_string(p);
                size_t klen = (size_t)(end - key - 1);
                p = sbj_ws(end);
                if (*p != ':') return NULL;
                p = sbj_ws(p + 1);
                if (klen == n && strncmp(key, part, n) == 0) {
                    found = 1;
                    break;
                }
                p = sbj_ws(sbj_skip(p));
                if (*p == ',') p = sbj_ws(p + 1);
            }
            if (!found) return NULL;
        } else if (*p == '[') {
            long idx = strtol(part, NULL, 10), i;
            p = sbj_ws(p + 1);
            if (*p == ']') return NULL;
            for (i = 0; i < idx; ++i) {
                p = sbj_ws(sbj_skip(p));
                if (*p != ',') return NULL;
                p = sbj_ws(p + 1);
            }
        } else {
            return NULL;
        }
    }
    return p;
}

/* The string at `path`, unescaped into a static buffer ("" when absent or
 * not a string; check with sbj_has). Valid until the next call. */
static inline const char* sbj_str(const char* json, const char* path) {
    static char buf[4][4096];
    static int which = 0;
    char* out = buf[which = (which + 1) % 4];
    const char* p = json ? sbj_find(json, path) : NULL;
    size_t n = 0;
    out[0] = '\0';
    if (p == NULL || *p != '"') return out;
    ++p;
    while (*p && *p != '"' && n + 1 < sizeof buf[0]) {
        if (*p == '\\' && p[1]) {
            ++p;
            switch (*p) {
                case 'n': out[n++] = '\n'; break;
                case 't': out[n++] = '\t'; break;
                case 'r': out[n++] = '\r'; break;
                default: out[n++] = *p; break; /* \" \\ \/ ; \u is not needed here */
            }
            ++p;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    return out;
}

static inline int sbj_has(const char* json, const char* path) { return json && sbj_find(json, path) != NULL; }

/* The integer at `path`, or -999999 when absent. */
static inline long long sbj_int(const char* json, const char* path) {
    const char* p = json ? sbj_find(json, path) : NULL;
    if (p == NULL || !(*p == '-' || (*p >= '0' && *p <= '9'))) return -999999;
    return strtoll(p, NULL, 10);
}

/* 1 for true, 0 for false, -1 otherwise. */
static inline int sbj_bool(const char* json, const char* path) {
    const char* p = json ? sbj_find(json, path) : NULL;
    if (p && strncmp(p, "true", 4) == 0) return 1;
    if (p && strncmp(p, "false", 5) == 0) return 0;
    return -1;
}

/* The number of elements of the array at `path`, or -1. */
static inline int sbj_len(const char* json, const char* path) {
    const char* p = json ? (*path ? sbj_find(json, path) : sbj_ws(json)) : NULL;
    int n = 0;
    if (p == NULL || *p != '[') return -1;
    p = sbj_ws(p + 1);
    if (*p == ']') return 0;
    for (;;) {
        ++n;
        p = sbj_ws(sbj_skip(p));
        if (*p != ',') break;
        p = sbj_ws(p + 1);
    }
    return n;
}

/* Copies the text after `marker` in `s` up to the first character that is
 * not a letter or digit. "" when the marker is absent. */
static inline const char* sb_test_after(const char* s, const char* marker) {
    static char out[256];
    const char* p = s ? strstr(s, marker) : NULL;
    size_t n = 0;
    out[0] = '\0';
    if (p == NULL) return out;
    p += strlen(marker);
    while (n + 1 < sizeof out && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        out[n++] = *p++;
    out[n] = '\0';
    return out;
}

/* ------------------------------------------------------------ directories */

/* Removes a directory tree (files the library wrote under the test's
 * directory, such as its files directory). Missing paths are ignored. */
static inline void sb_test_remove_tree(const char* path) {
    struct stat st;
    DIR* dir;
    struct dirent* e;
    if (lstat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    dir = opendir(path);
    if (dir != NULL) {
        while ((e = readdir(dir)) != NULL) {
            char child[1024];
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= (int)sizeof child) continue;
            sb_test_remove_tree(child);
        }
        closedir(dir);
    }
    rmdir(path);
}

/* 1 when `path` is a directory. */
static inline int sb_test_is_dir(const char* path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ------------------------------------------------------------ accounts */

static const char* SB_TEST_PASSWORD = "Correct-Horse-42";

/* Reads the verification key of the newest "verify" email to `email` from
 * the outbox and spends it; checks that it was accepted. */
static inline void sb_test_verify(sb_db* db, const char* email) {
    char* mails = NULL;
    char key[64], path[64];
    int ok = 0, n;
    REQUIRE_OK(sb_outbox_list(db, &mails, email));
    n = sbj_len(mails, "");
    CHECK(n >= 1);
    snprintf(path, sizeof path, "%d.kind", n - 1);
    CHECK_STR(sbj_str(mails, path), "verify");
    snprintf(path, sizeof path, "%d.body", n - 1);
    snprintf(key, sizeof key, "%s", sb_test_after(sbj_str(mails, path), "Verification key: "));
    sb_free(mails);
    CHECK(strlen(key) > 0);
    REQUIRE_OK(sb_accounts_verify_email(db, &ok, key));
    CHECK_INT(ok, 1);
}

/* Signs in and copies the token into token[64]. */
static inline void sb_test_sign_in(sb_db* db, const char* login, const char* password, char token[64]) {
    char* session = NULL;
    REQUIRE_OK(sb_accounts_sign_in(db, &session, login, password));
    snprintf(token, 64, "%s", sbj_str(session, "token"));
    CHECK_INT(strlen(token), 32);
    sb_free(session);
}

/* Signs up an organisation (verified through its outbox key), signs its
 * admin in into token[64] and returns the organisation's id. */
static inline long long sb_test_new_org(sb_db* db, const char* company, const char* email, const char* phone,
                                        char token[64]) {
    char request[512];
    char* result = NULL;
    long long org_id;
    snprintf(request, sizeof request,
             "{\"company_name\":\"%s\",\"email\":\"%s\",\"phone\":\"%s\",\"password\":\"%s\"}", company,
             email, phone, SB_TEST_PASSWORD);
    REQUIRE_OK(sb_accounts_sign_up(db, &result, request));
    org_id = sbj_int(result, "organisation.id");
    CHECK(org_id > 0);
    sb_free(result);
    sb_test_verify(db, email);
    sb_test_sign_in(db, email, SB_TEST_PASSWORD, token);
    return org_id;
}

/* Creates a staff user (role "agent", "supervisor" ...) with a password of
 * the admin's choosing, signs them in into token[64]; returns the user id. */
static inline long long sb_test_new_staff(sb_db* db, const char* admin_token, const char* username, const char* role,
                                          const char* password, char token[64]) {
    char fields[512];
    char* json = NULL;
    long long id;
    snprintf(fields, sizeof fields,
             "{\"username\":\"%s\",\"email\":\"%s@staff.example\",\"role\":\"%s\",\"password\":\"%s\"}", username,
             username, role, password);
    REQUIRE_OK(sb_user_create(db, &json, admin_token, fields));
    id = sbj_int(json, "user.id");
    CHECK(id > 0);
    CHECK_STR(sbj_str(json, "user.role"), role);
    sb_free(json);
    sb_test_sign_in(db, username, password, token);
    return id;
}

/* A customer registers with the organisation, verifies their email through
 * the outbox and signs in into token[64]; returns the user id. */
static inline long long sb_test_new_customer(sb_db* db, long long org_id, const char* email, const char* first_name,
                                             char token[64]) {
    char request[512];
    char* json = NULL;
    long long id;
    snprintf(request, sizeof request,
             "{\"org_id\":%lld,\"email\":\"%s\",\"password\":\"Customer-Pass-5\","
             "\"password_confirm\":\"Customer-Pass-5\",\"first_name\":\"%s\",\"last_name\":\"Customer\"}",
             org_id, email, first_name);
    REQUIRE_OK(sb_accounts_register_customer(db, &json, request));
    id = sbj_int(json, "id");
    CHECK(id > 0);
    CHECK_STR(sbj_str(json, "role"), "customer");
    sb_free(json);
    /* sign-in waits for the verification */
    {
        char* session = NULL;
        CHECK_RC(SB_EUNVERIFIED, sb_accounts_sign_in(db, &session, email, "Customer-Pass-5"));
        CHECK(session == NULL);
    }
    sb_test_verify(db, email);
    sb_test_sign_in(db, email, "Customer-Pass-5", token);
    return id;
}

/* ------------------------------------------------------------ CSV sink */

/* A growing buffer for sb_csv_sink; `stop_after` > 0 makes the sink return
 * `stop_code` on that call. */
typedef struct sb_test_csv {
    char* text;
    size_t len;
    int calls;
    int stop_after;
    int stop_code;
} sb_test_csv;

static inline int sb_test_csv_sink(void* data, const char* chunk, size_t len) {
    sb_test_csv* b = (sb_test_csv*)data;
    char* grown;
    ++b->calls;
    if (b->stop_after > 0 && b->calls >= b->stop_after) return b->stop_code;
    grown = (char*)realloc(b->text, b->len + len + 1);
    if (grown == NULL) return -1;
    b->text = grown;
    memcpy(b->text + b->len, chunk, len);
    b->len += len;
    b->text[b->len] = '\0';
    return 0;
}

/* The number of CRLF-terminated lines in s. */
static inline int sb_test_count_lines(const char* s) {
    int n = 0;
    const char* p = s;
    while (p && (p = strstr(p, "\r\n")) != NULL) {
        ++n;
        p += 2;
    }
    return n;
}

/* Adds a developer key as the admin and exchanges it for a dev token. */
static inline void sb_test_dev_token(sb_db* db, const char* admin_token, const char* email, const char* name, char out[64]) {
    char pass_key[64];
    char* json = NULL;
    REQUIRE_OK(sb_devkey_add(db, &json, admin_token, name));
    snprintf(pass_key, sizeof pass_key, "%s", sbj_str(json, "pass_key"));
    sb_free(json);
    REQUIRE_OK(sb_dev_token_issue(db, &json, email, name, pass_key));
    snprintf(out, 64, "%s", sbj_str(json, "token"));
    sb_free(json);
    CHECK_INT(strlen(out), 32);
}

#endif /* SB_TEST_UTIL_H */
