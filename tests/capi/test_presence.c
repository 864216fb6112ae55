/* Agent presence and call queues through the C API (switchboard_presence.h):
 * the organisation's settings and queues with each refusal naming its field;
 * the agent states and the transitions refused with SB_ECONFLICT and the
 * state named; who may act on whom; the offering of calls (the available
 * agent idle longest first, a rejection passing the call to the next one,
 * answer, end, wrap-up, queue membership, the microphone permission); the
 * wallboard; the agent state report as a page, CSV and a pivot summing the
 * seconds; and a second organisation that sees none of it. Rings never time
 * out here (the queues ring for ten minutes): presence runs on the system
 * clock in this layer. */
#include "test_util.h" /* first: it sets _POSIX_C_SOURCE */

#include <time.h>

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* Checks the "state" of a status or call and frees it. */
#define CHECK_STATE_FREE(json, want)                  \
    do {                                              \
        CHECK_STR(sbj_str(json, "state"), want);      \
        sb_free(json);                                \
        json = NULL;                                  \
    } while (0)

typedef struct people {
    long long acme, admin_id, sue_id, ann_id, bob_id, cid_id, carol_id;
    char admin[64], sue[64], ann[64], bob[64], cid[64], carol[64], dev[64], globex[64], globex_dev[64];
} people;

static void make_people(sb_db* db, people* p) {
    char* me = NULL;
    p->acme = sb_test_new_org(db, "Acme", "owner@acme.example", "+254 700 000001", p->admin);
    REQUIRE_OK(sb_accounts_authenticate(db, &me, p->admin, SB_TOKEN_ACCESS));
    p->admin_id = sbj_int(me, "user_id");
    sb_free(me);
    p->sue_id = sb_test_new_staff(db, p->admin, "sue", "supervisor", "Supervisor-Pass-1", p->sue);
    p->ann_id = sb_test_new_staff(db, p->admin, "ann", "agent", "Agent-Password-7", p->ann);
    p->bob_id = sb_test_new_staff(db, p->admin, "bob", "agent", "Agent-Password-8", p->bob);
    p->cid_id = sb_test_new_staff(db, p->admin, "cid", "agent", "Agent-Password-9", p->cid);
    p->carol_id = sb_test_new_customer(db, p->acme, "carol@mail.example", "Carol", p->carol);
    sb_test_dev_token(db, p->admin, "owner@acme.example", "pbx", p->dev);
    sb_test_new_org(db, "Globex", "owner@globex.example", "+254 700 000002", p->globex);
    sb_test_dev_token(db, p->globex, "owner@globex.example", "gpbx", p->globex_dev);
}

/* ------------------------------------------------------------ settings */

static void test_settings(sb_db* db, const people* p) {
    char* j = NULL;

    /* the defaults, read by any staff member */
    REQUIRE_OK(sb_presence_settings(db, &j, p->ann));
    CHECK_INT(sbj_len(j, "break_reasons"), 4);
    CHECK_STR(sbj_str(j, "break_reasons.0"), "lunch");
    CHECK_STR(sbj_str(j, "break_reasons.3"), "personal");
    CHECK_INT(sbj_int(j, "heartbeat_timeout_ms"), 90000);
    CHECK_INT(sbj_bool(j, "join_confirms_at_once"), 0);
    CHECK_INT(sbj_int(j, "join_ring_ms"), 30000);
    sb_free(j);

    /* an admin changes what they name; the rest keeps its value */
    REQUIRE_OK(sb_presence_set_settings(db, &j, p->admin, "{\"break_reasons\":[\"lunch\",\"training\",\"prayer\"]}"));
    CHECK_INT(sbj_len(j, "break_reasons"), 3);
    CHECK_STR(sbj_str(j, "break_reasons.2"), "prayer");
    CHECK_INT(sbj_int(j, "heartbeat_timeout_ms"), 90000);
    CHECK_INT(sbj_int(j, "join_ring_ms"), 30000);
    sb_free(j);
    REQUIRE_OK(sb_presence_set_settings(db, &j, p->admin, "{\"join_ring_ms\":45000}"));
    CHECK_INT(sbj_len(j, "break_reasons"), 3);
    CHECK_INT(sbj_int(j, "join_ring_ms"), 45000);
    sb_free(j);

    /* refusals, each naming its field */
    j = NULL;
    CHECK_ERROR(SB_EFORBIDDEN, "the supervisor role may not do this",
                sb_presence_set_settings(db, &j, p->sue, "{\"join_ring_ms\":5000}"));
    CHECK(j == NULL);
    CHECK_ERROR(SB_EINVALID, "unknown field \"ring_ms\"", sb_presence_set_settings(db, &j, p->admin, "{\"ring_ms\":1}"));
    CHECK_STR(sb_last_error_field(), "ring_ms");
    CHECK_ERROR(SB_EINVALID, "unexpected datatype: break_reasons must be an array of strings",
                sb_presence_set_settings(db, &j, p->admin, "{\"break_reasons\":\"lunch\"}"));
    CHECK_STR(sb_last_error_field(), "break_reasons");
    CHECK_RC(SB_EINVALID, sb_presence_set_settings(db, &j, p->admin, "{\"break_reasons\":[\"lunch\",7]}"));
    CHECK_STR(sb_last_error_field(), "break_reasons");
    CHECK_ERROR(SB_EINVALID, "break reason \"lunch\" is given twice",
                sb_presence_set_settings(db, &j, p->admin, "{\"break_reasons\":[\"lunch\",\"lunch\"]}"));
    CHECK_STR(sb_last_error_field(), "break_reasons");
    CHECK_ERROR(SB_EINVALID, "give 1 to 50 break reasons",
                sb_presence_set_settings(db, &j, p->admin, "{\"break_reasons\":[]}"));
    CHECK_ERROR(SB_EINVALID, "heartbeat_timeout_ms must be 0 (none) or 5000 to 86400000",
                sb_presence_set_settings(db, &j, p->admin, "{\"heartbeat_timeout_ms\":10}"));
    CHECK_STR(sb_last_error_field(), "heartbeat_timeout_ms");
    CHECK_ERROR(SB_EINVALID, "join_ring_ms must be 1000 to 600000",
                sb_presence_set_settings(db, &j, p->admin, "{\"join_ring_ms\":999}"));
    CHECK_STR(sb_last_error_field(), "join_ring_ms");
    CHECK_RC(SB_EINVALID, sb_presence_set_settings(db, &j, p->admin, "{\"join_confirms_at_once\":\"yes\"}"));
    CHECK_STR(sb_last_error_field(), "join_confirms_at_once");
    CHECK_RC(SB_EINVALID, sb_presence_set_settings(db, &j, p->admin, "{\"join_ring_ms\":"));
    CHECK_RC(SB_EINVALID, sb_presence_set_settings(db, &j, p->admin, "[]"));
    CHECK_ERROR(SB_EINVALID, "settings_json is NULL", sb_presence_set_settings(db, &j, p->admin, NULL));
    CHECK_STR(sb_last_error_field(), "settings_json");
    CHECK_RC(SB_EINVALID, sb_presence_settings(db, NULL, p->admin));
    CHECK_STR(sb_last_error_field(), "out_json");
    CHECK_RC(SB_EINVALID, sb_presence_settings(NULL, &j, p->admin));
    CHECK_STR(sb_last_error_field(), "db");
    CHECK_ERROR(SB_EUNAUTHORIZED, "unauthorized", sb_presence_settings(db, &j, "no-such-token"));
    CHECK_RC(SB_EINVALID, sb_presence_settings(db, &j, NULL));
    CHECK_STR(sb_last_error_field(), "token");
    CHECK_RC(SB_EUNAUTHORIZED, sb_presence_settings(db, &j, p->dev)); /* a developer token has no presence */
    CHECK_RC(SB_EFORBIDDEN, sb_presence_settings(db, &j, p->carol));   /* nor has a customer */
    CHECK(j == NULL);

    /* the refused changes changed nothing */
    REQUIRE_OK(sb_presence_settings(db, &j, p->sue));
    CHECK_INT(sbj_len(j, "break_reasons"), 3);
    CHECK_STR(sbj_str(j, "break_reasons.1"), "training");
    CHECK_INT(sbj_int(j, "heartbeat_timeout_ms"), 90000);
    CHECK_INT(sbj_int(j, "join_ring_ms"), 45000);
    sb_free(j);
}

