/* Jobs and events through the C API (switchboard_jobs.h), and what the job
 * options of sb_db_options do: texts recorded with a developer token become
 * jobs that the workers run; their states and counts by value; the report
 * reader rule; the events of tickets and messages in order, each reader
 * seeing only what the record rule lets them see; a waiting reader woken by
 * a new event; a handle without workers that leaves its jobs to another
 * handle; a full backlog; a job sealed with another key. */
#include "test_util.h" /* first: it sets _POSIX_C_SOURCE */

#include <pthread.h>
#include <time.h>

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static long long monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Records a text with a dev token; copies its Ricket into ricket[64]. */
static void record(sb_db* db, const char* dev, const char* text, char ricket[64]) {
    char fields[1024];
    char* json = NULL;
    snprintf(fields, sizeof fields, "{\"text\":\"%s\"}", text);
    REQUIRE_OK(sb_text_record(db, &json, dev, fields));
    snprintf(ricket, 64, "%s", sbj_str(json, "ricket"));
    CHECK_STR(sbj_str(json, "status"), "pending");
    CHECK_INT(strlen(ricket), 20);
    sb_free(json);
}

/* The status of a text interaction ("pending", "ready", "failed"), copied
 * into out[32]. */
static const char* report_status(sb_db* db, const char* token, const char* ricket, char out[32]) {
    char* json = NULL;
    out[0] = '\0';
    CHECK_OK(sb_text_report(db, &json, token, ricket));
    snprintf(out, 32, "%s", sbj_str(json, "status"));
    sb_free(json);
    return out;
}

/* The job whose subject is `ricket` (found with a filter, read with
 * sb_jobs_get); the caller frees it with sb_free(). */
static char* job_of(sb_db* db, const char* token, const char* ricket) {
    char query[256];
    char *page = NULL, *job = NULL;
    snprintf(query, sizeof query, "{\"filters\":{\"subject\":\"%s\"}}", ricket);
    REQUIRE_OK(sb_jobs_list(db, &page, token, query));
    CHECK_INT(sbj_int(page, "total"), 1);
    REQUIRE_OK(sb_jobs_get(db, &job, token, sbj_int(page, "items.0.id")));
    CHECK_INT(sbj_int(job, "id"), sbj_int(page, "items.0.id"));
    CHECK_STR(sbj_str(job, "subject"), ricket);
    sb_free(page);
    return job;
}

#define CHECK_COUNTS(db, token, queued, running, done, failed)      \
    do {                                                            \
        char* counts_ = NULL;                                       \
        CHECK_OK(sb_jobs_counts(db, &counts_, token));              \
        CHECK_INT(sbj_int(counts_, "queued"), queued);              \
        CHECK_INT(sbj_int(counts_, "running"), running);            \
        CHECK_INT(sbj_int(counts_, "done"), done);                  \
        CHECK_INT(sbj_int(counts_, "failed"), failed);              \
        sb_free(counts_);                                           \
    } while (0)

/* Events are stored a few milliseconds after the change that made them:
 * waits (up to 10 s) until the organisation's last seq reaches `want`. */
static long long wait_for_seq(sb_db* db, const char* token, long long want) {
    int64_t seq = 0;
    int i;
    for (i = 0; i < 1000; ++i) {
        CHECK_OK(sb_events_last_seq(db, &seq, token));
        if (seq >= want) break;
        sleep_ms(10);
    }
    return (long long)seq;
}

/* Checks a batch of events: exactly n, with these types and subjects in
 * order, seq strictly increasing and after `after`, all of organisation
 * `org_id`, no gap. */
