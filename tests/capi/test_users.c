/* Users, organisations, developer keys, the activity log and the platform
 * operator through the C API, with two organisations to check that one
 * never reaches the other's records. */
#include "test_util.h"

static const char* PASSWORD = "Correct-Horse-42";

/* Signs up an organisation (already verified, through its outbox key), signs
 * its admin in and copies the token. Returns the sign-up JSON. */
static char* new_org(sb_db* db, const char* company, const char* email, const char* phone, char token[64]) {
    char request[512];
    char* result = NULL;
    char* mails = NULL;
    char* session = NULL;
    int ok = 0;
    char key[64];
    snprintf(request, sizeof request,
             "{\"company_name\":\"%s\",\"email\":\"%s\",\"phone\":\"%s\",\"password\":\"%s\"}", company,
             email, phone, PASSWORD);
    REQUIRE_OK(sb_accounts_sign_up(db, &result, request));
    REQUIRE_OK(sb_outbox_list(db, &mails, email));
    CHECK_INT(sbj_len(mails, ""), 1);
    CHECK_STR(sbj_str(mails, "0.kind"), "verify");
    snprintf(key, sizeof key, "%s", sb_test_after(sbj_str(mails, "0.body"), "Verification key: "));
    sb_free(mails);
    REQUIRE_OK(sb_accounts_verify_email(db, &ok, key));
    CHECK_INT(ok, 1);
    REQUIRE_OK(sb_accounts_sign_in(db, &session, email, PASSWORD));
    snprintf(token, 64, "%s", sbj_str(session, "token"));
    CHECK_INT(strlen(token), 32);
    sb_free(session);
    return result;
}

static void sign_in_token(sb_db* db, const char* login, const char* password, char token[64]) {
    char* session = NULL;
    REQUIRE_OK(sb_accounts_sign_in(db, &session, login, password));
    snprintf(token, 64, "%s", sbj_str(session, "token"));
    sb_free(session);
}

/* 1 when some item of the page has this endpoint and status. */
static int has_activity(const char* page, const char* endpoint, int ok) {
    int i, n = sbj_len(page, "items");
    for (i = 0; i < n; ++i) {
        char path[64], okpath[64];
        snprintf(path, sizeof path, "items.%d.endpoint", i);
        snprintf(okpath, sizeof okpath, "items.%d.ok", i);
        if (strcmp(sbj_str(page, path), endpoint) == 0 && sbj_bool(page, okpath) == ok) return 1;
    }
    return 0;
}