/* ------------------------------------------------------------ queues */

static void test_queues(sb_db* db, const people* p) {
    char* j = NULL;

    /* support and sales ring for ten minutes: no offer times out in this test */
    REQUIRE_OK(sb_presence_put_queue(db, &j, p->admin,
                                     "{\"name\":\"support\",\"ring_timeout_ms\":600000,\"wrap_up_ms\":600000}"));
    CHECK_STR(sbj_str(j, "name"), "support");
    CHECK_INT(sbj_int(j, "ring_timeout_ms"), 600000);
    CHECK_INT(sbj_int(j, "wrap_up_ms"), 600000);
    CHECK_INT(sbj_int(j, "max_missed_offers"), 3);
    CHECK_INT(sbj_int(j, "max_wait_ms"), 0);
    CHECK_STR(sbj_str(j, "overflow"), "");
    sb_free(j);
    REQUIRE_OK(sb_presence_put_queue(db, &j, p->admin,
                                     "{\"name\":\"sales\",\"ring_timeout_ms\":600000,\"wrap_up_ms\":0,"
                                     "\"max_wait_ms\":3600000,\"overflow\":\"support\",\"max_missed_offers\":0}"));
    CHECK_INT(sbj_int(j, "wrap_up_ms"), 0);
    CHECK_INT(sbj_int(j, "max_wait_ms"), 3600000);
    CHECK_INT(sbj_int(j, "max_missed_offers"), 0);
    CHECK_STR(sbj_str(j, "overflow"), "support");
    sb_free(j);
    REQUIRE_OK(sb_presence_put_queue(db, &j, p->admin, "{\"name\":\"spare\"}"));
    CHECK_INT(sbj_int(j, "ring_timeout_ms"), 20000);
    CHECK_INT(sbj_int(j, "wrap_up_ms"), 30000);
    sb_free(j);
    /* put replaces */
    REQUIRE_OK(sb_presence_put_queue(db, &j, p->admin, "{\"name\":\"spare\",\"ring_timeout_ms\":5000}"));
    sb_free(j);

    /* every staff member reads them, by name */
    REQUIRE_OK(sb_presence_queues(db, &j, p->ann));
    CHECK_INT(sbj_len(j, ""), 3);
    CHECK_STR(sbj_str(j, "0.name"), "sales");
    CHECK_STR(sbj_str(j, "1.name"), "spare");
    CHECK_INT(sbj_int(j, "1.ring_timeout_ms"), 5000);
    CHECK_INT(sbj_int(j, "1.wrap_up_ms"), 30000);
    CHECK_STR(sbj_str(j, "2.name"), "support");
    sb_free(j);

    /* refusals, each naming its field */
    j = NULL;
    CHECK_ERROR(SB_EFORBIDDEN, "the supervisor role may not do this",
                sb_presence_put_queue(db, &j, p->sue, "{\"name\":\"vip\"}"));
    CHECK_ERROR(SB_EINVALID, "a queue's name is 1 to 64 letters, digits, '_', '-' or '.'",
                sb_presence_put_queue(db, &j, p->admin, "{\"name\":\"bad name\"}"));
    CHECK_STR(sb_last_error_field(), "name");
    CHECK_RC(SB_EINVALID, sb_presence_put_queue(db, &j, p->admin, "{}"));
    CHECK_STR(sb_last_error_field(), "name");
    CHECK_ERROR(SB_EINVALID, "ring_timeout_ms must be 1000 to 600000",
                sb_presence_put_queue(db, &j, p->admin, "{\"name\":\"vip\",\"ring_timeout_ms\":999}"));
    CHECK_STR(sb_last_error_field(), "ring_timeout_ms");
    CHECK_ERROR(SB_EINVALID, "wrap_up_ms must be 0 to 3600000",
                sb_presence_put_queue(db, &j, p->admin, "{\"name\":\"vip\",\"wrap_up_ms\":-1}"));
    CHECK_STR(sb_last_error_field(), "wrap_up_ms");
    CHECK_ERROR(SB_EINVALID, "max_missed_offers must be 0 to 1000",
                sb_presence_put_queue(db, &j, p->admin, "{\"name\":\"vip\",\"max_missed_offers\":1001}"));
    CHECK_STR(sb_last_error_field(), "max_missed_offers");
    CHECK_RC(SB_EINVALID, sb_presence_put_queue(db, &j, p->admin, "{\"name\":\"vip\",\"max_wait_ms\":\"soon\"}"));
    CHECK_STR(sb_last_error_field(), "max_wait_ms");
    CHECK_ERROR(SB_EINVALID, "no queue \"nowhere\" to overflow into",
                sb_presence_put_queue(db, &j, p->admin, "{\"name\":\"vip\",\"overflow\":\"nowhere\"}"));
    CHECK_STR(sb_last_error_field(), "overflow");
    CHECK_ERROR(SB_EINVALID, "a queue cannot overflow into itself",
                sb_presence_put_queue(db, &j, p->admin, "{\"name\":\"vip\",\"overflow\":\"vip\"}"));
    CHECK_STR(sb_last_error_field(), "overflow");
    CHECK_ERROR(SB_EINVALID, "unknown field \"colour\"",
                sb_presence_put_queue(db, &j, p->admin, "{\"name\":\"vip\",\"colour\":\"red\"}"));
    CHECK_STR(sb_last_error_field(), "colour");
    CHECK_RC(SB_EINVALID, sb_presence_put_queue(db, &j, p->admin, "{\"name\":"));
    CHECK_ERROR(SB_EINVALID, "queue_json is NULL", sb_presence_put_queue(db, &j, p->admin, NULL));
    CHECK_STR(sb_last_error_field(), "queue_json");
    CHECK(j == NULL);

    /* deleting: not a queue another overflows into, nor an unknown one */
    CHECK_ERROR(SB_ECONFLICT, "queue \"sales\" overflows into \"support\"",
                sb_presence_delete_queue(db, p->admin, "support"));
    CHECK_STR(sb_last_error_field(), "name");
    CHECK_ERROR(SB_ENOTFOUND, "no queue \"nowhere\"", sb_presence_delete_queue(db, p->admin, "nowhere"));
    CHECK_STR(sb_last_error_field(), "name");
    CHECK_RC(SB_EFORBIDDEN, sb_presence_delete_queue(db, p->sue, "spare"));
    CHECK_RC(SB_EINVALID, sb_presence_delete_queue(db, p->admin, NULL));
    CHECK_STR(sb_last_error_field(), "name");
    CHECK_OK(sb_presence_delete_queue(db, p->admin, "spare"));
    CHECK_RC(SB_ENOTFOUND, sb_presence_delete_queue(db, p->admin, "spare"));
    REQUIRE_OK(sb_presence_queues(db, &j, p->admin));
    CHECK_INT(sbj_len(j, ""), 2);
    CHECK_STR(sbj_str(j, "0.name"), "sales");
    CHECK_STR(sbj_str(j, "1.name"), "support");
    sb_free(j);
}

