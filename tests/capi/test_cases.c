/* Tickets through the C API: the Customer Care Registry flow (a customer
 * registers and raises a ticket, an admin assigns an agent, messages go both
 * ways, the customer closes it), every refusal on the way, lists with
 * filters, paging and search, CSV through a sink, pivot reports, history,
 * categories, the users' CSV and report, and a second organisation that never
 * reaches the first one's tickets. */
#include "test_util.h"

#include <time.h>

/* Creates a ticket as `token` and returns its id. */
static long long new_ticket(sb_db* db, const char* token, const char* fields) {
    char* json = NULL;
    long long id;
    REQUIRE_OK(sb_ticket_create(db, &json, token, fields));
    id = sbj_int(json, "id");
    CHECK(id > 0);
    sb_free(json);
    return id;
}

/* 1 when the history has an entry for `field` with this new value. */
static int has_change(const char* history, const char* field, const char* new_value, const char* actor) {
    int i, n = sbj_len(history, "");
    for (i = 0; i < n; ++i) {
        char p[64], q[64], r[64];
        snprintf(p, sizeof p, "%d.field", i);
        snprintf(q, sizeof q, "%d.new_value", i);
        snprintf(r, sizeof r, "%d.actor", i);
        if (strcmp(sbj_str(history, p), field) == 0 && strcmp(sbj_str(history, q), new_value) == 0 &&
            strcmp(sbj_str(history, r), actor) == 0)
            return 1;
    }
    return 0;
}

/* The count of the pivot row whose keys are k1 (and k2 when not NULL); -1 if none. */
static long long pivot_count(const char* report, const char* k1, const char* k2) {
    int i, n = sbj_len(report, "rows");
    for (i = 0; i < n; ++i) {
        char p[64], q[64], c[64];
        snprintf(p, sizeof p, "rows.%d.keys.0", i);
        snprintf(q, sizeof q, "rows.%d.keys.1", i);
        snprintf(c, sizeof c, "rows.%d.count", i);
        if (strcmp(sbj_str(report, p), k1) == 0 && (k2 == NULL || strcmp(sbj_str(report, q), k2) == 0))
            return sbj_int(report, c);
    }
    return -1;
}

