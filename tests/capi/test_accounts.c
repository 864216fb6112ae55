/* Accounts through the C API: sign-up checks with the seed's messages,
 * verification by the key in the outbox, sign-in, wrong password, lockout,
 * password change, admin reset and reset by emailed code. */
#include "test_util.h"

#include <time.h>

static const char* PASSWORD = "Correct-Horse-42";

/* Reads the newest email (highest id) of `kind` sent to `to` and returns
 * the text after `marker` in its body. */
static const char* code_from_outbox(sb_db* db, const char* to, const char* kind, const char* marker) {
    static char value[256];
    char* mails = NULL;
    long long newest = -1;
    int i, n;
    value[0] = '\0';
    CHECK_OK(sb_outbox_list(db, &mails, to));
    n = sbj_len(mails, "");
    CHECK(n > 0);
    for (i = 0; i < n; ++i) {
        char path[64];
        snprintf(path, sizeof path, "%d.to", i);
        CHECK_STR(sbj_str(mails, path), to); /* only this address's mail */
        snprintf(path, sizeof path, "%d.kind", i);
        if (strcmp(sbj_str(mails, path), kind) != 0) continue;
        snprintf(path, sizeof path, "%d.id", i);
        if (sbj_int(mails, path) <= newest) continue;
        newest = sbj_int(mails, path);
        snprintf(path, sizeof path, "%d.body", i);
        snprintf(value, sizeof value, "%s", sb_test_after(sbj_str(mails, path), marker));
    }
    sb_free(mails);
    return value;
}

static void test_sign_up_checks(sb_db* db) {
    char* out = (char*)"untouched";
    char request[512];
    char long_password[140];

    /* each of the seed's messages, with the field it concerns */
    CHECK_ERROR(SB_EINVALID, "email isn't valid",
                sb_accounts_sign_up(db, &out,
                           "{\"company_name\":\"Acme\",\"email\":\"not-an-email\","
                           "\"phone\":\"+254700000001\",\"password\":\"Correct-Horse-42\"}"));
    CHECK_STR(sb_last_error_field(), "email");
    CHECK(out == NULL); /* outputs are NULL after a failure */

    CHECK_ERROR(SB_EINVALID, "phone isn't valid",
                sb_accounts_sign_up(db, &out,
                           "{\"company_name\":\"Acme\",\"email\":\"owner@acme.example\","
                           "\"phone\":\"call me\",\"password\":\"Correct-Horse-42\"}"));
    CHECK_STR(sb_last_error_field(), "phone");

    CHECK_ERROR(SB_EINVALID, "password is too short, minimum length is 12 characters",
                sb_accounts_sign_up(db, &out,
                           "{\"company_name\":\"Acme\",\"email\":\"owner@acme.example\","
                           "\"phone\":\"+254700000001\",\"password\":\"Short-1a\"}"));
    CHECK_STR(sb_last_error_field(), "password");

    memset(long_password, 'a', 129);
    memcpy(long_password, "A1", 2);
    long_password[129] = '\0';
    snprintf(request, sizeof request,
             "{\"company_name\":\"Acme\",\"email\":\"owner@acme.example\","
             "\"phone\":\"+254700000001\",\"password\":\"%s\"}",
             long_password);
    CHECK_ERROR(SB_EINVALID, "password is too long, maximum length is 128 characters",
                sb_accounts_sign_up(db, &out, request));
    CHECK_STR(sb_last_error_field(), "password");

    CHECK_ERROR(SB_EINVALID, "pwd must contain at least one: 1-9, A-Z, a-z character",
                sb_accounts_sign_up(db, &out,
                           "{\"company_name\":\"Acme\",\"email\":\"owner@acme.example\","
                           "\"phone\":\"+254700000001\",\"password\":\"alllowercase-no-digits\"}"));
    CHECK_STR(sb_last_error_field(), "password");

    /* malformed JSON, an unknown key, a wrong type */
    CHECK_RC(SB_EINVALID, sb_accounts_sign_up(db, &out, "{\"company_name\":"));
    CHECK_RC(SB_EINVALID, sb_accounts_sign_up(db, &out, "{\"company\":\"Acme\"}"));
    CHECK_STR(sb_last_error_field(), "company");
    CHECK_RC(SB_EINVALID, sb_accounts_sign_up(db, &out, "{\"company_name\":42}"));
    CHECK_STR(sb_last_error_field(), "company_name");
    CHECK(out == NULL);
}