int main(void) {
    const char* path = sb_test_temp_db("users");
    sb_db_options options = sb_test_options();
    sb_db* db = NULL;
    char *acme = NULL, *globex = NULL, *json = NULL, *out = NULL;
    char acme_token[64], globex_token[64], agent_token[64], sup_token[64], op_token[64];
    long long acme_org, globex_org, agent_id, sup_id, globex_agent_id;

    REQUIRE_OK(sb_db_open(&db, path, &options));
    acme = new_org(db, "Acme Helpline", "owner@acme.example", "+254700000001", acme_token);
    globex = new_org(db, "Globex Care", "owner@globex.example", "+254700000002", globex_token);
    acme_org = sbj_int(acme, "organisation.id");
    globex_org = sbj_int(globex, "organisation.id");
    CHECK(acme_org > 0 && globex_org > 0 && acme_org != globex_org);

    /* ---- create */
    REQUIRE_OK(sb_user_create(db, &json, acme_token,
                              "{\"username\":\"ann\",\"email\":\"ann@acme.example\",\"first_name\":\"Ann\","
                              "\"last_name\":\"Agent\",\"extension\":\"201\",\"password\":\"Agent-Password-7\"}"));
    agent_id = sbj_int(json, "user.id");
    CHECK(agent_id > 0);
    CHECK_INT(sbj_int(json, "user.org_id"), acme_org);
    CHECK_STR(sbj_str(json, "user.role"), "agent"); /* the default role */
    CHECK_STR(sbj_str(json, "user.extension"), "201");
    CHECK_INT(sbj_bool(json, "user.active"), 1);
    CHECK_INT(sbj_bool(json, "user.must_change_password"), 0);
    sb_free(json);

    REQUIRE_OK(sb_user_create(db, &json, acme_token,
                              "{\"username\":\"sue\",\"email\":\"sue@acme.example\",\"role\":\"supervisor\","
                              "\"password\":\"Super-Visor-Pass-3\"}"));
    sup_id = sbj_int(json, "user.id");
    sb_free(json);

    CHECK_ERROR(SB_EEXISTS, "username \"ann\" is already taken",
                sb_user_create(db, &json, acme_token,
                               "{\"username\":\"ann\",\"email\":\"ann2@acme.example\"}"));
    CHECK_STR(sb_last_error_field(), "username");
    CHECK_RC(SB_EINVALID, sb_user_create(db, &json, acme_token, "{\"username\":\"x y\",\"email\":\"xy@acme.example\"}"));
    CHECK_STR(sb_last_error_field(), "username");
    CHECK_RC(SB_EINVALID, sb_user_create(db, &json, acme_token,
                                         "{\"username\":\"bob\",\"email\":\"bob@acme.example\",\"role\":\"king\"}"));
    CHECK_STR(sb_last_error_field(), "role");
    CHECK_RC(SB_EINVALID, sb_user_create(db, &json, acme_token, NULL));
    CHECK_STR(sb_last_error_field(), "fields_json");
    CHECK(json == NULL);

    /* ---- list, with a filter and paging */
    REQUIRE_OK(sb_user_list(db, &json, acme_token, NULL));
    CHECK_INT(sbj_int(json, "total"), 3); /* owner, ann, sue */
    CHECK_INT(sbj_len(json, "items"), 3);
    sb_free(json);
    REQUIRE_OK(sb_user_list(db, &json, acme_token, "{\"filters\":{\"role\":\"agent\"}}"));
    CHECK_INT(sbj_int(json, "total"), 1);
    CHECK_STR(sbj_str(json, "items.0.username"), "ann");
    sb_free(json);
    REQUIRE_OK(sb_user_list(db, &json, acme_token, "{\"count\":1,\"offset\":1}"));
    CHECK_INT(sbj_int(json, "total"), 3);
    CHECK_INT(sbj_len(json, "items"), 1);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EINVALID, sb_user_list(db, &json, acme_token, "{\"filters\":{\"password_hash\":\"x\"}}"));
    CHECK(json == NULL);

    /* ---- update and get */
    REQUIRE_OK(sb_user_update(db, &json, acme_token, agent_id, "{\"first_name\":\"Annie\",\"phone\":\"+254711000000\"}"));
    CHECK_STR(sbj_str(json, "first_name"), "Annie");
    CHECK_STR(sbj_str(json, "last_name"), "Agent"); /* absent fields are left alone */
    sb_free(json);
    REQUIRE_OK(sb_user_get(db, &json, acme_token, agent_id));
    CHECK_STR(sbj_str(json, "first_name"), "Annie");
    CHECK_STR(sbj_str(json, "phone"), "+254711000000");
    CHECK_STR(sbj_str(json, "email"), "ann@acme.example");
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_ENOTFOUND, sb_user_get(db, &json, acme_token, 999999));

    /* ---- an agent may not manage users */
    sign_in_token(db, "ann", "Agent-Password-7", agent_token);
    CHECK_ERROR(SB_EFORBIDDEN, "the agent role may not do this",
                sb_user_create(db, &json, agent_token, "{\"username\":\"eve\",\"email\":\"eve@acme.example\"}"));
    CHECK(json == NULL);
    CHECK_RC(SB_EFORBIDDEN, sb_user_list(db, &json, agent_token, NULL));
    CHECK_RC(SB_EFORBIDDEN, sb_user_update(db, &json, agent_token, sup_id, "{\"first_name\":\"X\"}"));
    CHECK_RC(SB_EFORBIDDEN, sb_user_deactivate(db, agent_token, sup_id));
    CHECK_RC(SB_EFORBIDDEN, sb_accounts_admin_reset_password(db, &out, agent_token, sup_id));
    CHECK(out == NULL);
    CHECK_RC(SB_EFORBIDDEN, sb_devkey_add(db, &json, agent_token, "robot"));
    CHECK_RC(SB_EFORBIDDEN, sb_activity_list(db, &json, agent_token, NULL));
    /* ... but may read and edit itself */
    REQUIRE_OK(sb_user_get(db, &json, agent_token, agent_id));
    CHECK_STR(sbj_str(json, "username"), "ann");
    sb_free(json);
    json = NULL;

    /* ---- one organisation never reaches another's users */
    REQUIRE_OK(sb_user_create(db, &json, globex_token,
                              "{\"username\":\"gus\",\"email\":\"gus@globex.example\",\"password\":\"Globex-Agent-11\"}"));
    globex_agent_id = sbj_int(json, "user.id");
    CHECK_INT(sbj_int(json, "user.org_id"), globex_org);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_ENOTFOUND, sb_user_get(db, &json, globex_token, agent_id));
    CHECK(json == NULL);
    CHECK_RC(SB_ENOTFOUND, sb_user_update(db, &json, globex_token, agent_id, "{\"first_name\":\"Hijacked\"}"));
    CHECK_RC(SB_ENOTFOUND, sb_user_deactivate(db, globex_token, agent_id));
    CHECK_RC(SB_ENOTFOUND, sb_accounts_admin_reset_password(db, &out, globex_token, agent_id));
    CHECK_RC(SB_ENOTFOUND, sb_user_get(db, &json, acme_token, globex_agent_id));
    REQUIRE_OK(sb_user_list(db, &json, globex_token, NULL));
    CHECK_INT(sbj_int(json, "total"), 2); /* owner and gus only */
    CHECK(strstr(json, "acme.example") == NULL);
    sb_free(json);
    REQUIRE_OK(sb_user_get(db, &json, acme_token, agent_id)); /* unchanged */
    CHECK_STR(sbj_str(json, "first_name"), "Annie");
    CHECK_INT(sbj_bool(json, "active"), 1);
    sb_free(json);
    json = NULL;

    /* ---- deactivate: the user's token is refused, sign-in too */
    CHECK_OK(sb_user_deactivate(db, acme_token, agent_id));
    CHECK_ERROR(SB_EUNAUTHORIZED, "unauthorized", sb_user_get(db, &json, agent_token, agent_id));
    CHECK_ERROR(SB_ECREDENTIALS, "credentials didn't match", sb_accounts_sign_in(db, &out, "ann", "Agent-Password-7"));
    REQUIRE_OK(sb_user_get(db, &json, acme_token, agent_id));
    CHECK_INT(sbj_bool(json, "active"), 0);
    sb_free(json);
    json = NULL;

    /* ---- own organisation settings */
    sign_in_token(db, "sue", "Super-Visor-Pass-3", sup_token);
    REQUIRE_OK(sb_org_get(db, &json, sup_token));
    CHECK_STR(sbj_str(json, "company_name"), "Acme Helpline");
    CHECK_INT(sbj_int(json, "standards.silence_len_ms"), 500);
    CHECK_STR(sbj_str(json, "standards.list_by"), "TicketNo");
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EFORBIDDEN, sb_org_modify(db, &json, sup_token, "{\"silence_len_ms\":800}"));
    REQUIRE_OK(sb_org_modify(db, &json, acme_token,
                             "{\"silence_len_ms\":800,\"list_by\":\"ClientId\",\"max_call_len_s\":1800}"));
    CHECK_INT(sbj_int(json, "standards.silence_len_ms"), 800);
    CHECK_STR(sbj_str(json, "standards.list_by"), "ClientId");
    CHECK_INT(sbj_int(json, "constraints.max_call_len_s"), 1800);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EINVALID, sb_org_modify(db, &json, acme_token, "{\"silence_len_ms\":\"long\"}"));
    CHECK_STR(sb_last_error_field(), "silence_len_ms");
    CHECK_ERROR(SB_ECREDENTIALS, "password didn't match, please try again",
                sb_org_modify(db, &json, acme_token,
                              "{\"password\":\"Another-Pass-12\",\"current_password\":\"Wrong-Pass-123\"}"));
    REQUIRE_OK(sb_org_get(db, &json, acme_token)); /* all or nothing */
    CHECK_INT(sbj_int(json, "standards.silence_len_ms"), 800);
    sb_free(json);
    json = NULL;
    REQUIRE_OK(sb_org_get(db, &json, globex_token)); /* the other organisation is untouched */
    CHECK_INT(sbj_int(json, "standards.silence_len_ms"), 500);
    sb_free(json);
    json = NULL;

    /* ---- developer keys and dev tokens */
    {
        char pass_key[64], dev_token[64];
        REQUIRE_OK(sb_devkey_add(db, &json, acme_token, "robot"));
        snprintf(pass_key, sizeof pass_key, "%s", sbj_str(json, "pass_key"));
        CHECK_INT(strlen(pass_key), 32);
        CHECK_STR(sbj_str(json, "key.username"), "robot");
        CHECK_INT(sbj_bool(json, "key.active"), 1);
        /* the hint ends with the key's last four characters */
        {
            const char* hint = sbj_str(json, "key.pass_key_hint");
            CHECK(strlen(hint) >= 4 && strcmp(hint + strlen(hint) - 4, pass_key + 28) == 0);
            CHECK(strstr(hint, pass_key) == NULL);
        }
        sb_free(json);
        json = NULL;
        CHECK_ERROR(SB_EEXISTS, "username already has a developer key", sb_devkey_add(db, &json, acme_token, "robot"));

        REQUIRE_OK(sb_devkey_list(db, &json, acme_token));
        CHECK_INT(sbj_len(json, ""), 1);
        CHECK_STR(sbj_str(json, "0.username"), "robot");
        CHECK(strstr(json, pass_key) == NULL); /* shown once */
        sb_free(json);
        REQUIRE_OK(sb_devkey_list(db, &json, globex_token));
        CHECK_INT(sbj_len(json, ""), 0);
        sb_free(json);
        json = NULL;

        CHECK_ERROR(SB_ECREDENTIALS, "credentials didn't match",
                    sb_dev_token_issue(db, &json, "owner@acme.example", "robot", "0123456789abcdef0123456789abcdef"));
        CHECK_ERROR(SB_ECREDENTIALS, "credentials didn't match",
                    sb_dev_token_issue(db, &json, "owner@globex.example", "robot", pass_key));
        REQUIRE_OK(sb_dev_token_issue(db, &json, "owner@acme.example", "robot", pass_key));
        snprintf(dev_token, sizeof dev_token, "%s", sbj_str(json, "token"));
        CHECK_INT(strlen(dev_token), 32);
        CHECK_STR(sbj_str(json, "principal.kind"), "dev");
        CHECK_INT(sbj_int(json, "principal.org_id"), acme_org);
        sb_free(json);
        REQUIRE_OK(sb_accounts_authenticate(db, &json, dev_token, SB_TOKEN_DEV));
        CHECK_STR(sbj_str(json, "username"), "robot");
        sb_free(json);
        json = NULL;
        /* a dev token is not an access token, and the other way round */
        CHECK_RC(SB_EUNAUTHORIZED, sb_accounts_authenticate(db, &json, dev_token, SB_TOKEN_ACCESS));
        CHECK_RC(SB_EUNAUTHORIZED, sb_user_list(db, &json, dev_token, NULL));
        CHECK_RC(SB_EUNAUTHORIZED, sb_accounts_authenticate(db, &json, acme_token, SB_TOKEN_DEV));

        REQUIRE_OK(sb_devkey_set_active(db, &json, acme_token, "robot", 0));
        CHECK_INT(sbj_bool(json, "active"), 0);
        sb_free(json);
        json = NULL;
        CHECK_RC(SB_EUNAUTHORIZED, sb_accounts_authenticate(db, &json, dev_token, SB_TOKEN_DEV)); /* ended */
        CHECK_RC(SB_ECREDENTIALS, sb_dev_token_issue(db, &json, "owner@acme.example", "robot", pass_key));
        CHECK_ERROR(SB_ENOTFOUND, "username isn't found", sb_devkey_set_active(db, &json, acme_token, "ghost", 1));
        CHECK_STR(sb_last_error_field(), "username");
        CHECK_RC(SB_ENOTFOUND, sb_devkey_delete(db, globex_token, "robot"));
        CHECK_OK(sb_devkey_delete(db, acme_token, "robot"));
        CHECK_ERROR(SB_ENOTFOUND, "username isn't found", sb_devkey_delete(db, acme_token, "robot"));
        REQUIRE_OK(sb_devkey_list(db, &json, acme_token));
        CHECK_INT(sbj_len(json, ""), 0);
        sb_free(json);
        json = NULL;
    }

    /* ---- customer registration */
    {
        char request[512];
        snprintf(request, sizeof request,
                 "{\"org_id\":%lld,\"email\":\"carol@mail.example\",\"password\":\"Customer-Pass-5\","
                 "\"password_confirm\":\"Customer-Pass-5\",\"first_name\":\"Carol\",\"last_name\":\"C\"}",
                 acme_org);
        REQUIRE_OK(sb_accounts_register_customer(db, &json, request));
        CHECK_STR(sbj_str(json, "role"), "customer");
        CHECK_INT(sbj_int(json, "org_id"), acme_org);
        sb_free(json);
        json = NULL;
        snprintf(request, sizeof request,
                 "{\"org_id\":%lld,\"email\":\"dan@mail.example\",\"password\":\"Customer-Pass-5\","
                 "\"password_confirm\":\"Customer-Pass-6\",\"first_name\":\"Dan\",\"last_name\":\"D\"}",
                 acme_org);
        CHECK_ERROR(SB_EINVALID, "passwords don't match", sb_accounts_register_customer(db, &json, request));
        CHECK_STR(sb_last_error_field(), "password_confirm");
        CHECK_RC(SB_ENOTFOUND,
                 sb_accounts_register_customer(db, &json,
                                      "{\"org_id\":424242,\"email\":\"x@mail.example\",\"password\":\"Customer-Pass-5\","
                                      "\"password_confirm\":\"Customer-Pass-5\",\"first_name\":\"X\",\"last_name\":\"Y\"}"));
    }

    /* ---- activity: the calls above, under the C function names, OK and KO */
    REQUIRE_OK(sb_activity_list(db, &json, acme_token, NULL));
    CHECK(sbj_int(json, "total") > 10);
    CHECK(has_activity(json, "sb_user_create", 1));
    CHECK(has_activity(json, "sb_user_create", 0)); /* the agent's refused call */
    CHECK(has_activity(json, "sb_user_deactivate", 1));
    CHECK(has_activity(json, "sb_devkey_add", 1));
    CHECK(has_activity(json, "sb_org_modify", 1));
    CHECK(strstr(json, "Agent-Password-7") == NULL); /* no secret in the log */
    CHECK(strstr(json, "globex") == NULL && strstr(json, "gus") == NULL);
    sb_free(json);
    REQUIRE_OK(sb_activity_list(db, &json, acme_token, "{\"filters\":{\"endpoint\":\"sb_devkey_*\"}}"));
    {
        int i, n = sbj_len(json, "items");
        CHECK(n >= 4);
        CHECK_INT(sbj_int(json, "total"), n);
        for (i = 0; i < n; ++i) {
            char p[64];
            snprintf(p, sizeof p, "items.%d.endpoint", i);
            CHECK(strncmp(sbj_str(json, p), "sb_devkey_", 10) == 0);
            snprintf(p, sizeof p, "items.%d.org_id", i);
            CHECK_INT(sbj_int(json, p), acme_org);
        }
    }
    sb_free(json);
    REQUIRE_OK(sb_activity_list(db, &json, acme_token, "{\"filters\":{\"status\":\"KO\",\"actor\":\"ann\"}}"));
    CHECK(sbj_int(json, "total") >= 5);
    CHECK_INT(sbj_bool(json, "items.0.ok"), 0);
    CHECK_STR(sbj_str(json, "items.0.actor"), "ann");
    sb_free(json);
    REQUIRE_OK(sb_activity_list(db, &json, sup_token, "{\"count\":2}")); /* supervisors read it too */
    CHECK_INT(sbj_len(json, "items"), 2);
    sb_free(json);
    json = NULL;

    /* ---- the platform operator */
    REQUIRE_OK(sb_operator_create(db, &json, "root", "root@platform.example", "Operator-Pass-99"));
    CHECK_STR(sbj_str(json, "role"), "operator");
    CHECK_INT(sbj_int(json, "org_id"), 0);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EEXISTS, sb_operator_create(db, &json, "root", "root2@platform.example", "Operator-Pass-99"));
    sign_in_token(db, "root", "Operator-Pass-99", op_token);
    REQUIRE_OK(sb_org_list(db, &json, op_token, NULL));
    CHECK_INT(sbj_int(json, "total"), 2);
    sb_free(json);
    REQUIRE_OK(sb_org_get_by_id(db, &json, op_token, globex_org));
    CHECK_STR(sbj_str(json, "company_name"), "Globex Care");
    sb_free(json);
    REQUIRE_OK(sb_org_modify_by_id(db, &json, op_token, globex_org, "{\"company_name\":\"Globex Care Ltd\"}"));
    CHECK_STR(sbj_str(json, "company_name"), "Globex Care Ltd");
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_ENOTFOUND, sb_org_get_by_id(db, &json, op_token, 424242));
    CHECK_RC(SB_EFORBIDDEN, sb_org_list(db, &json, acme_token, NULL));
    CHECK_RC(SB_EFORBIDDEN, sb_org_get_by_id(db, &json, acme_token, globex_org));
    CHECK_RC(SB_EFORBIDDEN, sb_org_modify_by_id(db, &json, acme_token, globex_org, "{\"company_name\":\"Mine\"}"));
    CHECK(json == NULL);
    REQUIRE_OK(sb_org_get(db, &json, globex_token));
    CHECK_STR(sbj_str(json, "company_name"), "Globex Care Ltd");
    sb_free(json);

    sb_free(acme);
    sb_free(globex);
    CHECK_OK(sb_db_close(db));
    sb_test_cleanup();
    return sb_test_finish("test_users");
}
