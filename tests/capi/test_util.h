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
    static const char* suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[340];
    size_t i;
    if (sb_test_dir[0] == '\0') return;
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; ++i) {
        snprintf(path, sizeof path, "%s%s", sb_test_db_path, suffixes[i]);
        unlink(path);
    }
    rmdir(sb_test_dir);
}

/* Options that keep Argon2id cheap (libsodium's minimum) so tests run fast. */
static inline sb_db_options sb_test_options(void) {
    sb_db_options o = SB_DB_OPTIONS_INIT;
    o.accounts.pwhash_opslimit = 1;
    o.accounts.pwhash_memlimit = 8192;
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

#endif /* SB_TEST_UTIL_H */