static void check_events(const char* json, long long after, long long org_id, int n, const char* const* types,
                         const char* const* subjects, int line) {
    char path[64];
    long long prev = after;
    int i, got = sbj_len(json, "events");
    ++sb_test_checks;
    if (got != n) {
        sb_test_fail(__FILE__, line, "%d events, want %d: %s", got, n, json ? json : "(null)");
        return;
    }
    if (sbj_bool(json, "gap") != 0) sb_test_fail(__FILE__, line, "gap is not false: %s", json);
    for (i = 0; i < n; ++i) {
        long long seq;
        snprintf(path, sizeof path, "events.%d.seq", i);
        seq = sbj_int(json, path);
        if (seq <= prev) sb_test_fail(__FILE__, line, "event %d: seq %lld after %lld", i, seq, prev);
        prev = seq;
        snprintf(path, sizeof path, "events.%d.type", i);
        if (strcmp(sbj_str(json, path), types[i]) != 0)
            sb_test_fail(__FILE__, line, "event %d: type \"%s\", want \"%s\"", i, sbj_str(json, path), types[i]);
        snprintf(path, sizeof path, "events.%d.subject", i);
        if (strcmp(sbj_str(json, path), subjects[i]) != 0)
            sb_test_fail(__FILE__, line, "event %d: subject \"%s\", want \"%s\"", i, sbj_str(json, path),
                         subjects[i]);
        snprintf(path, sizeof path, "events.%d.org_id", i);
        if (sbj_int(json, path) != org_id)
            sb_test_fail(__FILE__, line, "event %d: org_id %lld, want %lld", i, sbj_int(json, path), org_id);
        snprintf(path, sizeof path, "events.%d.time_ms", i);
        if (sbj_int(json, path) <= 0) sb_test_fail(__FILE__, line, "event %d: no time_ms", i);
    }
}
#define CHECK_EVENTS(json, after, org_id, n, types, subjects) \
    check_events(json, after, org_id, n, types, subjects, __LINE__)

/* Reads everything `token` sees after `after` (no waiting). */
static char* read_events(sb_db* db, const char* token, long long after) {
    char* json = NULL;
    CHECK_OK(sb_events_read(db, &json, token, after, 1000, 0));
    return json;
}

/* ------------------------------------------------------------ the people */

typedef struct people {
    long long acme, globex_org, ann_id, bob_id, carol_id;
    char admin[64], sup[64], ann[64], bob[64], carol[64], dev[64], globex[64], globex_dev[64];
} people;

static void make_people(sb_db* db, people* p) {
    p->acme = sb_test_new_org(db, "Acme", "owner@acme.example", "+254 700 000001", p->admin);
    sb_test_new_staff(db, p->admin, "sue", "supervisor", "Supervisor-Pass-1", p->sup);
    p->ann_id = sb_test_new_staff(db, p->admin, "ann", "agent", "Agent-Password-7", p->ann);
    p->bob_id = sb_test_new_staff(db, p->admin, "bob", "agent", "Agent-Password-8", p->bob);
    p->carol_id = sb_test_new_customer(db, p->acme, "carol@mail.example", "Carol", p->carol);
    sb_test_dev_token(db, p->admin, "owner@acme.example", "robot", p->dev);
    p->globex_org = sb_test_new_org(db, "Globex", "owner@globex.example", "+254 700 000002", p->globex);
    sb_test_dev_token(db, p->globex, "owner@globex.example", "gbot", p->globex_dev);
}

/* ------------------------------------------------------------ jobs */

static const char* TEXTS[3] = {
    "Hello, my router is broken again.",
    "I will call you back by tomorrow.",
    "My card is 4539 1488 0343 6467, please charge it.",
};