/* Signs up an organisation, verifies the email with the key from the outbox,
 * and returns the sign-up JSON (caller frees). */
static char* sign_up_verified(sb_db* db, const char* company, const char* email, const char* phone) {
    char request[512];
    char* result = NULL;
    int ok = -1;
    char key[256];
    snprintf(request, sizeof request,
             "{\"company_name\":\"%s\",\"email\":\"%s\",\"phone\":\"%s\",\"password\":\"%s\"}", company,
             email, phone, PASSWORD);
    REQUIRE_OK(sb_accounts_sign_up(db, &result, request));
    CHECK_STR(sbj_str(result, "organisation.company_name"), company);
    CHECK_STR(sbj_str(result, "organisation.email"), email);
    CHECK(sbj_int(result, "organisation.id") > 0);
    CHECK_INT(sbj_int(result, "organisation.owner_user_id"), sbj_int(result, "admin.id"));
    CHECK_STR(sbj_str(result, "admin.role"), "admin");
    CHECK_STR(sbj_str(result, "admin.email"), email);
    CHECK_INT(sbj_bool(result, "admin.email_verified"), 0);
    CHECK(!sbj_has(result, "admin.password")); /* no secret in a record */

    /* before verification the right password is not enough */
    {
        char* session = NULL;
        CHECK_RC(SB_EUNVERIFIED, sb_accounts_sign_in(db, &session, email, PASSWORD));
        CHECK(session == NULL);
    }

    snprintf(key, sizeof key, "%s", code_from_outbox(db, email, "verify", "Verification key: "));
    CHECK_INT(strlen(key), 32);
    CHECK_OK(sb_accounts_verify_email(db, &ok, "not-a-real-key"));
    CHECK_INT(ok, 0);
    CHECK_OK(sb_accounts_verify_email(db, &ok, key));
    CHECK_INT(ok, 1);
    CHECK_OK(sb_accounts_verify_email(db, &ok, key)); /* spent */
    CHECK_INT(ok, 0);
    return result;
}

static char* sign_in(sb_db* db, const char* login, const char* password) {
    char* session = NULL;
    CHECK_OK(sb_accounts_sign_in(db, &session, login, password));
    return session;
}

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The accounts options reach the core: a second handle on the same file with
 * a short lockout and a short idle timeout. */
/* The mail sender's receipt: the first email to `to` is stamped sent and
 * loses its body; a second receipt answers it unchanged. */
static void test_outbox_receipt(sb_db* db, const char* to) {
    char *mails = NULL, *sent = NULL, *again = NULL, *after = NULL;
    long long id;
    REQUIRE_OK(sb_outbox_list(db, &mails, to));
    CHECK(sbj_len(mails, "") > 0);
    CHECK_INT(sbj_int(mails, "0.sent_ms"), 0);
    CHECK(strlen(sbj_str(mails, "0.body")) > 0);
    id = sbj_int(mails, "0.id");
    CHECK_OK(sb_outbox_mark_sent(db, &sent, id));
    CHECK_INT(sbj_int(sent, "id"), id);
    CHECK_STR(sbj_str(sent, "to"), to);
    CHECK_STR(sbj_str(sent, "body"), "");
    CHECK(sbj_int(sent, "sent_ms") >= sbj_int(mails, "0.created_ms"));
    CHECK_OK(sb_outbox_mark_sent(db, &again, id));
    CHECK_INT(sbj_int(again, "sent_ms"), sbj_int(sent, "sent_ms"));
    CHECK_OK(sb_outbox_list(db, &after, to));
    CHECK_INT(sbj_int(after, "0.sent_ms"), sbj_int(sent, "sent_ms"));
    CHECK_STR(sbj_str(after, "0.body"), "");
    CHECK_ERROR(SB_ENOTFOUND, "the outbox holds no email 999999", sb_outbox_mark_sent(db, &again, 999999));
    CHECK_STR(sb_last_error_field(), "id");
    CHECK(again == NULL);
    CHECK_ERROR(SB_EINVALID, "an outbox email's id is a number from 1", sb_outbox_mark_sent(db, &again, 0));
    CHECK_ERROR(SB_EINVALID, "out_json is NULL", sb_outbox_mark_sent(db, NULL, id));
    sb_free(mails);
    sb_free(sent);
    sb_free(after);
}