/* ------------------------------------------------------------ agent states */

static void test_states(sb_db* db, const people* p) {
    char* j = NULL;
    long long since;

    /* an agent starts offline, in every queue (none were set for them) */
    REQUIRE_OK(sb_presence_status(db, &j, p->ann, 0));
    CHECK_STR(sbj_str(j, "state"), "offline");
    CHECK_STR(sbj_str(j, "username"), "ann");
    CHECK_INT(sbj_int(j, "user_id"), p->ann_id);
    CHECK_INT(sbj_len(j, "queues"), 2);
    CHECK_STR(sbj_str(j, "queues.0"), "sales");
    CHECK_STR(sbj_str(j, "queues.1"), "support");
    CHECK_INT(sbj_bool(j, "mic_permission"), -1); /* null: not known */
    sb_free(j);

    REQUIRE_OK(sb_presence_log_in(db, &j, p->ann));
    CHECK_STR(sbj_str(j, "state"), "available");
    since = sbj_int(j, "since_ms");
    CHECK(since > 0);
    CHECK_INT(sbj_int(j, "idle_since_ms"), since);
    sb_free(j);
    /* logging in again changes nothing */
    sleep_ms(3);
    REQUIRE_OK(sb_presence_log_in(db, &j, p->ann));
    CHECK_STR(sbj_str(j, "state"), "available");
    CHECK_INT(sbj_int(j, "since_ms"), since);
    sb_free(j);

    /* set_available from a break: back to available */
    REQUIRE_OK(sb_presence_start_break(db, &j, p->ann, "lunch", 0));
    CHECK_STR(sbj_str(j, "state"), "on_break");
    sb_free(j);
    REQUIRE_OK(sb_presence_set_available(db, &j, p->ann));
    CHECK_STR(sbj_str(j, "state"), "available");
    CHECK_STR(sbj_str(j, "reason"), "");
    sb_free(j);
    CHECK_RC(SB_EINVALID, sb_presence_set_available(db, &j, NULL));
    CHECK(j == NULL);

    CHECK_ERROR(SB_ECONFLICT, "cannot end a break while available", sb_presence_end_break(db, &j, p->ann));
    CHECK_STR(sb_last_error_field(), "state");
    CHECK_STR(sb_error_name(sb_last_error_code()), "SB_ECONFLICT");
    CHECK(j == NULL);
    CHECK_ERROR(SB_EINVALID, "\"nap\" is not one of the organisation's break reasons",
                sb_presence_start_break(db, &j, p->ann, "nap", 0));
    CHECK_STR(sb_last_error_field(), "reason");
    CHECK_RC(SB_EINVALID, sb_presence_start_break(db, &j, p->ann, NULL, 0));
    CHECK_STR(sb_last_error_field(), "reason");

    REQUIRE_OK(sb_presence_start_break(db, &j, p->ann, "lunch", 0));
    CHECK_STR(sbj_str(j, "reason"), "lunch");
    CHECK_STATE_FREE(j, "on_break");
    REQUIRE_OK(sb_presence_start_break(db, &j, p->ann, "prayer", p->ann_id)); /* another reason; own id */
    CHECK_STR(sbj_str(j, "reason"), "prayer");
    CHECK_STATE_FREE(j, "on_break");
    REQUIRE_OK(sb_presence_log_in(db, &j, p->ann)); /* logged in already: still on break */
    CHECK_STATE_FREE(j, "on_break");
    CHECK_ERROR(SB_ECONFLICT, "cannot end the wrap-up while on_break (prayer)", sb_presence_end_wrap_up(db, &j, p->ann));
    CHECK_STR(sb_last_error_field(), "state");
    REQUIRE_OK(sb_presence_end_break(db, &j, p->ann));
    CHECK_STR(sbj_str(j, "reason"), "");
    CHECK_STATE_FREE(j, "available");

    /* an agent acts on their own presence only */
    CHECK_ERROR(SB_EFORBIDDEN, "the agent role may not do this",
                sb_presence_start_break(db, &j, p->ann, "lunch", p->bob_id));
    CHECK_RC(SB_EFORBIDDEN, sb_presence_status(db, &j, p->ann, p->bob_id));
    CHECK_RC(SB_EFORBIDDEN, sb_presence_log_out(db, &j, p->ann, p->bob_id));
    CHECK(j == NULL);
    REQUIRE_OK(sb_presence_status(db, &j, p->bob, 0));
    CHECK_STATE_FREE(j, "offline"); /* bob was not touched */

    /* a supervisor reads and acts on an agent */
    REQUIRE_OK(sb_presence_status(db, &j, p->sue, p->ann_id));
    CHECK_STR(sbj_str(j, "username"), "ann");
    CHECK_STATE_FREE(j, "available");
    CHECK_ERROR(SB_ECONFLICT, "cannot start a break while offline",
                sb_presence_start_break(db, &j, p->sue, "lunch", p->bob_id));
    REQUIRE_OK(sb_presence_start_break(db, &j, p->sue, "training", p->ann_id));
    CHECK_INT(sbj_int(j, "user_id"), p->ann_id);
    CHECK_STR(sbj_str(j, "reason"), "training");
    CHECK_STATE_FREE(j, "on_break");
    REQUIRE_OK(sb_presence_log_out(db, &j, p->sue, p->ann_id));
    CHECK_STATE_FREE(j, "offline");
    REQUIRE_OK(sb_presence_log_out(db, &j, p->ann, 0)); /* offline already: nothing changes */
    CHECK_STATE_FREE(j, "offline");
    /* who is not an agent: a customer, a user of another organisation */
    CHECK_RC(SB_EINVALID, sb_presence_status(db, &j, p->admin, p->carol_id));
    CHECK_STR(sb_last_error_field(), "user_id");
    CHECK_RC(SB_EFORBIDDEN, sb_presence_log_in(db, &j, p->carol));
    CHECK_ERROR(SB_ENOTFOUND, "no user 999999", sb_presence_status(db, &j, p->admin, 999999));
    CHECK_STR(sb_last_error_field(), "user_id");
    CHECK_RC(SB_ENOTFOUND, sb_presence_status(db, &j, p->globex, p->ann_id));
    CHECK_STR(sb_last_error_field(), "user_id");
    CHECK_RC(SB_EUNAUTHORIZED, sb_presence_log_in(db, &j, p->dev));
    CHECK(j == NULL);

    /* joining: ringing until confirmed */
    REQUIRE_OK(sb_presence_join(db, &j, p->ann));
    CHECK_STATE_FREE(j, "ringing");
    REQUIRE_OK(sb_presence_confirm_join(db, &j, p->ann));
    CHECK_STATE_FREE(j, "available");
    CHECK_ERROR(SB_ECONFLICT, "cannot confirm a join while available", sb_presence_confirm_join(db, &j, p->ann));
    REQUIRE_OK(sb_presence_start_break(db, &j, p->ann, "lunch", 0));
    CHECK_STATE_FREE(j, "on_break");
    REQUIRE_OK(sb_presence_join(db, &j, p->ann)); /* joining from a break ends it */
    CHECK_STR(sbj_str(j, "reason"), "");
    CHECK_STATE_FREE(j, "available");
    REQUIRE_OK(sb_presence_log_out(db, &j, p->ann, 0));
    CHECK_STATE_FREE(j, "offline");

    /* heartbeats record the time and the microphone permission only */
    CHECK_ERROR(SB_EINVALID, "mic_permission must be -1 (not known), 0 (denied) or 1 (granted), not 2",
                sb_presence_heartbeat(db, &j, p->ann, 2));
    CHECK_STR(sb_last_error_field(), "mic_permission");
    REQUIRE_OK(sb_presence_heartbeat(db, &j, p->ann, -1));
    CHECK(sbj_int(j, "last_seen_ms") >= since);
    CHECK_INT(sbj_bool(j, "mic_permission"), -1);
    CHECK_STATE_FREE(j, "offline");
    REQUIRE_OK(sb_presence_heartbeat(db, &j, p->ann, 0));
    CHECK_INT(sbj_bool(j, "mic_permission"), 0);
    sb_free(j);
    REQUIRE_OK(sb_presence_heartbeat(db, &j, p->ann, 1));
    CHECK_INT(sbj_bool(j, "mic_permission"), 1);
    CHECK_STATE_FREE(j, "offline");

    CHECK_ERROR(SB_EINVALID, "a wrap-up is extended by 1000 to 3600000 ms", sb_presence_extend_wrap_up(db, &j, p->ann, 10));
    CHECK_STR(sb_last_error_field(), "extra_ms");
    CHECK_ERROR(SB_ECONFLICT, "cannot extend the wrap-up while offline", sb_presence_extend_wrap_up(db, &j, p->ann, 5000));
    CHECK(j == NULL);
}