static void test_jobs(sb_db* db, const people* p, char rickets[3][64]) {
    char *json = NULL, status[32], path[64];
    int64_t seq = -1;
    long long first_id, newest_id;
    int i;

    /* nothing has happened in the organisation yet */
    CHECK_OK(sb_events_last_seq(db, &seq, p->admin));
    CHECK_INT(seq, 0);
    CHECK_COUNTS(db, p->dev, 0, 0, 0, 0);

    for (i = 0; i < 3; ++i) record(db, p->dev, TEXTS[i], rickets[i]);
    CHECK_OK(sb_jobs_drain(db, 30000));
    for (i = 0; i < 3; ++i) CHECK_STR(report_status(db, p->dev, rickets[i], status), "ready");

    /* counts: by the report readers of the organisation; Globex has none */
    CHECK_COUNTS(db, p->dev, 0, 0, 3, 0);
    CHECK_COUNTS(db, p->admin, 0, 0, 3, 0);
    CHECK_COUNTS(db, p->sup, 0, 0, 3, 0);
    CHECK_COUNTS(db, p->globex_dev, 0, 0, 0, 0);
    CHECK_COUNTS(db, p->globex, 0, 0, 0, 0);

    /* the list: newest first, each done after one run, its payload cleared */
    REQUIRE_OK(sb_jobs_list(db, &json, p->admin, NULL));
    CHECK_INT(sbj_int(json, "total"), 3);
    CHECK_INT(sbj_len(json, "items"), 3);
    for (i = 0; i < 3; ++i) {
        const char* want = rickets[2 - i];
        snprintf(path, sizeof path, "items.%d.subject", i);
        CHECK_STR(sbj_str(json, path), want);
        snprintf(path, sizeof path, "items.%d.kind", i);
        CHECK_STR(sbj_str(json, path), "text_analysis");
        snprintf(path, sizeof path, "items.%d.state", i);
        CHECK_STR(sbj_str(json, path), "done");
        snprintf(path, sizeof path, "items.%d.attempts", i);
        CHECK_INT(sbj_int(json, path), 1);
        snprintf(path, sizeof path, "items.%d.max_attempts", i);
        CHECK_INT(sbj_int(json, path), 5);
        snprintf(path, sizeof path, "items.%d.payload_bytes", i);
        CHECK_INT(sbj_int(json, path), 0);
        snprintf(path, sizeof path, "items.%d.last_error", i);
        CHECK_STR(sbj_str(json, path), "");
        snprintf(path, sizeof path, "items.%d.lease_owner", i);
        CHECK_STR(sbj_str(json, path), "");
        snprintf(path, sizeof path, "items.%d.finished_ms", i);
        CHECK(sbj_int(json, path) > 0);
    }
    newest_id = sbj_int(json, "items.0.id");
    first_id = sbj_int(json, "items.2.id");
    CHECK(newest_id > sbj_int(json, "items.1.id") && sbj_int(json, "items.1.id") > first_id);
    sb_free(json);
    json = NULL;

    /* filters, pages */
    REQUIRE_OK(sb_jobs_list(db, &json, p->dev, "{\"filters\":{\"state\":\"done\"},\"count\":2}"));
    CHECK_INT(sbj_int(json, "total"), 3);
    CHECK_INT(sbj_len(json, "items"), 2);
    CHECK_INT(sbj_int(json, "items.0.id"), newest_id);
    sb_free(json);
    json = NULL;
    REQUIRE_OK(sb_jobs_list(db, &json, p->sup, "{\"filters\":{\"state\":\"done\"},\"count\":2,\"offset\":2}"));
    CHECK_INT(sbj_len(json, "items"), 1);
    CHECK_INT(sbj_int(json, "items.0.id"), first_id);
    sb_free(json);
    json = NULL;
    REQUIRE_OK(sb_jobs_list(db, &json, p->dev, "{\"filters\":{\"state\":\"failed\"}}"));
    CHECK_INT(sbj_int(json, "total"), 0);
    CHECK_INT(sbj_len(json, "items"), 0);
    sb_free(json);
    json = NULL;
    REQUIRE_OK(sb_jobs_list(db, &json, p->globex_dev, NULL));
    CHECK_INT(sbj_int(json, "total"), 0);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EINVALID, sb_jobs_list(db, &json, p->dev, "{\"filters\":{\"colour\":\"red\"}}"));
    CHECK_STR(sb_last_error_field(), "colour");
    CHECK(json == NULL);

    /* one job */
    REQUIRE_OK(sb_jobs_get(db, &json, p->sup, first_id));
    CHECK_INT(sbj_int(json, "id"), first_id);
    CHECK_STR(sbj_str(json, "subject"), rickets[0]);
    CHECK_STR(sbj_str(json, "state"), "done");
    CHECK(sbj_int(json, "created_ms") > 0 && sbj_int(json, "finished_ms") >= sbj_int(json, "created_ms"));
    sb_free(json);
    json = NULL;
    CHECK_ERROR(SB_ENOTFOUND, "no job 999999", sb_jobs_get(db, &json, p->dev, 999999));
    CHECK_STR(sb_last_error_field(), "id");
    /* another organisation's job is not found either, by the same words */
    snprintf(path, sizeof path, "no job %lld", first_id);
    CHECK_ERROR(SB_ENOTFOUND, path, sb_jobs_get(db, &json, p->globex_dev, first_id));
    CHECK_ERROR(SB_ENOTFOUND, path, sb_jobs_get(db, &json, p->globex, first_id));
    CHECK(json == NULL);

    /* the report reader rule: admins, supervisors and dev tokens only */
    CHECK_RC(SB_EFORBIDDEN, sb_jobs_list(db, &json, p->ann, NULL));
    CHECK(json == NULL);
    CHECK_RC(SB_EFORBIDDEN, sb_jobs_get(db, &json, p->ann, first_id));
    CHECK_RC(SB_EFORBIDDEN, sb_jobs_counts(db, &json, p->ann));
    CHECK_RC(SB_EFORBIDDEN, sb_jobs_list(db, &json, p->carol, NULL));
    CHECK_RC(SB_EFORBIDDEN, sb_jobs_counts(db, &json, p->carol));
    CHECK(json == NULL);
    CHECK_ERROR(SB_EUNAUTHORIZED, "unauthorized",
                sb_jobs_list(db, &json, "0123456789abcdef0123456789abcdef", NULL));
    CHECK_ERROR(SB_EUNAUTHORIZED, "unauthorized", sb_jobs_get(db, &json, "no-such-token", first_id));
    CHECK_ERROR(SB_EUNAUTHORIZED, "unauthorized", sb_jobs_counts(db, &json, "no-such-token"));
    CHECK(json == NULL);
    CHECK_RC(SB_EINVALID, sb_jobs_counts(db, &json, NULL));
    CHECK_STR(sb_last_error_field(), "token");
    CHECK_RC(SB_EINVALID, sb_jobs_counts(db, NULL, p->dev));
    CHECK_STR(sb_last_error_field(), "out_json");
    CHECK_RC(SB_EINVALID, sb_jobs_list(NULL, &json, p->dev, NULL));
    CHECK_STR(sb_last_error_field(), "db");

    /* drain: idle now; its own argument checks */
    CHECK_OK(sb_jobs_drain(db, 0));
    CHECK_ERROR(SB_EINVALID, "timeout_ms must be 0 or more", sb_jobs_drain(db, -1));
    CHECK_STR(sb_last_error_field(), "timeout_ms");
    CHECK_RC(SB_EINVALID, sb_jobs_drain(NULL, 0));
    CHECK_STR(sb_last_error_field(), "db");
}

