/* Text analysis, phrase pools and text interactions through the C API: the
 * store-free analysis with its options, pools edited by an admin (and every
 * refusal), a text recorded with a developer token and its report, the card
 * number masked, and a second organisation that never reaches the first
 * one's Ricket. */
#include "test_util.h"

/* The number of findings of `pool` in an analysis at `prefix` ("" or "analysis."). */
static int pool_hits(const char* json, const char* prefix, const char* pool) {
    char path[128];
    int i, n, hits = 0;
    snprintf(path, sizeof path, "%sfindings", prefix);
    n = sbj_len(json, path);
    for (i = 0; i < n; ++i) {
        snprintf(path, sizeof path, "%sfindings.%d.pool", prefix, i);
        if (strcmp(sbj_str(json, path), pool) == 0) ++hits;
    }
    return hits;
}

static int is_ricket(const char* r) {
    size_t i;
    if (strlen(r) != 20 || r[19] != 'T') return 0;
    for (i = 0; i < 19; ++i)
        if (r[i] < '0' || r[i] > '9') return 0;
    return 1;
}

int main(void) {
    const char* path = sb_test_temp_db("text");
    sb_db_options options = sb_test_options();
    sb_db* db = NULL;
    char *json = NULL, *report = NULL;
    char admin[64], sup[64], dev[64], globex[64], globex_dev[64], ricket[64];
    sb_text_options topts = SB_TEXT_OPTIONS_INIT;
    sb_text_options eopts = SB_TEXT_OPTIONS_INIT;
    int n_default;

    /* ---- store-free analysis */
    REQUIRE_OK(sb_text_analyze(&json, "My card is 4539 1488 0343 6467. I will call you back by tomorrow.", NULL));
    CHECK(strstr(json, "4539 1488") == NULL);
    CHECK(strstr(sbj_str(json, "redacted_text"), "6467") != NULL);
    CHECK_STR(sbj_str(json, "pci.0.last4"), "6467");
    CHECK_INT(sbj_len(json, "promises"), 1);
    CHECK_STR(sbj_str(json, "promises.0.time_statement"), "by tomorrow");
    sb_free(json);
    json = NULL;
    /* a card written with dots and one split across a line break; the expiry
     * date next to a card is masked by default, one on its own on request */
    REQUIRE_OK(sb_text_analyze(&json, "Card 4000.0566.5566.5556, expiry 12/27.\nOr 4539 1488\n0343 6467.", NULL));
    CHECK_STR(sbj_str(json, "redacted_text"), "Card ****.****.****.5556, expiry **/**.\nOr **** ****\n**** 6467.");
    CHECK_INT(sbj_len(json, "pci"), 3);
    CHECK_STR(sbj_str(json, "pci.0.text"), "****.****.****.5556");
    CHECK_STR(sbj_str(json, "pci.0.last4"), "5556");
    CHECK_STR(sbj_str(json, "pci.1.kind"), "expiry_date");
    CHECK_STR(sbj_str(json, "pci.1.text"), "**/**");
    CHECK_INT(sbj_bool(json, "pci.1.masked"), 1);
    CHECK_STR(sbj_str(json, "pci.2.text"), "**** ****\n**** 6467");
    CHECK_INT(sbj_int(json, "pci.2.start"), 43);
    CHECK_INT(sbj_int(json, "pci.2.end"), 62);
    sb_free(json);
    json = NULL;
    REQUIRE_OK(sb_text_analyze(&json, "My card expires 12/27.", NULL));
    CHECK_STR(sbj_str(json, "redacted_text"), "My card expires 12/27.");
    CHECK_INT(sbj_bool(json, "pci.0.masked"), 0);
    sb_free(json);
    json = NULL;
    eopts.mask_expiry = 1;
    REQUIRE_OK(sb_text_analyze(&json, "My card expires 12/27.", &eopts));
    CHECK_STR(sbj_str(json, "redacted_text"), "My card expires **/**.");
    CHECK_INT(sbj_bool(json, "pci.0.masked"), 1);
    sb_free(json);
    json = NULL;
    topts.promises = 0;
    topts.speaker = "agent";
    REQUIRE_OK(sb_text_analyze(&json, "I will call you back by tomorrow.", &topts));
    CHECK_INT(sbj_len(json, "promises"), 0);
    sb_free(json);
    json = NULL;
    topts.max_bytes = 4;
    CHECK_RC(SB_ETOOLARGE, sb_text_analyze(&json, "longer than four", &topts));
    CHECK(json == NULL);
    topts.version = 99;
    CHECK_RC(SB_EINVALID, sb_text_analyze(&json, "hello", &topts));
    CHECK_ERROR(SB_EINVALID, "unknown sb_text_options version 7", sb_text_options_init(&topts, 7));
    REQUIRE_OK(sb_text_options_init(&topts, SB_TEXT_OPTIONS_VERSION));
    CHECK_INT(topts.pci, 1);
    CHECK_RC(SB_EINVALID, sb_text_analyze(&json, "   ", NULL));
    CHECK_STR(sb_last_error_field(), "text");
    CHECK_RC(SB_EINVALID, sb_text_analyze(&json, "bad \xC3\x28", NULL));

    /* ---- pools */
    REQUIRE_OK(sb_db_open(&db, path, &options));
    sb_test_new_org(db, "Acme", "owner@acme.example", "+254 700 000001", admin);
    sb_test_new_staff(db, admin, "sue", "supervisor", "Supervisor-Pass-1", sup);
    sb_test_dev_token(db, admin, "owner@acme.example", "robot", dev);
    sb_test_new_org(db, "Globex", "owner@globex.example", "+254 700 000002", globex);
    sb_test_dev_token(db, globex, "owner@globex.example", "gbot", globex_dev);

    REQUIRE_OK(sb_pools_list(db, &json, admin));
    n_default = sbj_len(json, "");
    CHECK(n_default > 100);
    CHECK_STR(sbj_str(json, "0.pool"), "Critical Info");
    CHECK_INT(sbj_bool(json, "0.built_in"), 1);
    sb_free(json);
    json = NULL;
    REQUIRE_OK(sb_pools_list(db, &json, dev));
    CHECK_INT(sbj_len(json, ""), n_default);
    sb_free(json);
    json = NULL;

    REQUIRE_OK(sb_pools_add(db, &json, admin, "Products", "turbo router", 0));
    CHECK_STR(sbj_str(json, "pool"), "Products");
    CHECK_INT(sbj_bool(json, "built_in"), 0);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EINVALID, sb_pools_add(db, &json, admin, "Products", "(unclosed", 1));
    CHECK_STR(sb_last_error_field(), "regex");
    CHECK(strstr(sb_last_error(), "cannot be compiled") != NULL);
    CHECK_RC(SB_EINVALID, sb_pools_add(db, &json, admin, "Products", "Turbo-Router", 0));
    CHECK_STR(sb_last_error_field(), "phrase");
    CHECK_RC(SB_EFORBIDDEN, sb_pools_add(db, &json, sup, "Products", "modem", 0));
    CHECK_RC(SB_EUNAUTHORIZED, sb_pools_add(db, &json, dev, "Products", "modem", 0));
    CHECK(json == NULL);
    REQUIRE_OK(sb_pools_add(db, &json, admin, "Products", "\\bmodel ?[0-9]{3}\\b", 1));
    CHECK_INT(sbj_bool(json, "regex"), 1);
    sb_free(json);
    json = NULL;
    REQUIRE_OK(sb_pools_remove(db, admin, "Products", "\\bmodel ?[0-9]{3}\\b"));
    CHECK_RC(SB_ENOTFOUND, sb_pools_remove(db, admin, "Products", "\\bmodel ?[0-9]{3}\\b"));
    REQUIRE_OK(sb_pools_list(db, &json, sup));
    CHECK_INT(sbj_len(json, ""), n_default + 1);
    sb_free(json);
    json = NULL;

    /* ---- interactions */
    CHECK_RC(SB_EUNAUTHORIZED, sb_text_record(db, &json, admin, "{\"text\":\"hello\"}"));
    CHECK_STR(sb_last_error(), "unauthorized");
    CHECK_RC(SB_EINVALID, sb_text_record(db, &json, dev, "{\"text\":\"\"}"));
    CHECK_STR(sb_last_error_field(), "text");
    CHECK_RC(SB_EINVALID, sb_text_record(db, &json, dev, "{\"department\":\"x\"}"));
    CHECK_RC(SB_EINVALID, sb_text_record(db, &json, dev, "{\"text\":\"hi\",\"colour\":\"red\"}"));
    CHECK_STR(sb_last_error_field(), "colour");
    CHECK(json == NULL);
    REQUIRE_OK(sb_text_record(db, &json, dev,
                              "{\"text\":\"My turbo router is dead. Card 4539 1488 0343 6467. I will send a new one "
                              "within 3 days.\",\"department\":\"Support\",\"ticket_no\":\"TK000007\"}"));
    snprintf(ricket, sizeof ricket, "%s", sbj_str(json, "ricket"));
    CHECK(is_ricket(ricket));
    CHECK_STR(sbj_str(json, "status"), "pending");
    CHECK_STR(sbj_str(json, "created_by"), "robot");
    CHECK(strstr(json, "4539") == NULL);
    sb_free(json);
    json = NULL;
    REQUIRE_OK(sb_text_drain(db));
    REQUIRE_OK(sb_text_report(db, &report, dev, ricket));
    CHECK_STR(sbj_str(report, "status"), "ready");
    CHECK_STR(sbj_str(report, "department"), "Support");
    CHECK_STR(sbj_str(report, "ticket_no"), "TK000007");
    CHECK_INT(pool_hits(report, "analysis.", "Products"), 1);
    CHECK_STR(sbj_str(report, "analysis.pci.0.last4"), "6467");
    CHECK(strstr(report, "4539 1488") == NULL);
    CHECK_INT(sbj_len(report, "analysis.promises"), 1);
    sb_free(report);
    report = NULL;
    REQUIRE_OK(sb_text_report(db, &report, sup, ricket));
    CHECK_STR(sbj_str(report, "ricket"), ricket);
    sb_free(report);
    report = NULL;

    /* another organisation's Ricket and an unknown one answer alike */
    CHECK_RC(SB_ENOTFOUND, sb_text_report(db, &report, globex_dev, ricket));
    CHECK_STR(sb_last_error_field(), "ricket");
    CHECK_RC(SB_ENOTFOUND, sb_text_report(db, &report, globex, ricket));
    CHECK_RC(SB_ENOTFOUND, sb_text_report(db, &report, dev, "2020120211197000019T"));
    CHECK_RC(SB_EUNAUTHORIZED, sb_text_report(db, &report, "0123456789abcdef0123456789abcdef", ricket));
    CHECK(report == NULL);
    /* Globex's pools do not have Acme's product */
    REQUIRE_OK(sb_text_record(db, &json, globex_dev, "{\"text\":\"My turbo router is dead.\"}"));
    snprintf(ricket, sizeof ricket, "%s", sbj_str(json, "ricket"));
    sb_free(json);
    json = NULL;
    REQUIRE_OK(sb_text_drain(db));
    REQUIRE_OK(sb_text_report(db, &report, globex_dev, ricket));
    CHECK_INT(pool_hits(report, "analysis.", "Products"), 0);
    sb_free(report);
    report = NULL;

    REQUIRE_OK(sb_pools_reset(db, admin));
    REQUIRE_OK(sb_pools_list(db, &json, admin));
    CHECK_INT(sbj_len(json, ""), n_default);
    sb_free(json);
    CHECK_RC(SB_EINVALID, sb_pools_reset(NULL, admin));

    REQUIRE_OK(sb_db_close(db));
    sb_test_cleanup();
    return sb_test_finish("test_text");
}