/* ------------------------------------------------------------ calls */

/* Queues a call as `token` and checks the call's state and agent. */
static void enqueue(sb_db* db, const char* token, const char* call_id, const char* queue, const char* caller,
                    const char* want_state, long long want_agent) {
    char* j = NULL;
    REQUIRE_OK(sb_presence_enqueue(db, &j, token, call_id, queue, caller));
    CHECK_STR(sbj_str(j, "call_id"), call_id);
    CHECK_STR(sbj_str(j, "queue"), queue);
    CHECK_STR(sbj_str(j, "state"), want_state);
    CHECK_INT(sbj_int(j, "agent_id"), want_agent);
    CHECK(sbj_int(j, "enqueued_ms") > 0);
    sb_free(j);
}

static void test_calls(sb_db* db, const people* p) {
    char* j = NULL;
    long long since;

    /* cid logs in first, then ann, then bob: cid has been idle longest */
    REQUIRE_OK(sb_presence_log_in(db, &j, p->cid));
    CHECK_STATE_FREE(j, "available");
    sleep_ms(5);
    REQUIRE_OK(sb_presence_log_in(db, &j, p->ann));
    CHECK_STATE_FREE(j, "available");
    sleep_ms(5);
    REQUIRE_OK(sb_presence_log_in(db, &j, p->bob));
    CHECK_STATE_FREE(j, "available");

    /* the telephony layer (a dev token) queues a call: cid's device rings */
    REQUIRE_OK(sb_presence_enqueue(db, &j, p->dev, "CA-1", "support", "+254711000001"));
    CHECK_STR(sbj_str(j, "state"), "offered");
    CHECK_INT(sbj_int(j, "agent_id"), p->cid_id);
    CHECK_INT(sbj_int(j, "offers"), 1);
    CHECK_STR(sbj_str(j, "caller"), "+254711000001");
    CHECK(sbj_int(j, "offered_ms") >= sbj_int(j, "enqueued_ms"));
    sb_free(j);
    REQUIRE_OK(sb_presence_status(db, &j, p->cid, 0));
    CHECK_STR(sbj_str(j, "call_id"), "CA-1");
    CHECK_STR(sbj_str(j, "call_phone"), "+254711000001");
    CHECK_STR(sbj_str(j, "call_queue"), "support");
    CHECK_STATE_FREE(j, "ringing");

    /* only the agent it is offered to answers or rejects it */
    CHECK_ERROR(SB_ECONFLICT, "call CA-1 is not offered to you", sb_presence_answer(db, &j, p->ann, "CA-1"));
    CHECK_STR(sb_last_error_field(), "call_id");
    CHECK_ERROR(SB_ECONFLICT, "call CA-1 is not offered to you", sb_presence_reject(db, &j, p->ann, "CA-1"));
    CHECK_ERROR(SB_ENOTFOUND, "no call CA-404", sb_presence_answer(db, &j, p->cid, "CA-404"));
    CHECK_STR(sb_last_error_field(), "call_id");
    CHECK_RC(SB_EINVALID, sb_presence_answer(db, &j, p->cid, NULL));
    CHECK_STR(sb_last_error_field(), "call_id");
    CHECK_RC(SB_EUNAUTHORIZED, sb_presence_answer(db, &j, p->dev, "CA-1")); /* agents answer, not the PBX */
    CHECK(j == NULL);

    /* cid rejects: the call goes to ann, idle longest after cid */
    REQUIRE_OK(sb_presence_reject(db, &j, p->cid, "CA-1"));
    CHECK_STR(sbj_str(j, "state"), "offered");
    CHECK_INT(sbj_int(j, "agent_id"), p->ann_id);
    CHECK_INT(sbj_int(j, "offers"), 2);
    sb_free(j);
    REQUIRE_OK(sb_presence_status(db, &j, p->cid, 0));
    CHECK_STATE_FREE(j, "available");
    REQUIRE_OK(sb_presence_status(db, &j, p->ann, 0));
    CHECK_STR(sbj_str(j, "call_id"), "CA-1");
    CHECK_STATE_FREE(j, "ringing");

    /* ann answers: on_call */
    REQUIRE_OK(sb_presence_answer(db, &j, p->ann, "CA-1"));
    CHECK_STR(sbj_str(j, "state"), "connected");
    CHECK_INT(sbj_int(j, "agent_id"), p->ann_id);
    CHECK(sbj_int(j, "answered_ms") > 0);
    sb_free(j);
    REQUIRE_OK(sb_presence_status(db, &j, p->ann, 0));
    CHECK(sbj_int(j, "last_call_ms") > 0);
    CHECK_STATE_FREE(j, "on_call");
    CHECK_ERROR(SB_ECONFLICT, "cannot log out while on_call", sb_presence_log_out(db, &j, p->ann, 0));
    CHECK_STR(sb_last_error_field(), "state");
    CHECK_ERROR(SB_ECONFLICT, "cannot log out while on_call", sb_presence_log_out(db, &j, p->sue, p->ann_id));
    CHECK_ERROR(SB_ECONFLICT, "cannot start a break while on_call", sb_presence_start_break(db, &j, p->ann, "lunch", 0));

    /* a rejection lost cid no place: the next call (queued by an admin) rings cid */
    enqueue(db, p->admin, "CA-2", "support", "+254711000002", "offered", p->cid_id);
    REQUIRE_OK(sb_presence_answer(db, &j, p->cid, "CA-2"));
    CHECK_STATE_FREE(j, "connected");
    /* bob is the one left: he gets a sales call (with no caller given) */
    enqueue(db, p->dev, "CA-3", "sales", NULL, "offered", p->bob_id);
    REQUIRE_OK(sb_presence_answer(db, &j, p->bob, "CA-3"));
    CHECK_STR(sbj_str(j, "caller"), "");
    CHECK_STATE_FREE(j, "connected");
    /* nobody is free: the next one waits */
    enqueue(db, p->dev, "CA-4", "support", "+254711000004", "waiting", 0);

    /* enqueue refusals */
    CHECK_ERROR(SB_EEXISTS, "call CA-4 is already queued", sb_presence_enqueue(db, &j, p->dev, "CA-4", "support", ""));
    CHECK_STR(sb_last_error_field(), "call_id");
    CHECK_ERROR(SB_ENOTFOUND, "no queue \"nowhere\"", sb_presence_enqueue(db, &j, p->dev, "CA-9", "nowhere", ""));
    CHECK_STR(sb_last_error_field(), "queue");
    CHECK_ERROR(SB_EINVALID, "a call id is 1 to 128 printable characters",
                sb_presence_enqueue(db, &j, p->dev, "", "support", ""));
    CHECK_STR(sb_last_error_field(), "call_id");
    CHECK_RC(SB_EINVALID, sb_presence_enqueue(db, &j, p->dev, "CA-9", NULL, ""));
    CHECK_STR(sb_last_error_field(), "queue");
    CHECK_RC(SB_EFORBIDDEN, sb_presence_enqueue(db, &j, p->ann, "CA-9", "support", ""));
    CHECK(j == NULL);

    /* the waiting calls: the PBX and the leads read them, agents do not */
    REQUIRE_OK(sb_presence_waiting_calls(db, &j, p->dev));
    CHECK_INT(sbj_len(j, ""), 1);
    CHECK_STR(sbj_str(j, "0.call_id"), "CA-4");
    CHECK_STR(sbj_str(j, "0.state"), "waiting");
    CHECK_INT(sbj_int(j, "0.offers"), 0);
    sb_free(j);
    CHECK_RC(SB_EFORBIDDEN, sb_presence_waiting_calls(db, &j, p->ann));

    /* one call: its agent, the leads and the PBX see it */
    REQUIRE_OK(sb_presence_call(db, &j, p->ann, "CA-1"));
    CHECK_STATE_FREE(j, "connected");
    CHECK_ERROR(SB_ENOTFOUND, "no call CA-2", sb_presence_call(db, &j, p->ann, "CA-2"));
    CHECK_STR(sb_last_error_field(), "call_id");
    REQUIRE_OK(sb_presence_call(db, &j, p->sue, "CA-2"));
    CHECK_INT(sbj_int(j, "agent_id"), p->cid_id);
    CHECK_STATE_FREE(j, "connected");
    REQUIRE_OK(sb_presence_call(db, &j, p->dev, "CA-4"));
    CHECK_STATE_FREE(j, "waiting");

    /* the wallboard */
    REQUIRE_OK(sb_presence_wallboard(db, &j, p->sue));
    CHECK(sbj_int(j, "now_ms") > 0);
    CHECK_INT(sbj_len(j, "agents"), 3);
    CHECK_INT(sbj_len(j, "calls"), 4);
    CHECK_STR(sbj_str(j, "calls.0.call_id"), "CA-1");
    CHECK_STR(sbj_str(j, "calls.3.call_id"), "CA-4");
    CHECK_INT(sbj_len(j, "queues"), 2);
    CHECK_STR(sbj_str(j, "queues.0.name"), "sales");
    CHECK_INT(sbj_int(j, "queues.0.waiting"), 0);
    CHECK_INT(sbj_int(j, "queues.0.agents"), 3);
    CHECK_INT(sbj_int(j, "queues.0.available"), 0);
    CHECK_STR(sbj_str(j, "queues.1.name"), "support");
    CHECK_INT(sbj_int(j, "queues.1.waiting"), 1);
    CHECK(sbj_int(j, "queues.1.longest_wait_ms") >= 0);
    CHECK_INT(sbj_int(j, "queues.1.agents"), 3);
    sb_free(j);
    CHECK_RC(SB_EFORBIDDEN, sb_presence_wallboard(db, &j, p->ann));
    CHECK_RC(SB_EUNAUTHORIZED, sb_presence_wallboard(db, &j, p->dev));

    /* ending: another agent may not; ann's own end puts her in wrap-up */
    CHECK_ERROR(SB_EFORBIDDEN, "only the agent on a call, or a supervisor, ends it",
                sb_presence_end_call(db, &j, p->bob, "CA-1"));
    CHECK_STR(sb_last_error_field(), "call_id");
    REQUIRE_OK(sb_presence_end_call(db, &j, p->ann, "CA-1"));
    CHECK(sbj_int(j, "ended_ms") >= sbj_int(j, "answered_ms"));
    CHECK_STATE_FREE(j, "ended");
    REQUIRE_OK(sb_presence_status(db, &j, p->ann, 0));
    since = sbj_int(j, "since_ms");
    CHECK_INT(sbj_int(j, "wrap_up_until_ms"), since + 600000);
    CHECK_STATE_FREE(j, "wrap_up");
    REQUIRE_OK(sb_presence_extend_wrap_up(db, &j, p->ann, 5000));
    CHECK_INT(sbj_int(j, "wrap_up_until_ms"), since + 605000);
    CHECK_STATE_FREE(j, "wrap_up");
    REQUIRE_OK(sb_presence_end_call(db, &j, p->ann, "CA-1")); /* ended already: nothing changes */
    CHECK_STATE_FREE(j, "ended");
    /* the wrap-up ends: CA-4, waiting, rings ann at once */
    REQUIRE_OK(sb_presence_end_wrap_up(db, &j, p->ann));
    CHECK_STR(sbj_str(j, "call_id"), "CA-4");
    CHECK_STATE_FREE(j, "ringing");
    REQUIRE_OK(sb_presence_answer(db, &j, p->ann, "CA-4"));
    CHECK_STATE_FREE(j, "connected");

    /* the PBX ends CA-2: cid goes to wrap-up; a sales call (wrap_up_ms 0) leaves bob available */
    REQUIRE_OK(sb_presence_end_call(db, &j, p->dev, "CA-2"));
    CHECK_STATE_FREE(j, "ended");
    REQUIRE_OK(sb_presence_status(db, &j, p->cid, 0));
    CHECK_STATE_FREE(j, "wrap_up");
    REQUIRE_OK(sb_presence_end_call(db, &j, p->bob, "CA-3"));
    CHECK_STATE_FREE(j, "ended");
    REQUIRE_OK(sb_presence_status(db, &j, p->bob, 0));
    CHECK_STATE_FREE(j, "available");

    /* queue membership: bob takes sales calls only, so a support call waits */
    j = NULL;
    CHECK_RC(SB_EFORBIDDEN, sb_presence_set_agent_queues(db, &j, p->ann, p->bob_id, "[\"sales\"]"));
    CHECK_ERROR(SB_ENOTFOUND, "no queue \"nowhere\"",
                sb_presence_set_agent_queues(db, &j, p->sue, p->bob_id, "[\"sales\",\"nowhere\"]"));
    CHECK_STR(sb_last_error_field(), "queues");
    CHECK_ERROR(SB_EINVALID, "queues must be a JSON array of queue names",
                sb_presence_set_agent_queues(db, &j, p->sue, p->bob_id, "{\"queues\":[\"sales\"]}"));
    CHECK_STR(sb_last_error_field(), "queues");
    CHECK_RC(SB_EINVALID, sb_presence_set_agent_queues(db, &j, p->sue, p->bob_id, "[1]"));
    CHECK_STR(sb_last_error_field(), "queues");
    CHECK_RC(SB_EINVALID, sb_presence_set_agent_queues(db, &j, p->sue, p->bob_id, "[\"sales\""));
    CHECK_STR(sb_last_error_field(), "queues");
    CHECK_RC(SB_EINVALID, sb_presence_set_agent_queues(db, &j, p->sue, p->bob_id, NULL));
    CHECK_STR(sb_last_error_field(), "queues_json");
    CHECK(j == NULL);
    REQUIRE_OK(sb_presence_set_agent_queues(db, &j, p->sue, p->bob_id, "[\"sales\",\"sales\"]"));
    CHECK_INT(sbj_int(j, "user_id"), p->bob_id);
    CHECK_INT(sbj_len(j, "queues"), 1);
    CHECK_STR(sbj_str(j, "queues.0"), "sales");
    CHECK_STATE_FREE(j, "available");
    enqueue(db, p->dev, "CA-5", "support", "+254711000005", "waiting", 0);
    /* the caller hangs up while waiting: abandoned */
    REQUIRE_OK(sb_presence_end_call(db, &j, p->dev, "CA-5"));
    CHECK_STATE_FREE(j, "abandoned");
    REQUIRE_OK(sb_presence_waiting_calls(db, &j, p->sue));
    CHECK_INT(sbj_len(j, ""), 0);
    sb_free(j);

    /* a denied microphone: no call is offered until it is granted */
    REQUIRE_OK(sb_presence_heartbeat(db, &j, p->bob, 0));
    CHECK_STATE_FREE(j, "available");
    enqueue(db, p->dev, "CA-6", "sales", "+254711000006", "waiting", 0);
    /* a queue with calls in it is not deleted */
    CHECK_ERROR(SB_ECONFLICT, "calls are waiting in queue \"sales\"", sb_presence_delete_queue(db, p->admin, "sales"));
    CHECK_STR(sb_last_error_field(), "name");
    REQUIRE_OK(sb_presence_heartbeat(db, &j, p->bob, 1));
    CHECK_STR(sbj_str(j, "call_id"), "CA-6");
    CHECK_STATE_FREE(j, "ringing");
    /* logging out while it rings gives the call back */
    REQUIRE_OK(sb_presence_log_out(db, &j, p->bob, 0));
    CHECK_STATE_FREE(j, "offline");
    REQUIRE_OK(sb_presence_call(db, &j, p->dev, "CA-6"));
    CHECK_INT(sbj_int(j, "agent_id"), 0);
    CHECK_STATE_FREE(j, "waiting");
    REQUIRE_OK(sb_presence_end_call(db, &j, p->dev, "CA-6"));
    CHECK_STATE_FREE(j, "abandoned");

    /* Globex sees none of it */
    REQUIRE_OK(sb_presence_queues(db, &j, p->globex));
    CHECK_STR(j, "[]");
    sb_free(j);
    REQUIRE_OK(sb_presence_waiting_calls(db, &j, p->globex_dev));
    CHECK_STR(j, "[]");
    sb_free(j);
    CHECK_RC(SB_ENOTFOUND, sb_presence_call(db, &j, p->globex_dev, "CA-4"));
    CHECK_RC(SB_ENOTFOUND, sb_presence_end_call(db, &j, p->globex_dev, "CA-4"));
    CHECK(j == NULL);
}