/* ------------------------------------------------------------ events */

typedef struct later_post {
    sb_db* db;
    const char* token;
    long long ticket_id;
    int rc;
} later_post;

/* Posts a message after 200 ms, from another thread. */
static void* post_later(void* arg) {
    later_post* p = (later_post*)arg;
    char* json = NULL;
    sleep_ms(200);
    p->rc = sb_ticket_message_post(p->db, &json, p->token, p->ticket_id, "On it");
    sb_free(json);
    return NULL;
}

static void test_events(sb_db* db, const people* p, char rickets[3][64]) {
    char *json = NULL, t1_no[32], t2_no[32], t3_no[32], fields[256];
    long long t1, t2, t3, base, started;
    int64_t seq = -1;

    /* the three analyses, for the report readers */
    base = wait_for_seq(db, p->admin, 3);
    CHECK_INT(base, 3);
    json = read_events(db, p->dev, 0);
    {
        /* two workers: the analyses end in any order */
        const char* types[] = {"interaction.ready", "interaction.ready", "interaction.ready"};
        const char* subjects[3];
        int i, j;
        for (i = 0; i < 3; ++i) {
            char path[64];
            snprintf(path, sizeof path, "events.%d.subject", i);
            subjects[i] = rickets[0];
            for (j = 0; j < 3; ++j)
                if (strcmp(sbj_str(json, path), rickets[j]) == 0) subjects[i] = rickets[j];
        }
        CHECK(subjects[0] != subjects[1] && subjects[1] != subjects[2] && subjects[0] != subjects[2]);
        CHECK_EVENTS(json, 0, p->acme, 3, types, subjects);
        CHECK_INT(sbj_int(json, "events.0.seq"), 1);
        CHECK_INT(sbj_int(json, "last_seq"), 3);
        CHECK_STR(sbj_str(json, "events.2.data.status"), "ready");
    }
    sb_free(json);

    /* tickets and a message: T1 for ann, T2 for bob, T3 raised by carol,
     * then assigned to ann, a message on T3, a change of T2 */
    snprintf(fields, sizeof fields, "{\"narrative\":\"Router down\",\"assigned_to\":%lld}", p->ann_id);
    REQUIRE_OK(sb_ticket_create(db, &json, p->admin, fields));
    t1 = sbj_int(json, "id");
    snprintf(t1_no, sizeof t1_no, "%s", sbj_str(json, "ticket_no"));
    sb_free(json);
    snprintf(fields, sizeof fields, "{\"narrative\":\"No dial tone\",\"assigned_to\":%lld}", p->bob_id);
    REQUIRE_OK(sb_ticket_create(db, &json, p->admin, fields));
    t2 = sbj_int(json, "id");
    snprintf(t2_no, sizeof t2_no, "%s", sbj_str(json, "ticket_no"));
    sb_free(json);
    REQUIRE_OK(sb_ticket_create(db, &json, p->carol,
                                "{\"narrative\":\"My invoice is wrong\",\"contact\":{\"phone\":\"+254711000001\"}}"));
    t3 = sbj_int(json, "id");
    snprintf(t3_no, sizeof t3_no, "%s", sbj_str(json, "ticket_no"));
    CHECK_INT(sbj_int(json, "assigned_to"), 0);
    sb_free(json);
    REQUIRE_OK(sb_ticket_assign(db, &json, p->admin, t3, p->ann_id));
    sb_free(json);
    REQUIRE_OK(sb_ticket_message_post(db, &json, p->carol, t3, "Any news?"));
    sb_free(json);
    REQUIRE_OK(sb_ticket_update(db, &json, p->admin, t2, "{\"priority\":\"high\"}"));
    sb_free(json);
    CHECK_INT(wait_for_seq(db, p->admin, base + 6), base + 6);

    /* admins and supervisors: all six, in order */
    json = read_events(db, p->admin, base);
    {
        const char* types[] = {"ticket.created", "ticket.created", "ticket.created",
                               "ticket.changed", "message.posted", "ticket.changed"};
        const char* subjects[] = {t1_no, t2_no, t3_no, t3_no, t3_no, t2_no};
        CHECK_EVENTS(json, base, p->acme, 6, types, subjects);
        CHECK_INT(sbj_int(json, "events.0.seq"), base + 1);
        CHECK_INT(sbj_int(json, "events.5.seq"), base + 6);
        CHECK_INT(sbj_int(json, "last_seq"), base + 6);
        CHECK_STR(sbj_str(json, "events.0.data.narrative"), "Router down");
        CHECK_INT(sbj_int(json, "events.0.data.assigned_to"), p->ann_id);
        CHECK_INT(sbj_int(json, "events.2.data.created_by"), p->carol_id);
        CHECK_INT(sbj_int(json, "events.3.data.assigned_to"), p->ann_id);
        CHECK_STR(sbj_str(json, "events.4.data.ticket_no"), t3_no);
        CHECK_INT(sbj_int(json, "events.4.data.ticket_id"), t3);
        CHECK_STR(sbj_str(json, "events.4.data.message.body"), "Any news?");
        CHECK_INT(sbj_int(json, "events.4.data.message.author_id"), p->carol_id);
        CHECK_STR(sbj_str(json, "events.5.data.priority"), "high");
    }
    sb_free(json);
    json = read_events(db, p->sup, base);
    CHECK_INT(sbj_len(json, "events"), 6);
    sb_free(json);

    /* a customer: the events of the ticket they raised, nothing else */
    json = read_events(db, p->carol, 0);
    {
        const char* types[] = {"ticket.created", "ticket.changed", "message.posted"};
        const char* subjects[] = {t3_no, t3_no, t3_no};
        CHECK_EVENTS(json, 0, p->acme, 3, types, subjects);
        CHECK_INT(sbj_int(json, "last_seq"), base + 6); /* looked at everything, saw three */
    }
    sb_free(json);
    /* an agent: the events of tickets assigned to them when they changed */
    json = read_events(db, p->ann, 0);
    {
        const char* types[] = {"ticket.created", "ticket.changed", "message.posted"};
        const char* subjects[] = {t1_no, t3_no, t3_no};
        CHECK_EVENTS(json, 0, p->acme, 3, types, subjects);
    }
    sb_free(json);
    json = read_events(db, p->bob, 0);
    {
        const char* types[] = {"ticket.created", "ticket.changed"};
        const char* subjects[] = {t2_no, t2_no};
        CHECK_EVENTS(json, 0, p->acme, 2, types, subjects);
    }
    sb_free(json);
    /* a dev token: the interaction events, no ticket's */
    json = read_events(db, p->dev, 0);
    CHECK_INT(sbj_len(json, "events"), 3);
    CHECK_INT(sbj_int(json, "last_seq"), base + 6);
    sb_free(json);
    /* another organisation: none of these, its own numbering */
    CHECK_OK(sb_events_last_seq(db, &seq, p->globex));
    CHECK_INT(seq, 0);
    json = read_events(db, p->globex, 0);
    CHECK_INT(sbj_len(json, "events"), 0);
    CHECK_INT(sbj_int(json, "last_seq"), 0);
    sb_free(json);
    /* the last seq is the organisation's, whoever asks */
    CHECK_OK(sb_events_last_seq(db, &seq, p->carol));
    CHECK_INT(seq, base + 6);
    CHECK_OK(sb_events_last_seq(db, &seq, p->dev));
    CHECK_INT(seq, base + 6);

    /* resuming page by page */
    CHECK_OK(sb_events_read(db, &json, p->admin, base, 2, 0));
    CHECK_INT(sbj_len(json, "events"), 2);
    CHECK_INT(sbj_int(json, "events.1.seq"), base + 2);
    CHECK_INT(sbj_int(json, "last_seq"), base + 2);
    sb_free(json);
    CHECK_OK(sb_events_read(db, &json, p->admin, base + 2, 2, 0));
    CHECK_INT(sbj_int(json, "events.0.seq"), base + 3);
    CHECK_STR(sbj_str(json, "events.0.subject"), t3_no);
    CHECK_INT(sbj_int(json, "last_seq"), base + 4);
    sb_free(json);

    /* waiting: nothing comes, the call returns after the wait */
    started = monotonic_ms();
    CHECK_OK(sb_events_read(db, &json, p->admin, base + 6, 10, 150));
    CHECK(monotonic_ms() - started >= 140);
    CHECK_INT(sbj_len(json, "events"), 0);
    CHECK_INT(sbj_int(json, "last_seq"), base + 6);
    sb_free(json);
    /* waiting: a message posted meanwhile (from another thread) ends the wait */
    {
        pthread_t thread;
        later_post post;
        post.db = db;
        post.token = p->ann;
        post.ticket_id = t1;
        post.rc = -999;
        REQUIRE_OK(pthread_create(&thread, NULL, post_later, &post) == 0 ? SB_OK : SB_EINTERNAL);
        started = monotonic_ms();
        CHECK_OK(sb_events_read(db, &json, p->admin, base + 6, 10, 20000));
        CHECK(monotonic_ms() - started < 10000);
        pthread_join(thread, NULL);
        CHECK_INT(post.rc, SB_OK);
        {
            const char* types[] = {"message.posted"};
            const char* subjects[] = {t1_no};
            CHECK_EVENTS(json, base + 6, p->acme, 1, types, subjects);
            CHECK_INT(sbj_int(json, "events.0.seq"), base + 7);
            CHECK_STR(sbj_str(json, "events.0.data.message.body"), "On it");
        }
        sb_free(json);
    }
    /* carol does not see ann's message on T1 */
    json = read_events(db, p->carol, base + 6);
    CHECK_INT(sbj_len(json, "events"), 0);
    CHECK_INT(sbj_int(json, "last_seq"), base + 7);
    sb_free(json);

    /* refusals */
    json = NULL;
    CHECK_ERROR(SB_EINVALID, "limit must be between 1 and 1000", sb_events_read(db, &json, p->admin, 0, 0, 0));
    CHECK_STR(sb_last_error_field(), "limit");
    CHECK_RC(SB_EINVALID, sb_events_read(db, &json, p->admin, 0, 1001, 0));
    CHECK_STR(sb_last_error_field(), "limit");
    CHECK_ERROR(SB_EINVALID, "after must be 0 or more", sb_events_read(db, &json, p->admin, -1, 10, 0));
    CHECK_STR(sb_last_error_field(), "after");
    CHECK_RC(SB_EINVALID, sb_events_read(db, &json, p->admin, 0, 10, -1));
    CHECK_STR(sb_last_error_field(), "wait");
    CHECK_ERROR(SB_EINVALID, "wait must be between 0 and 600000 ms",
                sb_events_read(db, &json, p->admin, 0, 10, 600001));
    CHECK_ERROR(SB_EUNAUTHORIZED, "unauthorized", sb_events_read(db, &json, "no-such-token", 0, 10, 0));
    CHECK(json == NULL);
    seq = 42;
    CHECK_ERROR(SB_EUNAUTHORIZED, "unauthorized", sb_events_last_seq(db, &seq, "no-such-token"));
    CHECK_INT(seq, 0);
    CHECK_RC(SB_EINVALID, sb_events_last_seq(db, NULL, p->admin));
    CHECK_STR(sb_last_error_field(), "out");
}