int main(void) {
    const char* path = sb_test_temp_db("cases");
    sb_db_options options = sb_test_options();
    sb_db* db = NULL;
    char* json = NULL;
    char admin[64], sup[64], ann[64], bob[64], carol[64], dave[64], globex[64];
    long long acme_org, ann_id, bob_id, carol_id, dave_id;
    long long billing, refunds, t1, t2, t3, t4, t5;
    char query[256], admin_name[128], carol_name[128];

    REQUIRE_OK(sb_db_open(&db, path, &options));
    acme_org = sb_test_new_org(db, "Acme Helpline", "owner@acme.example", "+254700000001", admin);
    sb_test_new_org(db, "Globex Care", "owner@globex.example", "+254700000002", globex);
    sb_test_new_staff(db, admin, "sue", "supervisor", "Super-Visor-Pass-3", sup);
    ann_id = sb_test_new_staff(db, admin, "ann", "agent", "Agent-Password-7", ann);
    bob_id = sb_test_new_staff(db, admin, "bob", "agent", "Agent-Password-8", bob);

    /* ---- categories: admins add them, every role reads them */
    REQUIRE_OK(sb_category_add(db, &json, admin, "Billing", 0));
    billing = sbj_int(json, "id");
    CHECK_INT(sbj_int(json, "parent_id"), 0);
    CHECK_STR(sbj_str(json, "name"), "Billing");
    sb_free(json);
    REQUIRE_OK(sb_category_add(db, &json, admin, "Refunds", billing));
    refunds = sbj_int(json, "id");
    CHECK_INT(sbj_int(json, "parent_id"), billing);
    sb_free(json);
    json = NULL;
    CHECK_ERROR(SB_EEXISTS, "category \"Billing\" already exists there", sb_category_add(db, &json, admin, "Billing", 0));
    CHECK_RC(SB_EINVALID, sb_category_add(db, &json, admin, "Deeper", refunds));
    CHECK_STR(sb_last_error_field(), "parent_id");
    CHECK_RC(SB_EINVALID, sb_category_add(db, &json, admin, NULL, 0));
    CHECK_STR(sb_last_error_field(), "name");
    CHECK_RC(SB_EFORBIDDEN, sb_category_add(db, &json, ann, "Agents' own", 0));
    CHECK_RC(SB_EUNAUTHORIZED, sb_category_list(db, &json, "not-a-token"));
    CHECK(json == NULL);
    REQUIRE_OK(sb_category_list(db, &json, ann));
    CHECK_INT(sbj_len(json, ""), 2);
    CHECK_STR(sbj_str(json, "1.name"), "Refunds");
    sb_free(json);
    REQUIRE_OK(sb_category_list(db, &json, globex)); /* categories are per organisation */
    CHECK_INT(sbj_len(json, ""), 0);
    sb_free(json);
    json = NULL;

    /* ---- Customer Care Registry: a customer registers and raises a ticket */
    carol_id = sb_test_new_customer(db, acme_org, "carol@mail.example", "Carol", carol);
    dave_id = sb_test_new_customer(db, acme_org, "dave@mail.example", "Dave", dave);
    CHECK(carol_id != dave_id);
    /* the names the history records */
    REQUIRE_OK(sb_accounts_authenticate(db, &json, admin, SB_TOKEN_ACCESS));
    snprintf(admin_name, sizeof admin_name, "%s", sbj_str(json, "username"));
    sb_free(json);
    REQUIRE_OK(sb_accounts_authenticate(db, &json, carol, SB_TOKEN_ACCESS));
    snprintf(carol_name, sizeof carol_name, "%s", sbj_str(json, "username"));
    CHECK_INT(sbj_int(json, "user_id"), carol_id);
    sb_free(json);
    json = NULL;

    /* a customer gives the narrative and contact only */
    CHECK_ERROR(SB_EFORBIDDEN, "a customer gives the narrative (and their contact details) only",
                sb_ticket_create(db, &json, carol, "{\"narrative\":\"Urgent!\",\"priority\":\"high\"}"));
    CHECK(json == NULL);
    CHECK_RC(SB_EINVALID, sb_ticket_create(db, &json, carol, "{\"narrative\":42}"));
    CHECK_STR(sb_last_error_field(), "narrative");
    CHECK_RC(SB_EINVALID, sb_ticket_create(db, &json, carol, "{\"colour\":\"red\"}"));
    CHECK_STR(sb_last_error_field(), "colour");
    CHECK_RC(SB_EINVALID, sb_ticket_create(db, &json, carol, NULL));
    CHECK_STR(sb_last_error_field(), "fields_json");

    REQUIRE_OK(sb_ticket_create(db, &json, carol,
                                "{\"narrative\":\"My invoice for March is wrong\",\"contact\":{\"first_name\":"
                                "\"Carol\",\"last_name\":\"Customer\",\"phone\":\"+254711000001\"}}"));
    t1 = sbj_int(json, "id");
    CHECK(t1 > 0);
    CHECK_STR(sbj_str(json, "ticket_no"), "TK000001");
    CHECK_STR(sbj_str(json, "status"), "open");
    CHECK_STR(sbj_str(json, "priority"), "medium");
    CHECK_STR(sbj_str(json, "source"), "walkin");
    CHECK_INT(sbj_int(json, "created_by"), carol_id);
    CHECK_INT(sbj_int(json, "assigned_to"), 0);
    CHECK_STR(sbj_str(json, "contact.first_name"), "Carol");
    CHECK_STR(sbj_str(json, "contact.phone"), "+254711000001");
    CHECK(sbj_int(json, "contact_id") > 0);
    sb_free(json);
    json = NULL;

    /* the customer may not set the priority afterwards either */
    CHECK_ERROR(SB_EFORBIDDEN, "a customer may change only the narrative",
                sb_ticket_update(db, &json, carol, t1, "{\"priority\":\"high\"}"));
    CHECK(json == NULL);
    CHECK_RC(SB_EFORBIDDEN, sb_ticket_assign(db, &json, carol, t1, ann_id));

    /* nobody else sees it yet: other customer, unassigned agents */
    CHECK_ERROR(SB_ENOTFOUND, "no ticket 1", sb_ticket_get(db, &json, dave, t1));
    CHECK_STR(sb_last_error_field(), "id");
    CHECK_RC(SB_ENOTFOUND, sb_ticket_get(db, &json, ann, t1));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_get(db, &json, carol, 999999)); /* same answer as a missing one */
    CHECK(json == NULL);

    /* ---- an admin assigns an agent */
    CHECK_RC(SB_EFORBIDDEN, sb_ticket_assign(db, &json, ann, t1, ann_id)); /* agents don't assign */
    CHECK_RC(SB_EINVALID, sb_ticket_assign(db, &json, admin, t1, carol_id)); /* a customer is no agent */
    CHECK_STR(sb_last_error_field(), "assigned_to");
    REQUIRE_OK(sb_ticket_assign(db, &json, admin, t1, ann_id));
    CHECK_INT(sbj_int(json, "assigned_to"), ann_id);
    CHECK_STR(sbj_str(json, "ticket_no"), "TK000001");
    sb_free(json);
    REQUIRE_OK(sb_ticket_get(db, &json, ann, t1));
    CHECK_STR(sbj_str(json, "narrative"), "My invoice for March is wrong");
    sb_free(json);
    json = NULL;
    /* the other agent and the other customer still get "not found" for everything */
    CHECK_RC(SB_ENOTFOUND, sb_ticket_get(db, &json, bob, t1));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_update(db, &json, bob, t1, "{\"status\":\"escalated\"}"));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_message_post(db, &json, bob, t1, "hi"));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_message_list(db, &json, bob, t1));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_history(db, &json, bob, t1));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_close(db, &json, bob, t1));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_update(db, &json, dave, t1, "{\"narrative\":\"mine now\"}"));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_message_post(db, &json, dave, t1, "hi"));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_message_list(db, &json, dave, t1));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_history(db, &json, dave, t1));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_close(db, &json, dave, t1));
    CHECK(json == NULL);
    /* the assigned agent may not reassign */
    snprintf(query, sizeof query, "{\"assigned_to\":%lld}", bob_id);
    CHECK_ERROR(SB_EFORBIDDEN, "only an admin or a supervisor reassigns a ticket",
                sb_ticket_update(db, &json, ann, t1, query));

    /* ---- messages both ways */
    REQUIRE_OK(sb_ticket_message_post(db, &json, carol, t1, "Hello, is there any news on this?"));
    CHECK_INT(sbj_int(json, "ticket_id"), t1);
    CHECK_INT(sbj_int(json, "author_id"), carol_id);
    CHECK_STR(sbj_str(json, "author_role"), "customer");
    sb_free(json);
    REQUIRE_OK(sb_ticket_message_post(db, &json, ann, t1, "  We are correcting the invoice.  "));
    CHECK_STR(sbj_str(json, "body"), "We are correcting the invoice."); /* trimmed */
    CHECK_STR(sbj_str(json, "author"), "ann");
    sb_free(json);
    json = NULL;
    CHECK_ERROR(SB_EINVALID, "the message is empty", sb_ticket_message_post(db, &json, carol, t1, "   "));
    CHECK_STR(sb_last_error_field(), "body");
    CHECK_RC(SB_EINVALID, sb_ticket_message_post(db, &json, carol, t1, NULL));
    CHECK_STR(sb_last_error_field(), "body");
    REQUIRE_OK(sb_ticket_message_list(db, &json, carol, t1));
    CHECK_INT(sbj_len(json, ""), 2);
    CHECK_STR(sbj_str(json, "0.author_role"), "customer");
    CHECK_STR(sbj_str(json, "0.body"), "Hello, is there any news on this?");
    CHECK_STR(sbj_str(json, "1.author_role"), "agent");
    CHECK_INT(sbj_int(json, "1.author_id"), ann_id);
    sb_free(json);
    REQUIRE_OK(sb_ticket_message_list(db, &json, sup, t1)); /* supervisors read every conversation */
    CHECK_INT(sbj_len(json, ""), 2);
    sb_free(json);

    /* the customer may edit the narrative; the agent works the ticket */
    REQUIRE_OK(sb_ticket_update(db, &json, carol, t1, "{\"narrative\":\"My invoice for March is wrong (twice)\"}"));
    CHECK_STR(sbj_str(json, "narrative"), "My invoice for March is wrong (twice)");
    sb_free(json);
    snprintf(query, sizeof query, "{\"category_main\":%lld,\"category_sub\":%lld,\"resolution\":\"Invoice re-issued\"}",
             billing, refunds);
    REQUIRE_OK(sb_ticket_update(db, &json, ann, t1, query));
    CHECK_INT(sbj_int(json, "category_main"), billing);
    CHECK_INT(sbj_int(json, "category_sub"), refunds);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EINVALID, sb_ticket_update(db, &json, ann, t1, "{\"status\":\"pending\"}"));
    CHECK_STR(sb_last_error_field(), "status");

    /* ---- the customer closes it; the conversation is then over */
    REQUIRE_OK(sb_ticket_close(db, &json, carol, t1));
    CHECK_STR(sbj_str(json, "status"), "closed");
    sb_free(json);
    json = NULL;
    CHECK_ERROR(SB_EINVALID, "the ticket is closed", sb_ticket_message_post(db, &json, ann, t1, "One more thing"));
    CHECK_STR(sb_last_error_field(), "status");

    /* ---- history: who changed what */
    REQUIRE_OK(sb_ticket_history(db, &json, carol, t1));
    CHECK(sbj_len(json, "") >= 6);
    CHECK_STR(sbj_str(json, "0.field"), "created");
    CHECK_STR(sbj_str(json, "0.new_value"), "TK000001");
    CHECK_INT(sbj_int(json, "0.user_id"), carol_id);
    CHECK_INT(sbj_int(json, "0.ticket_id"), t1);
    {
        char ann_text[32];
        snprintf(ann_text, sizeof ann_text, "%lld", ann_id);
        CHECK(has_change(json, "assigned_to", ann_text, admin_name));
    }
    CHECK(has_change(json, "narrative", "My invoice for March is wrong (twice)", carol_name));
    CHECK(has_change(json, "resolution", "Invoice re-issued", "ann"));
    CHECK(has_change(json, "status", "closed", carol_name));
    sb_free(json);
    json = NULL;

    /* ---- more tickets, made by staff, for lists, CSV and reports */
    t2 = new_ticket(db, admin, "{\"source\":\"call\",\"priority\":\"high\",\"narrative\":\"Caller reports an outage in Nairobi\"}");
    t3 = new_ticket(db, admin,
                    "{\"source\":\"email\",\"priority\":\"low\",\"narrative\":\"=HYPERLINK(\\\"http://x.example\\\")\"}");
    t4 = new_ticket(db, sup, "{\"source\":\"call\",\"priority\":\"high\",\"status\":\"escalated\",\"narrative\":\"Billing dispute\"}");
    t5 = new_ticket(db, ann, "{\"source\":\"sms\",\"narrative\":\"Thanks for the help\"}"); /* ann becomes the assignee */
    REQUIRE_OK(sb_ticket_get(db, &json, ann, t5));
    CHECK_INT(sbj_int(json, "assigned_to"), ann_id);
    CHECK_STR(sbj_str(json, "ticket_no"), "TK000005");
    sb_free(json);

    /* ---- lists: total, paging, filters, search, and who sees what */
    REQUIRE_OK(sb_ticket_list(db, &json, admin, NULL));
    CHECK_INT(sbj_int(json, "total"), 5);
    CHECK_INT(sbj_len(json, "items"), 5);
    CHECK_INT(sbj_int(json, "items.0.id"), t5); /* newest first */
    CHECK_INT(sbj_int(json, "items.4.id"), t1);
    sb_free(json);
    REQUIRE_OK(sb_ticket_list(db, &json, admin, "{\"count\":2,\"offset\":1}"));
    CHECK_INT(sbj_int(json, "total"), 5);
    CHECK_INT(sbj_len(json, "items"), 2);
    CHECK_INT(sbj_int(json, "items.0.id"), t4);
    CHECK_INT(sbj_int(json, "items.1.id"), t3);
    sb_free(json);
    REQUIRE_OK(sb_ticket_list(db, &json, admin, "{\"filters\":{\"priority\":\"high\"}}"));
    CHECK_INT(sbj_int(json, "total"), 2);
    CHECK_INT(sbj_int(json, "items.0.id"), t4);
    CHECK_INT(sbj_int(json, "items.1.id"), t2);
    sb_free(json);
    REQUIRE_OK(sb_ticket_list(db, &json, admin, "{\"filters\":{\"source\":\"call\"},\"count\":1,\"offset\":1}"));
    CHECK_INT(sbj_int(json, "total"), 2);
    CHECK_INT(sbj_len(json, "items"), 1);
    CHECK_INT(sbj_int(json, "items.0.id"), t2);
    sb_free(json);
    snprintf(query, sizeof query, "{\"filters\":{\"assigned_to\":\"%lld\",\"status\":\"open\"}}", ann_id);
    REQUIRE_OK(sb_ticket_list(db, &json, admin, query));
    CHECK_INT(sbj_int(json, "total"), 1);
    CHECK_INT(sbj_int(json, "items.0.id"), t5);
    sb_free(json);
    REQUIRE_OK(sb_ticket_list(db, &json, admin, "{\"search\":\"outage\"}"));
    CHECK_INT(sbj_int(json, "total"), 1);
    CHECK_INT(sbj_int(json, "items.0.id"), t2);
    sb_free(json);
    REQUIRE_OK(sb_ticket_list(db, &json, admin, "{\"search\":\"news\"}")); /* message text is searched */
    CHECK_INT(sbj_int(json, "total"), 1);
    CHECK_INT(sbj_int(json, "items.0.id"), t1);
    sb_free(json);
    REQUIRE_OK(sb_ticket_list(db, &json, admin, "{\"search\":\"+254711000001\"}")); /* the contact's phone */
    CHECK_INT(sbj_int(json, "total"), 1);
    sb_free(json);
    REQUIRE_OK(sb_ticket_list(db, &json, admin, "{\"filters\":{\"created_on\":\"2001-01-01 to 2001-12-31\"}}"));
    CHECK_INT(sbj_int(json, "total"), 0);
    CHECK_INT(sbj_len(json, "items"), 0);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EINVALID, sb_ticket_list(db, &json, admin, "{\"filters\":{\"colour\":\"red\"}}"));
    CHECK_STR(sb_last_error_field(), "colour");
    CHECK_RC(SB_EINVALID, sb_ticket_list(db, &json, admin, "{\"count\":\"ten\"}"));
    CHECK(json == NULL);
    REQUIRE_OK(sb_ticket_list(db, &json, carol, ""));
    CHECK_INT(sbj_int(json, "total"), 1);
    CHECK_INT(sbj_int(json, "items.0.id"), t1);
    sb_free(json);
    REQUIRE_OK(sb_ticket_list(db, &json, dave, NULL));
    CHECK_INT(sbj_int(json, "total"), 0);
    sb_free(json);
    REQUIRE_OK(sb_ticket_list(db, &json, ann, NULL));
    CHECK_INT(sbj_int(json, "total"), 2); /* t1 and t5 */
    sb_free(json);
    REQUIRE_OK(sb_ticket_list(db, &json, bob, NULL));
    CHECK_INT(sbj_int(json, "total"), 0);
    sb_free(json);
    json = NULL;

    /* ---- CSV through a sink */
    {
        sb_test_csv csv = {NULL, 0, 0, 0, 0};
        char* whole = NULL;
        CHECK_OK(sb_ticket_export_csv(db, sb_test_csv_sink, &csv, admin, NULL));
        CHECK(csv.calls >= 1);
        CHECK(csv.text != NULL && strncmp(csv.text, "id,ticket_no,source,source_id,", 30) == 0);
        CHECK(csv.text != NULL && strstr(csv.text, ",created_on,updated_on\r\n") != NULL);
        CHECK_INT(sb_test_count_lines(csv.text), 6); /* header and 5 tickets */
        /* a formula cell is neutralised with a leading quote */
        CHECK(csv.text != NULL && strstr(csv.text, "\"'=HYPERLINK(\"\"http://x.example\"\")\"") != NULL);
        CHECK(csv.text != NULL && strstr(csv.text, ",=HYPERLINK") == NULL);
        CHECK(csv.text != NULL && strstr(csv.text, "TK000003") != NULL);
        /* the string variant gives the same text */
        REQUIRE_OK(sb_ticket_export_csv_string(db, &whole, admin, NULL));
        CHECK(csv.text != NULL && strcmp(whole, csv.text) == 0);
        sb_free(whole);
        free(csv.text);

        /* the same selection as the list: filters, count and offset */
        memset(&csv, 0, sizeof csv);
        CHECK_OK(sb_ticket_export_csv(db, sb_test_csv_sink, &csv, admin, "{\"filters\":{\"priority\":\"high\"}}"));
        CHECK_INT(sb_test_count_lines(csv.text), 3);
        CHECK(csv.text != NULL && strstr(csv.text, "TK000002") != NULL && strstr(csv.text, "TK000004") != NULL);
        free(csv.text);
        memset(&csv, 0, sizeof csv);
        CHECK_OK(sb_ticket_export_csv(db, sb_test_csv_sink, &csv, admin, "{\"count\":1}"));
        CHECK_INT(sb_test_count_lines(csv.text), 2);
        CHECK(csv.text != NULL && strstr(csv.text, "TK000005") != NULL);
        free(csv.text);
        /* a customer exports their own tickets only */
        memset(&csv, 0, sizeof csv);
        CHECK_OK(sb_ticket_export_csv(db, sb_test_csv_sink, &csv, carol, NULL));
        CHECK_INT(sb_test_count_lines(csv.text), 2);
        CHECK(csv.text != NULL && strstr(csv.text, "TK000001") != NULL && strstr(csv.text, "TK000002") == NULL);
        free(csv.text);

        /* a sink that says stop: SB_ESTOPPED, and nothing more is sent */
        memset(&csv, 0, sizeof csv);
        csv.stop_after = 1;
        csv.stop_code = 7;
        CHECK_ERROR(SB_ESTOPPED, "the sink stopped the export (it returned 7)",
                    sb_ticket_export_csv(db, sb_test_csv_sink, &csv, admin, NULL));
        CHECK_STR(sb_last_error_field(), "sink");
        CHECK_STR(sb_error_name(SB_ESTOPPED), "SB_ESTOPPED");
        CHECK_INT(csv.calls, 1);
        CHECK(csv.text == NULL);
        /* the handle is fine afterwards */
        REQUIRE_OK(sb_ticket_list(db, &json, admin, "{\"count\":1}"));
        CHECK_INT(sbj_int(json, "total"), 5);
        sb_free(json);
        json = NULL;

        CHECK_RC(SB_EINVALID, sb_ticket_export_csv(db, NULL, NULL, admin, NULL));
        CHECK_STR(sb_last_error_field(), "sink");
        CHECK_RC(SB_EUNAUTHORIZED, sb_ticket_export_csv(db, sb_test_csv_sink, &csv, "bad-token", NULL));
        CHECK_RC(SB_EINVALID, sb_ticket_export_csv(db, sb_test_csv_sink, &csv, admin, "{\"filters\":{\"x\":\"1\"}}"));
        CHECK_STR(sb_last_error_field(), "x");
        CHECK_RC(SB_EINVALID, sb_ticket_export_csv_string(db, NULL, admin, NULL));
        CHECK_STR(sb_last_error_field(), "out_csv");
        CHECK_INT(csv.calls, 1); /* none of the refused calls reached the sink */
    }

    /* ---- pivot reports */
    REQUIRE_OK(sb_ticket_report(db, &json, admin, NULL, "priority", NULL));
    CHECK_STR(sbj_str(json, "xaxis.0"), "priority");
    CHECK_INT(sbj_len(json, "yaxis"), 0);
    CHECK_INT(sbj_int(json, "total"), 5);
    CHECK_INT(sbj_len(json, "rows"), 3);
    CHECK_STR(sbj_str(json, "rows.0.keys.0"), "high"); /* ordered by the keys */
    CHECK_INT(sbj_int(json, "rows.0.count"), 2);
    CHECK_INT(pivot_count(json, "low", NULL), 1);
    CHECK_INT(pivot_count(json, "medium", NULL), 2);
    sb_free(json);
    REQUIRE_OK(sb_ticket_report(db, &json, admin, NULL, " source , priority ", ""));
    CHECK_INT(sbj_len(json, "xaxis"), 2);
    CHECK_STR(sbj_str(json, "xaxis.1"), "priority");
    CHECK_INT(pivot_count(json, "call", "high"), 2);
    CHECK_INT(pivot_count(json, "walkin", "medium"), 1);
    CHECK_INT(pivot_count(json, "sms", "medium"), 1);
    CHECK_INT(pivot_count(json, "call", "low"), -1);
    sb_free(json);
    REQUIRE_OK(sb_ticket_report(db, &json, admin, "{\"filters\":{\"source\":\"call\"}}", "status", "priority"));
    CHECK_STR(sbj_str(json, "yaxis.0"), "priority");
    CHECK_INT(sbj_int(json, "total"), 2);
    CHECK_INT(pivot_count(json, "escalated", "high"), 1);
    CHECK_INT(pivot_count(json, "open", "high"), 1);
    sb_free(json);
    REQUIRE_OK(sb_ticket_report(db, &json, admin, NULL, NULL, NULL)); /* no group field: one row, the total */
    CHECK_INT(sbj_len(json, "rows"), 1);
    CHECK_INT(sbj_len(json, "rows.0.keys"), 0);
    CHECK_INT(sbj_int(json, "rows.0.count"), 5);
    sb_free(json);
    REQUIRE_OK(sb_ticket_report(db, &json, carol, NULL, "status", NULL));
    CHECK_INT(sbj_int(json, "total"), 1);
    CHECK_INT(pivot_count(json, "closed", NULL), 1);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EINVALID, sb_ticket_report(db, &json, admin, NULL, "narrative", NULL));
    CHECK(json == NULL);

    /* ---- the users' CSV and report */
    {
        char* csv = NULL;
        REQUIRE_OK(sb_user_export_csv_string(db, &csv, admin, NULL));
        CHECK(strncmp(csv, "id,username,email,", 18) == 0);
        CHECK_INT(sb_test_count_lines(csv), 7); /* owner, sue, ann, bob, carol, dave */
        CHECK(strstr(csv, "carol@mail.example") != NULL);
        CHECK(strstr(csv, "globex") == NULL);
        sb_free(csv);
        csv = NULL;
        CHECK_RC(SB_EFORBIDDEN, sb_user_export_csv_string(db, &csv, ann, NULL));
        CHECK(csv == NULL);
        {
            sb_test_csv sink = {NULL, 0, 0, 0, 0};
            CHECK_OK(sb_user_export_csv(db, sb_test_csv_sink, &sink, sup, "{\"filters\":{\"role\":\"customer\"}}"));
            CHECK_INT(sb_test_count_lines(sink.text), 3);
            free(sink.text);
        }
        REQUIRE_OK(sb_user_report(db, &json, admin, NULL, "role", NULL));
        CHECK_INT(sbj_int(json, "total"), 6);
        CHECK_INT(pivot_count(json, "admin", NULL), 1);
        CHECK_INT(pivot_count(json, "agent", NULL), 2);
        CHECK_INT(pivot_count(json, "customer", NULL), 2);
        CHECK_INT(pivot_count(json, "supervisor", NULL), 1);
        sb_free(json);
        json = NULL;
        CHECK_RC(SB_EFORBIDDEN, sb_user_report(db, &json, carol, NULL, "role", NULL));
    }

    /* ---- another organisation never reaches these tickets */
    CHECK_ERROR(SB_ENOTFOUND, "no ticket 2", sb_ticket_get(db, &json, globex, t2));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_update(db, &json, globex, t2, "{\"priority\":\"low\"}"));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_assign(db, &json, globex, t2, 0));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_close(db, &json, globex, t2));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_history(db, &json, globex, t1));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_message_list(db, &json, globex, t1));
    CHECK_RC(SB_ENOTFOUND, sb_ticket_message_post(db, &json, globex, t2, "hello from elsewhere"));
    CHECK(json == NULL);
    REQUIRE_OK(sb_ticket_list(db, &json, globex, NULL));
    CHECK_INT(sbj_int(json, "total"), 0);
    sb_free(json);
    REQUIRE_OK(sb_ticket_report(db, &json, globex, NULL, NULL, NULL));
    CHECK_INT(sbj_int(json, "total"), 0);
    sb_free(json);
    {
        char* csv = NULL;
        REQUIRE_OK(sb_ticket_export_csv_string(db, &csv, globex, NULL));
        CHECK_INT(sb_test_count_lines(csv), 1); /* the header only */
        sb_free(csv);
    }
    /* its own numbering starts at 1; acme's ticket is unchanged */
    REQUIRE_OK(sb_ticket_create(db, &json, globex, "{\"narrative\":\"Globex's first\"}"));
    CHECK_STR(sbj_str(json, "ticket_no"), "TK000001");
    sb_free(json);
    REQUIRE_OK(sb_ticket_get(db, &json, admin, t2));
    CHECK_STR(sbj_str(json, "priority"), "high");
    sb_free(json);

    /* ---- the activity log names the C functions */
    REQUIRE_OK(sb_activity_list(db, &json, admin, "{\"filters\":{\"endpoint\":\"sb_ticket_*\"},\"count\":1000}"));
    {
        int i, n = sbj_len(json, "items"), created_ok = 0, stopped_ko = 0;
        CHECK(n > 20);
        for (i = 0; i < n; ++i) {
            char p[64], q[64];
            snprintf(p, sizeof p, "items.%d.endpoint", i);
            snprintf(q, sizeof q, "items.%d.ok", i);
            if (strcmp(sbj_str(json, p), "sb_ticket_create") == 0 && sbj_bool(json, q) == 1) ++created_ok;
            if (strcmp(sbj_str(json, p), "sb_ticket_export_csv") == 0 && sbj_bool(json, q) == 0) ++stopped_ko;
        }
        CHECK_INT(created_ok, 5); /* the admin reads the whole organisation's log */
        CHECK(stopped_ko >= 1);
    }
    sb_free(json);

    /* ---- tickets kept in memory between reads (record_cache_bytes): another
     * handle's change (as another process's) is seen within a few tenths of
     * a second; a handle that keeps none reads the file each time. */
    {
        sb_db* other = NULL;
        sb_db* uncached = NULL;
        sb_db_options none = options;
        sb_record_cache_stats before, after, off;
        int tries;
        REQUIRE_OK(sb_db_record_cache_stats(db, &before));
        REQUIRE_OK(sb_ticket_get(db, &json, admin, t1)); /* kept now */
        sb_free(json);
        REQUIRE_OK(sb_ticket_get(db, &json, admin, t1)); /* read from memory */
        sb_free(json);
        REQUIRE_OK(sb_db_record_cache_stats(db, &after));
        CHECK(after.hits >= before.hits + 1);
        CHECK(after.records >= 1 && after.bytes > 0);
        CHECK(after.max_bytes == (uint64_t)128 << 20);
        CHECK_RC(SB_EINVALID, sb_db_record_cache_stats(db, NULL));
        CHECK_RC(SB_EINVALID, sb_db_record_cache_stats(NULL, &off));
        REQUIRE_OK(sb_db_open(&other, path, &options));
        none.record_cache_bytes = -1;
        REQUIRE_OK(sb_db_open(&uncached, path, &none));
        REQUIRE_OK(sb_ticket_update(other, &json, admin, t1, "{\"resolution\":\"refunded by the other handle\"}"));
        sb_free(json);
        REQUIRE_OK(sb_ticket_get(uncached, &json, admin, t1));
        CHECK_STR(sbj_str(json, "resolution"), "refunded by the other handle");
        sb_free(json);
        REQUIRE_OK(sb_db_record_cache_stats(uncached, &off));
        CHECK(off.hits == 0 && off.records == 0 && off.max_bytes == 0);
        for (tries = 0; tries < 150; ++tries) {
            struct timespec pause = {0, 20 * 1000 * 1000};
            int seen;
            REQUIRE_OK(sb_ticket_get(db, &json, admin, t1));
            seen = strcmp(sbj_str(json, "resolution"), "refunded by the other handle") == 0;
            sb_free(json);
            if (seen) break;
            nanosleep(&pause, NULL);
        }
        CHECK(tries < 150);
        CHECK_OK(sb_db_close(uncached));
        CHECK_OK(sb_db_close(other));
    }

    CHECK_OK(sb_db_close(db));
    {
        char files[400];
        snprintf(files, sizeof files, "%s/files", sb_test_dir);
        sb_test_remove_tree(files);
    }
    sb_test_cleanup();
    return sb_test_finish("test_cases");
}