static void test_short_limits(const char* path) {
    sb_db_options options = sb_test_options();
    sb_accounts_options accounts = sb_test_accounts_options();
    sb_db* db = NULL;
    char *json = NULL, *session = NULL;
    char token[64];
    int i;

    accounts.max_failed_sign_ins = 2;
    accounts.lockout_ms = 400;
    accounts.session_idle_ms = 200;
    options.accounts = &accounts;
    REQUIRE_OK(sb_db_open(&db, path, &options));
    REQUIRE_OK(sb_accounts_sign_in(db, &session, "sam", "Supervisor-Pass-9"));
    snprintf(token, sizeof token, "%s", sbj_str(session, "token"));
    sb_free(session);
    session = NULL;
    CHECK_OK(sb_org_get(db, &json, token));
    sb_free(json);
    json = NULL;
    sleep_ms(300);
    CHECK_ERROR(SB_EUNAUTHORIZED, "unauthorized", sb_org_get(db, &json, token)); /* idle too long */

    for (i = 0; i < 2; ++i) CHECK_RC(SB_ECREDENTIALS, sb_accounts_sign_in(db, &session, "sam", "Wrong-Password-11"));
    CHECK_RC(SB_ECREDENTIALS, sb_accounts_sign_in(db, &session, "sam", "Supervisor-Pass-9")); /* locked */
    sleep_ms(500);
    CHECK_OK(sb_accounts_sign_in(db, &session, "sam", "Supervisor-Pass-9")); /* the lock has expired */
    CHECK_STR(sbj_str(session, "principal.username"), "sam");
    sb_free(session);
    CHECK_OK(sb_db_close(db));
}