/* ------------------------------------------------------------ job options */

/* job_workers < 0: the handle runs no job; its texts wait (sb_jobs_drain says
 * SB_EBUSY) until a handle with workers on the same database runs them.
 * job_max_attempts is what a job queued by that handle may take. */
static void test_no_workers(const char* path, const people* p) {
    sb_db_options o = sb_test_options(), w = sb_test_options();
    sb_db *reader = NULL, *worker = NULL;
    char ricket[64], status[32], *job = NULL;
    long long started;

    o.job_workers = -1;
    o.job_max_attempts = 3;
    REQUIRE_OK(sb_db_open(&reader, path, &o));
    record(reader, p->dev, "Nobody here runs this one.", ricket);
    CHECK_ERROR(SB_EBUSY, "jobs are still queued or running", sb_jobs_drain(reader, 0));
    CHECK_STR(sb_last_error_field(), "jobs");
    CHECK_STR(sb_error_name(sb_last_error_code()), "SB_EBUSY");
    started = monotonic_ms();
    CHECK_RC(SB_EBUSY, sb_jobs_drain(reader, 200));
    CHECK(monotonic_ms() - started >= 190);
    CHECK_COUNTS(reader, p->dev, 1, 0, 3, 0);
    job = job_of(reader, p->admin, ricket);
    CHECK_STR(sbj_str(job, "state"), "queued");
    CHECK_INT(sbj_int(job, "attempts"), 0);
    CHECK_INT(sbj_int(job, "max_attempts"), 3);
    CHECK(sbj_int(job, "payload_bytes") > 0);
    CHECK_INT(sbj_int(job, "finished_ms"), 0);
    sb_free(job);
    sleep_ms(300);
    CHECK_STR(report_status(reader, p->dev, ricket, status), "pending");

    /* a second handle, with workers (job_workers 0: the default), runs it */
    w.job_max_attempts = 7;
    REQUIRE_OK(sb_db_open(&worker, path, &w));
    CHECK_OK(sb_jobs_drain(worker, 30000));
    CHECK_OK(sb_jobs_drain(reader, 0));
    CHECK_STR(report_status(reader, p->dev, ricket, status), "ready");
    CHECK_COUNTS(reader, p->dev, 0, 0, 4, 0);
    job = job_of(reader, p->dev, ricket);
    CHECK_STR(sbj_str(job, "state"), "done");
    CHECK_INT(sbj_int(job, "attempts"), 1);
    CHECK_INT(sbj_int(job, "max_attempts"), 3); /* as it was queued */
    CHECK_INT(sbj_int(job, "payload_bytes"), 0);
    sb_free(job);
    CHECK_OK(sb_db_close(worker));
    CHECK_OK(sb_db_close(reader));
}