/* ------------------------------------------------------------ the report */

/* The row of a pivot report with keys k1, k2; its path prefix into out[32], or "" when none. */
static const char* pivot_row(const char* report, const char* k1, const char* k2, char out[32]) {
    int i, n = sbj_len(report, "rows");
    char a[64], b[64];
    out[0] = '\0';
    for (i = 0; i < n; ++i) {
        snprintf(a, sizeof a, "rows.%d.keys.0", i);
        snprintf(b, sizeof b, "rows.%d.keys.1", i);
        if (strcmp(sbj_str(report, a), k1) == 0 && strcmp(sbj_str(report, b), k2) == 0) {
            snprintf(out, 32, "rows.%d", i);
            break;
        }
    }
    return out;
}

static void test_report(sb_db* db, const people* p) {
    char *j = NULL, *page = NULL, row[32], path[64];
    long long total, sum = 0, count = 0;
    int i, n;

    /* cid spends over a second on a break (the periods run on the system clock) */
    REQUIRE_OK(sb_presence_end_wrap_up(db, &j, p->cid));
    CHECK_STATE_FREE(j, "available");
    REQUIRE_OK(sb_presence_start_break(db, &j, p->sue, "training", p->cid_id));
    CHECK_STATE_FREE(j, "on_break");
    sleep_ms(1100);

    /* the page: newest first; cid's break goes on */
    REQUIRE_OK(sb_presence_states_list(db, &page, p->sue, "{\"filters\":{\"username\":\"cid\"}}"));
    n = sbj_len(page, "items");
    CHECK_INT(sbj_int(page, "total"), n);
    /* available, ringing (CA-1), available (rejected), ringing (CA-2), on_call, wrap_up, available, on_break */
    CHECK_INT(n, 8);
    CHECK_STR(sbj_str(page, "items.0.state"), "on_break");
    CHECK_STR(sbj_str(page, "items.0.reason"), "training");
    CHECK_INT(sbj_int(page, "items.0.user_id"), p->cid_id);
    CHECK_INT(sbj_int(page, "items.0.ended_ms"), 0);
    CHECK(sbj_find(page, "items.0.ended") != NULL && strncmp(sbj_find(page, "items.0.ended"), "null", 4) == 0);
    CHECK(sbj_int(page, "items.0.seconds") >= 1);
    CHECK_INT(strlen(sbj_str(page, "items.0.day")), 10);
    CHECK_STR(sbj_str(page, "items.2.state"), "wrap_up");
    CHECK_STR(sbj_str(page, "items.3.state"), "on_call");
    CHECK_STR(sbj_str(page, "items.4.state"), "ringing");
    CHECK_STR(sbj_str(page, "items.5.state"), "available");
    CHECK_STR(sbj_str(page, "items.7.state"), "available");
    for (i = 1; i < n; ++i) {
        snprintf(path, sizeof path, "items.%d.ended_ms", i);
        CHECK(sbj_int(page, path) > 0);
        snprintf(path, sizeof path, "items.%d.username", i);
        CHECK_STR(sbj_str(page, path), "cid");
    }
    sb_free(page);
    REQUIRE_OK(sb_presence_states_list(db, &page, p->admin, "{\"filters\":{\"state\":\"on_call\"}}"));
    CHECK_INT(sbj_int(page, "total"), 4); /* ann twice, cid, bob */
    sb_free(page);
    REQUIRE_OK(sb_presence_states_list(db, &page, p->admin, "{\"filters\":{\"started\":\"2000-01-01 to 2100-01-01\"},\"count\":2}"));
    total = sbj_int(page, "total");
    CHECK(total > 20);
    CHECK_INT(sbj_len(page, "items"), 2);
    sb_free(page);

    /* CSV: the same rows */
    {
        sb_test_csv csv = {NULL, 0, 0, 0, 0};
        char* whole = NULL;
        CHECK_OK(sb_presence_states_csv(db, sb_test_csv_sink, &csv, p->sue, "{\"filters\":{\"username\":\"cid\"}}"));
        CHECK(csv.text != NULL &&
              strncmp(csv.text, "id,user_id,username,state,reason,day,started,ended,seconds\r\n", 60) == 0);
        CHECK_INT(sb_test_count_lines(csv.text), 9);
        CHECK(csv.text != NULL && strstr(csv.text, ",cid,on_break,training,") != NULL);
        REQUIRE_OK(sb_presence_states_csv_string(db, &whole, p->sue, "{\"filters\":{\"username\":\"cid\"}}"));
        CHECK(csv.text != NULL && strcmp(whole, csv.text) == 0);
        sb_free(whole);
        free(csv.text);
        memset(&csv, 0, sizeof csv);
        CHECK_OK(sb_presence_states_csv(db, sb_test_csv_sink, &csv, p->admin, NULL));
        CHECK_INT(sb_test_count_lines(csv.text), total + 1);
        free(csv.text);
        memset(&csv, 0, sizeof csv);
        csv.stop_after = 1;
        csv.stop_code = 3;
        CHECK_ERROR(SB_ESTOPPED, "the sink stopped the export (it returned 3)",
                    sb_presence_states_csv(db, sb_test_csv_sink, &csv, p->admin, NULL));
        CHECK_STR(sb_last_error_field(), "sink");
        CHECK_RC(SB_EINVALID, sb_presence_states_csv(db, NULL, NULL, p->admin, NULL));
        CHECK_STR(sb_last_error_field(), "sink");
        CHECK_RC(SB_EFORBIDDEN, sb_presence_states_csv(db, sb_test_csv_sink, &csv, p->ann, NULL));
        CHECK_RC(SB_EINVALID, sb_presence_states_csv(db, sb_test_csv_sink, &csv, p->admin, "{\"filters\":{\"colour\":\"x\"}}"));
        CHECK_STR(sb_last_error_field(), "colour");
        CHECK_RC(SB_EINVALID, sb_presence_states_csv_string(db, NULL, p->admin, NULL));
        CHECK_STR(sb_last_error_field(), "out_csv");
        CHECK_INT(csv.calls, 1); /* none of the refused calls reached the sink */
        free(csv.text);
    }

    /* the pivot: time in each state, per agent */
    REQUIRE_OK(sb_presence_states_report(db, &j, p->sue, NULL, "username", "state"));
    CHECK_STR(sbj_str(j, "xaxis.0"), "username");
    CHECK_STR(sbj_str(j, "yaxis.0"), "state");
    CHECK_INT(sbj_int(j, "total"), total);
    pivot_row(j, "cid", "on_break", row);
    CHECK(row[0] != '\0');
    snprintf(path, sizeof path, "%s.seconds", row);
    CHECK(sbj_int(j, path) >= 1);
    snprintf(path, sizeof path, "%s.count", row);
    CHECK_INT(sbj_int(j, path), 1);
    pivot_row(j, "ann", "on_call", row);
    snprintf(path, sizeof path, "%s.count", row);
    CHECK_INT(sbj_int(j, path), 2);
    n = sbj_len(j, "rows");
    for (i = 0; i < n; ++i) {
        snprintf(path, sizeof path, "rows.%d.seconds", i);
        CHECK(sbj_int(j, path) >= 0);
        sum += sbj_int(j, path);
        snprintf(path, sizeof path, "rows.%d.count", i);
        count += sbj_int(j, path);
    }
    CHECK_INT(sbj_int(j, "total_seconds"), sum);
    CHECK_INT(count, total);
    CHECK(sum >= 1);
    sb_free(j);
    /* filtered, with one group field */
    REQUIRE_OK(sb_presence_states_report(db, &j, p->admin, "{\"filters\":{\"reason\":\"training\"}}", "username", ""));
    CHECK_INT(sbj_len(j, "rows"), 2); /* ann's break (set by sue) and cid's */
    CHECK_STR(sbj_str(j, "rows.0.keys.0"), "ann");
    CHECK_STR(sbj_str(j, "rows.1.keys.0"), "cid");
    CHECK(sbj_int(j, "rows.1.seconds") >= 1);
    sb_free(j);
    j = NULL;
    CHECK_RC(SB_EINVALID, sb_presence_states_report(db, &j, p->admin, NULL, "colour", NULL));
    CHECK_STR(sb_last_error_field(), "xaxis");
    CHECK(strstr(sb_last_error(), "colour") != NULL);
    CHECK_RC(SB_EINVALID, sb_presence_states_report(db, &j, p->admin, NULL, "username", "seconds"));
    CHECK_STR(sb_last_error_field(), "yaxis");
    CHECK_RC(SB_EINVALID, sb_presence_states_report(db, &j, p->admin, "{\"filters\":{\"mood\":\"x\"}}", NULL, NULL));
    CHECK_STR(sb_last_error_field(), "mood");
    CHECK_RC(SB_EINVALID, sb_presence_states_report(db, &j, p->admin, "{\"count\":", NULL, NULL));
    CHECK_RC(SB_EFORBIDDEN, sb_presence_states_report(db, &j, p->ann, NULL, NULL, NULL));
    CHECK_RC(SB_EFORBIDDEN, sb_presence_states_list(db, &j, p->ann, NULL));
    CHECK_RC(SB_EUNAUTHORIZED, sb_presence_states_list(db, &j, p->dev, NULL));
    CHECK_RC(SB_EINVALID, sb_presence_states_list(db, &j, p->admin, "{\"filters\":{\"colour\":\"x\"}}"));
    CHECK_STR(sb_last_error_field(), "colour");
    CHECK(j == NULL);

    /* Globex has no rows */
    REQUIRE_OK(sb_presence_states_list(db, &page, p->globex, NULL));
    CHECK_INT(sbj_int(page, "total"), 0);
    sb_free(page);

    /* the calls are in the activity log under the C functions' names */
    REQUIRE_OK(sb_activity_list(db, &page, p->admin, "{\"filters\":{\"endpoint\":\"sb_presence_reject\"}}"));
    CHECK_INT(sbj_int(page, "total"), 2); /* cid's, and ann's refused one before it */
    CHECK_STR(sbj_str(page, "items.0.actor"), "cid");
    CHECK_INT(sbj_bool(page, "items.0.ok"), 1);
    CHECK_STR(sbj_str(page, "items.1.actor"), "ann");
    CHECK_INT(sbj_bool(page, "items.1.ok"), 0);
    sb_free(page);
}

int main(void) {
    const char* path = sb_test_temp_db("presence");
    sb_db_options options = sb_test_options();
    sb_db* db = NULL;
    people p;

    REQUIRE_OK(sb_db_open(&db, path, &options));
    make_people(db, &p);
    test_settings(db, &p);
    test_queues(db, &p);
    test_states(db, &p);
    test_calls(db, &p);
    test_report(db, &p);
    CHECK_OK(sb_db_close(db));

    sb_test_cleanup();
    return sb_test_finish("test_presence");
}