int main(void) {
    const char* path = sb_test_temp_db("accounts");
    sb_db_options options = sb_test_options();
    sb_accounts_options accounts = sb_test_accounts_options();
    sb_db* db = NULL;
    char *org = NULL, *session = NULL, *other = NULL, *json = NULL, *temporary = NULL;
    char token[64], token2[64], agent_token[64];
    long long agent_id;

    accounts.max_failed_sign_ins = 3;
    options.accounts = &accounts;
    REQUIRE_OK(sb_db_open(&db, path, &options));

    test_sign_up_checks(db);
    org = sign_up_verified(db, "Acme Helpline", "owner@acme.example", "+254 700 000 001");

    /* the same email again */
    CHECK_ERROR(SB_EEXISTS, "email is already registered",
                sb_accounts_sign_up(db, &json,
                           "{\"company_name\":\"Acme 2\",\"email\":\"owner@acme.example\","
                           "\"phone\":\"+254700000002\",\"password\":\"Correct-Horse-42\"}"));
    CHECK_STR(sb_last_error_field(), "email");

    test_outbox_receipt(db, "owner@acme.example");

    /* ---- sign in, by email and by username */
    session = sign_in(db, "owner@acme.example", PASSWORD);
    CHECK_INT(strlen(sbj_str(session, "token")), 32);
    CHECK(sbj_int(session, "expires_ms") > 0);
    CHECK_STR(sbj_str(session, "principal.role"), "admin");
    CHECK_STR(sbj_str(session, "principal.kind"), "access");
    CHECK_INT(sbj_int(session, "principal.org_id"), sbj_int(org, "organisation.id"));
    CHECK_INT(sbj_int(session, "principal.user_id"), sbj_int(org, "admin.id"));
    snprintf(token, sizeof token, "%s", sbj_str(session, "token"));
    sb_free(session);

    session = sign_in(db, sbj_str(org, "admin.username"), PASSWORD);
    CHECK_INT(strlen(sbj_str(session, "token")), 32);
    snprintf(token2, sizeof token2, "%s", sbj_str(session, "token"));
    CHECK(strcmp(token, token2) != 0);
    sb_free(session);

    CHECK_OK(sb_accounts_authenticate(db, &json, token, SB_TOKEN_ACCESS));
    CHECK_STR(sbj_str(json, "role"), "admin");
    CHECK_STR(sbj_str(json, "username"), sbj_str(org, "admin.username"));
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EINVALID, sb_accounts_authenticate(db, &json, token, 7));
    CHECK_STR(sb_last_error_field(), "kind");

    /* ---- wrong password, unknown login */
    CHECK_ERROR(SB_ECREDENTIALS, "credentials didn't match",
                sb_accounts_sign_in(db, &session, "owner@acme.example", "Wrong-Password-1"));
    CHECK(session == NULL);
    CHECK_ERROR(SB_ECREDENTIALS, "credentials didn't match",
                sb_accounts_sign_in(db, &session, "nobody@acme.example", PASSWORD));
    /* a success clears the failure count (so the lockout test below starts at 0) */
    session = sign_in(db, "owner@acme.example", PASSWORD);
    sb_free(session);

    /* ---- lockout: an agent fails three times, then even the right password is refused */
    CHECK_OK(sb_user_create(db, &json, token,
                            "{\"username\":\"lena\",\"email\":\"lena@acme.example\","
                            "\"first_name\":\"Lena\",\"password\":\"Agent-Password-7\",\"role\":\"agent\"}"));
    agent_id = sbj_int(json, "user.id");
    CHECK(agent_id > 0);
    CHECK(sbj_find(json, "temporary_password") && strncmp(sbj_find(json, "temporary_password"), "null", 4) == 0);
    sb_free(json);
    json = NULL;

    session = sign_in(db, "lena", "Agent-Password-7");
    snprintf(agent_token, sizeof agent_token, "%s", sbj_str(session, "token"));
    CHECK_STR(sbj_str(session, "principal.role"), "agent");
    sb_free(session);
    session = NULL;
    {
        int i;
        for (i = 0; i < 3; ++i)
            CHECK_ERROR(SB_ECREDENTIALS, "credentials didn't match",
                        sb_accounts_sign_in(db, &session, "lena", "Not-Her-Password-1"));
    }
    CHECK_ERROR(SB_ECREDENTIALS, "credentials didn't match",
                sb_accounts_sign_in(db, &session, "lena", "Agent-Password-7"));
    CHECK(session == NULL);
    /* a lock stops sign-in, not the sessions already open */
    CHECK_OK(sb_user_get(db, &json, agent_token, agent_id));
    CHECK_STR(sbj_str(json, "username"), "lena");
    sb_free(json);
    json = NULL;

    /* ---- admin reset: a temporary password that must be changed first */
    CHECK_OK(sb_accounts_admin_reset_password(db, &temporary, token, agent_id));
    CHECK(temporary != NULL && strlen(temporary) >= 12);
    CHECK_RC(SB_EUNAUTHORIZED, sb_user_get(db, &json, agent_token, agent_id)); /* sessions ended */
    CHECK_RC(SB_EUNAUTHORIZED, sb_accounts_admin_reset_password(db, &other, agent_token, agent_id));
    CHECK(other == NULL);
    {
        /* a supervisor created without a password, then reset by the admin */
        char* created = NULL;
        char* temp2 = NULL;
        char* s = NULL;
        long long sup_id;
        CHECK_OK(sb_user_create(db, &created, token,
                                "{\"username\":\"sam\",\"email\":\"sam@acme.example\",\"role\":\"supervisor\"}"));
        sup_id = sbj_int(created, "user.id");
        CHECK_INT(sbj_bool(created, "user.must_change_password"), 1);
        CHECK(strlen(sbj_str(created, "temporary_password")) >= 12);
        sb_free(created);

        CHECK_OK(sb_accounts_admin_reset_password(db, &temp2, token, sup_id));
        CHECK(temp2 != NULL && strlen(temp2) >= 12);
        CHECK_OK(sb_accounts_sign_in(db, &s, "sam", temp2));
        CHECK_INT(sbj_bool(s, "principal.must_change_password"), 1);
        {
            char sam_token[64];
            char* list = NULL;
            snprintf(sam_token, sizeof sam_token, "%s", sbj_str(s, "token"));
            CHECK_RC(SB_EPASSWORDCHANGE, sb_user_list(db, &list, sam_token, NULL));
            CHECK(list == NULL);
            CHECK_OK(sb_accounts_change_password(db, sam_token, temp2, "Supervisor-Pass-9"));
            CHECK_RC(SB_EUNAUTHORIZED, sb_user_list(db, &list, sam_token, NULL));
        }
        sb_free(s);
        s = NULL;
        CHECK_RC(SB_ECREDENTIALS, sb_accounts_sign_in(db, &s, "sam", temp2));
        s = sign_in(db, "sam", "Supervisor-Pass-9");
        CHECK_INT(sbj_bool(s, "principal.must_change_password"), 0);
        sb_free(s);
        sb_free(temp2);
    }
    sb_free(temporary);
    temporary = NULL;

    /* ---- change password: wrong current password, policy, and every session ends */
    CHECK_ERROR(SB_ECREDENTIALS, "password didn't match, please try again",
                sb_accounts_change_password(db, token, "Not-The-Password-1", "New-Owner-Pass-1"));
    CHECK_ERROR(SB_EINVALID, "password is too short, minimum length is 12 characters",
                sb_accounts_change_password(db, token, PASSWORD, "short"));
    CHECK_OK(sb_accounts_change_password(db, token, PASSWORD, "New-Owner-Pass-1"));
    CHECK_RC(SB_EUNAUTHORIZED, sb_org_get(db, &json, token));
    CHECK_STR(sb_last_error(), "unauthorized");
    CHECK_RC(SB_EUNAUTHORIZED, sb_org_get(db, &json, token2)); /* the other session too */
    CHECK_ERROR(SB_ECREDENTIALS, "credentials didn't match",
                sb_accounts_sign_in(db, &session, "owner@acme.example", PASSWORD));
    session = sign_in(db, "owner@acme.example", "New-Owner-Pass-1");
    snprintf(token, sizeof token, "%s", sbj_str(session, "token"));
    sb_free(session);
    session = NULL;

    /* ---- reset by emailed code */
    CHECK_OK(sb_accounts_request_password_reset(db, "owner@acme.example"));
    CHECK_OK(sb_accounts_request_password_reset(db, "nobody@acme.example")); /* says nothing */
    {
        char code[32];
        snprintf(code, sizeof code, "%s", code_from_outbox(db, "owner@acme.example", "reset", "code: "));
        CHECK_INT(strlen(code), 6);
        CHECK_RC(SB_ECREDENTIALS, sb_accounts_reset_password(db, "owner@acme.example", "000000x", "Reset-Password-1"));
        CHECK_STR(sb_last_error_field(), "code");
        CHECK_OK(sb_accounts_reset_password(db, "owner@acme.example", code, "Reset-Password-1"));
        CHECK_RC(SB_ECREDENTIALS, sb_accounts_reset_password(db, "owner@acme.example", code, "Reset-Password-2"));
    }
    CHECK_RC(SB_EUNAUTHORIZED, sb_org_get(db, &json, token)); /* the reset ended the session */
    session = sign_in(db, "owner@acme.example", "Reset-Password-1");
    CHECK_INT(strlen(sbj_str(session, "token")), 32);
    snprintf(token, sizeof token, "%s", sbj_str(session, "token"));
    sb_free(session);
    session = NULL;

    /* ---- sign out */
    CHECK_OK(sb_accounts_sign_out(db, token));
    CHECK_RC(SB_EUNAUTHORIZED, sb_org_get(db, &json, token));
    CHECK_OK(sb_accounts_sign_out(db, token)); /* twice is fine */

    sb_free(org);
    CHECK_OK(sb_db_close(db));

    test_short_limits(path);
    sb_test_cleanup();
    return sb_test_finish("test_accounts");
}