/* max_backlog_bytes: past it, recording a text is SB_EBUSY and stores nothing. */
static void test_backlog(const char* path, const people* p) {
    sb_db_options o = sb_test_options();
    sb_db *db = NULL, *worker = NULL;
    char ricket[64], ricket2[64], *json = NULL, *job = NULL, message[256];
    long long payload;
    const char* text = "Please send the engineer on Monday.";

    /* one byte: nothing fits */
    o.job_workers = -1;
    o.max_backlog_bytes = 1;
    REQUIRE_OK(sb_db_open(&db, path, &o));
    CHECK_ERROR(SB_EBUSY, "the backlog is full (0 bytes waiting, at most 1): try again shortly",
                sb_text_record(db, &json, p->dev, "{\"text\":\"Please send the engineer on Monday.\"}"));
    CHECK_STR(sb_last_error_field(), "queue");
    CHECK(json == NULL);
    CHECK_COUNTS(db, p->dev, 0, 0, 4, 0); /* no job was stored */
    CHECK_OK(sb_db_close(db));

    /* room for one text of this size, not two */
    o.max_backlog_bytes = 0;
    REQUIRE_OK(sb_db_open(&db, path, &o));
    record(db, p->dev, text, ricket);
    job = job_of(db, p->dev, ricket);
    payload = sbj_int(job, "payload_bytes");
    CHECK(payload > (long long)strlen(text));
    sb_free(job);
    CHECK_OK(sb_db_close(db));
    o.max_backlog_bytes = payload * 2 + payload / 2; /* the one waiting and one more */
    REQUIRE_OK(sb_db_open(&db, path, &o));
    record(db, p->dev, text, ricket2);
    CHECK_RC(SB_EBUSY, sb_text_record(db, &json, p->dev, "{\"text\":\"Please send the engineer on Monday.\"}"));
    snprintf(message, sizeof message, "the backlog is full (%lld bytes waiting, at most %lld): try again shortly",
             2 * payload, payload * 2 + payload / 2);
    CHECK_STR(sb_last_error(), message);
    CHECK(json == NULL);
    CHECK_COUNTS(db, p->dev, 2, 0, 4, 0);

    /* a handle with workers runs the two that fit */
    {
        sb_db_options w = sb_test_options();
        REQUIRE_OK(sb_db_open(&worker, path, &w));
    }
    CHECK_OK(sb_jobs_drain(worker, 30000));
    CHECK_COUNTS(worker, p->dev, 0, 0, 6, 0);
    CHECK_OK(sb_db_close(worker));
    CHECK_OK(sb_db_close(db));
}

/* key_file: a job sealed under one key cannot be opened under another; it
 * fails for good, with a reason, and says so in events. */
static void test_other_key(const char* path, const people* p) {
    sb_db_options o = sb_test_options();
    sb_db *db = NULL, *worker = NULL;
    char key[400], ricket[64], status[32], *job = NULL, *json = NULL, job_id[32];
    int64_t before = 0;

    snprintf(key, sizeof key, "%s/other.key", sb_test_dir);
    o.job_workers = -1;
    o.key_file = key;
    REQUIRE_OK(sb_db_open(&db, path, &o));
    record(db, p->dev, "Sealed with the other key.", ricket);
    CHECK_OK(sb_db_close(db));

    /* the default key ("<path>.key") cannot open it */
    {
        sb_db_options w = sb_test_options();
        REQUIRE_OK(sb_db_open(&worker, path, &w));
    }
    CHECK_OK(sb_events_last_seq(worker, &before, p->dev));
    CHECK_OK(sb_jobs_drain(worker, 30000));
    job = job_of(worker, p->dev, ricket);
    CHECK_STR(sbj_str(job, "state"), "failed");
    CHECK_STR(sbj_str(job, "last_error"),
              "the payload cannot be opened: it was sealed with another key (was the key file replaced?)");
    CHECK_INT(sbj_int(job, "attempts"), 1);
    CHECK_INT(sbj_int(job, "payload_bytes"), 0);
    CHECK(sbj_int(job, "finished_ms") > 0);
    snprintf(job_id, sizeof job_id, "%lld", sbj_int(job, "id"));
    sb_free(job);
    CHECK_STR(report_status(worker, p->dev, ricket, status), "failed");
    CHECK_COUNTS(worker, p->dev, 0, 0, 6, 1);
    REQUIRE_OK(sb_jobs_list(worker, &json, p->admin, "{\"filters\":{\"state\":\"failed\"}}"));
    CHECK_INT(sbj_int(json, "total"), 1);
    CHECK_STR(sbj_str(json, "items.0.subject"), ricket);
    sb_free(json);

    /* the report readers hear of it; agents do not */
    CHECK_INT(wait_for_seq(worker, p->dev, before + 2), before + 2);
    json = read_events(worker, p->dev, before);
    {
        const char* types[] = {"interaction.failed", "job.failed"};
        const char* subjects[] = {ricket, job_id};
        CHECK_EVENTS(json, before, p->acme, 2, types, subjects);
        CHECK_STR(sbj_str(json, "events.1.data.state"), "failed");
    }
    sb_free(json);
    json = read_events(worker, p->ann, before);
    CHECK_INT(sbj_len(json, "events"), 0);
    sb_free(json);
    CHECK_OK(sb_db_close(worker));
    unlink(key);
}

int main(void) {
    const char* path = sb_test_temp_db("jobs");
    sb_db_options options = sb_test_options();
    sb_db* db = NULL;
    people p;
    char rickets[3][64];

    REQUIRE_OK(sb_db_open(&db, path, &options));
    make_people(db, &p);
    test_jobs(db, &p, rickets);
    test_events(db, &p, rickets);
    CHECK_OK(sb_db_close(db));

    test_no_workers(path, &p);
    test_backlog(path, &p);
    test_other_key(path, &p);

    sb_test_cleanup();
    return sb_test_finish("test_jobs");
}
