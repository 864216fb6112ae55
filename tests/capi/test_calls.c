/* Files, calls, recordings, QA scorecards and statistics through the C API,
 * and the files options of sb_db_options (the versions themselves are
 * test_options.c's). */
#include "test_util.h"

#define T0 1700000000000LL /* 2023-11-14T22:13:20Z: calls start here */

/* Uploads `len` bytes and returns the file id. */
static long long upload(sb_db* db, const char* token, const char* name, const unsigned char* data, size_t len) {
    char* json = NULL;
    long long id;
    REQUIRE_OK(sb_file_upload(db, &json, token, name, "audio/wav", data, len));
    id = sbj_int(json, "id");
    CHECK(id > 0);
    sb_free(json);
    return id;
}

static long long pivot_count(const char* report, const char* k1) {
    int i, n = sbj_len(report, "rows");
    for (i = 0; i < n; ++i) {
        char p[64], c[64];
        snprintf(p, sizeof p, "rows.%d.keys.0", i);
        snprintf(c, sizeof c, "rows.%d.count", i);
        if (strcmp(sbj_str(report, p), k1) == 0) return sbj_int(report, c);
    }
    return -1;
}

/* The files options: a database in memory, without and with a files
 * directory, the default directory beside a database file, and values that
 * are refused. */
static void options_checks(void) {
    sb_db_options o;
    sb_db* db = NULL;
    char* json = NULL;
    char token[64], dir[400];
    unsigned char bytes[16];

    memset(bytes, 0xab, sizeof bytes);

    CHECK_OK(sb_db_options_init(&o, SB_DB_OPTIONS_VERSION));
    CHECK(o.files_dir == NULL);
    CHECK_INT(o.max_file_bytes, 0);

    /* ":memory:" without files_dir: file calls say so, after the token check */
    o = sb_test_options();
    REQUIRE_OK(sb_db_open(&db, ":memory:", &o));
    sb_test_new_org(db, "Memory Helpline", "owner@memory.example", "+254700000009", token);
    CHECK_RC(SB_EUNAUTHORIZED, sb_file_list(db, &json, "no-such-token", NULL));
    CHECK_ERROR(SB_EINVALID, "this database has no files directory: open it with sb_db_options.files_dir set",
                sb_file_upload(db, &json, token, "a.wav", NULL, bytes, sizeof bytes));
    CHECK_STR(sb_last_error_field(), "files_dir");
    CHECK(json == NULL);
    CHECK_RC(SB_EINVALID, sb_file_list(db, &json, token, NULL));
    CHECK_STR(sb_last_error_field(), "files_dir");
    CHECK_RC(SB_EINVALID, sb_file_info(db, &json, token, 1));
    CHECK_STR(sb_last_error_field(), "files_dir");
    /* the rest of the handle works */
    REQUIRE_OK(sb_ticket_create(db, &json, token, "{\"narrative\":\"in memory\"}"));
    sb_free(json);
    CHECK_OK(sb_db_close(db));
    db = NULL;

    /* ":memory:" with files_dir and a small max_file_bytes */
    snprintf(dir, sizeof dir, "%s/memory-files", sb_test_dir);
    o = sb_test_options();
    o.files_dir = dir;
    o.max_file_bytes = 8;
    REQUIRE_OK(sb_db_open(&db, ":memory:", &o));
    CHECK(!sb_test_is_dir(dir)); /* made on first use, not at open */
    sb_test_new_org(db, "Memory Helpline", "owner@memory.example", "+254700000009", token);
    CHECK_ERROR(SB_ETOOLARGE, "the file is over the limit of 8 bytes",
                sb_file_upload(db, &json, token, "big.wav", NULL, bytes, sizeof bytes));
    CHECK_STR(sb_last_error_field(), "file");
    REQUIRE_OK(sb_file_upload(db, &json, token, "small.bin", NULL, bytes, 8));
    CHECK_STR(sbj_str(json, "mime"), "application/octet-stream");
    CHECK_INT(sbj_int(json, "size"), 8);
    sb_free(json);
    CHECK(sb_test_is_dir(dir));
    CHECK_OK(sb_db_close(db));
    db = NULL;
    sb_test_remove_tree(dir);

    o = sb_test_options();
    o.max_file_bytes = -1;
    CHECK_RC(SB_EINVALID, sb_db_open(&db, ":memory:", &o));
    CHECK_STR(sb_last_error_field(), "max_file_bytes");
    CHECK(db == NULL);

    /* the default files directory: next to the database file */
    {
        char path1[400];
        snprintf(path1, sizeof path1, "%s/default-files.db", sb_test_dir);
        o = sb_test_options();
        REQUIRE_OK(sb_db_open(&db, path1, &o));
        sb_test_new_org(db, "Default Files", "owner@files.example", "+254700000008", token);
        REQUIRE_OK(sb_file_upload(db, &json, token, "default.bin", NULL, bytes, sizeof bytes));
        sb_free(json);
        CHECK_OK(sb_db_close(db));
        db = NULL;
        snprintf(dir, sizeof dir, "%s/files", sb_test_dir);
        CHECK(sb_test_is_dir(dir));
        sb_test_remove_tree(dir);
        snprintf(dir, sizeof dir, "%s/default-files.db", sb_test_dir);
        unlink(dir);
        snprintf(dir, sizeof dir, "%s/default-files.db-wal", sb_test_dir);
        unlink(dir);
        snprintf(dir, sizeof dir, "%s/default-files.db-shm", sb_test_dir);
        unlink(dir);
        snprintf(dir, sizeof dir, "%s/default-files.db.key", sb_test_dir);
        unlink(dir);
    }
}

int main(void) {
    const char* path = sb_test_temp_db("calls");
    sb_db_options options = sb_test_options();
    sb_db* db = NULL;
    char *json = NULL, *csv = NULL;
    char admin[64], sup[64], ann[64], bob[64], carol[64], globex[64], fields[1024], files_dir[400];
    long long acme_org, ann_id, bob_id, c1, c2, c3, globex_call, wav, photo, qa;
    unsigned char audio[3000];
    void* data = NULL;
    size_t len = 0, i;

    for (i = 0; i < sizeof audio; ++i) audio[i] = (unsigned char)((i * 37 + 11) & 0xff); /* NUL bytes too */

    options_checks();

    REQUIRE_OK(sb_db_open(&db, path, &options));
    acme_org = sb_test_new_org(db, "Acme Helpline", "owner@acme.example", "+254700000001", admin);
    sb_test_new_org(db, "Globex Care", "owner@globex.example", "+254700000002", globex);
    sb_test_new_staff(db, admin, "sue", "supervisor", "Super-Visor-Pass-3", sup);
    ann_id = sb_test_new_staff(db, admin, "ann", "agent", "Agent-Password-7", ann);
    bob_id = sb_test_new_staff(db, admin, "bob", "agent", "Agent-Password-8", bob);
    sb_test_new_customer(db, acme_org, "carol@mail.example", "Carol", carol);

    /* ---- files: upload, info, read back, list */
    REQUIRE_OK(sb_file_upload(db, &json, ann, "call-0001.wav", "audio/wav", audio, sizeof audio));
    wav = sbj_int(json, "id");
    CHECK(wav > 0);
    CHECK_STR(sbj_str(json, "name"), "call-0001.wav");
    CHECK_STR(sbj_str(json, "mime"), "audio/wav");
    CHECK_INT(sbj_int(json, "size"), sizeof audio);
    CHECK_INT(strlen(sbj_str(json, "sha256")), 64);
    CHECK_INT(sbj_int(json, "uploaded_by"), ann_id);
    sb_free(json);
    snprintf(files_dir, sizeof files_dir, "%s/files", sb_test_dir);
    CHECK(sb_test_is_dir(files_dir));

    REQUIRE_OK(sb_file_read(db, &data, &len, ann, wav));
    CHECK_INT(len, sizeof audio);
    CHECK(data != NULL && memcmp(data, audio, sizeof audio) == 0);
    sb_free(data);
    data = NULL;
    /* a part of it: fewer bytes at the end, none from the end on */
    REQUIRE_OK(sb_file_read_range(db, &data, &len, ann, wav, 1000, 16));
    CHECK_INT(len, 16);
    CHECK(data != NULL && memcmp(data, audio + 1000, 16) == 0);
    sb_free(data);
    REQUIRE_OK(sb_file_read_range(db, &data, &len, ann, wav, sizeof audio - 5, 100));
    CHECK_INT(len, 5);
    CHECK(data != NULL && memcmp(data, audio + sizeof audio - 5, 5) == 0);
    sb_free(data);
    REQUIRE_OK(sb_file_read_range(db, &data, &len, ann, wav, sizeof audio, 100));
    CHECK_INT(len, 0);
    CHECK(data != NULL); /* empty, not NULL */
    sb_free(data);
    data = NULL;
    {
        char want[80];
        snprintf(want, sizeof want, "the offset 3001 is not in file %lld (3000 bytes)", (long long)wav);
        CHECK_ERROR(SB_EINVALID, want, sb_file_read_range(db, &data, &len, ann, wav, sizeof audio + 1, 1));
    }
    CHECK_STR(sb_last_error_field(), "offset");
    CHECK(data == NULL);
    CHECK_INT(len, 0);
    CHECK_RC(SB_EINVALID, sb_file_read_range(db, &data, &len, ann, wav, 0, -1));
    CHECK_STR(sb_last_error_field(), "length");
    REQUIRE_OK(sb_file_info(db, &json, admin, wav));
    CHECK_STR(sbj_str(json, "name"), "call-0001.wav");
    sb_free(json);
    photo = upload(db, carol, "me.png", audio, 100);

    /* names that are empty or look like paths are refused */
    json = NULL;
    CHECK_ERROR(SB_EINVALID, "file name isn't valid: it is empty",
                sb_file_upload(db, &json, ann, "", "audio/wav", audio, 10));
    CHECK_STR(sb_last_error_field(), "name");
    CHECK_ERROR(SB_EINVALID, "file name isn't valid: it contains \"..\"",
                sb_file_upload(db, &json, ann, "../../etc/passwd", NULL, audio, 10));
    CHECK_STR(sb_last_error_field(), "name");
    CHECK_ERROR(SB_EINVALID, "file name isn't valid: it contains a path separator",
                sb_file_upload(db, &json, ann, "recordings/a.wav", NULL, audio, 10));
    CHECK_RC(SB_EINVALID, sb_file_upload(db, &json, ann, "C:\\temp\\a.wav", NULL, audio, 10));
    CHECK_STR(sb_last_error_field(), "name");
    CHECK_RC(SB_EINVALID, sb_file_upload(db, &json, ann, "..", NULL, audio, 10));
    CHECK_RC(SB_EINVALID, sb_file_upload(db, &json, ann, "line\nbreak.wav", NULL, audio, 10));
    CHECK_RC(SB_EINVALID, sb_file_upload(db, &json, ann, NULL, NULL, audio, 10));
    CHECK_STR(sb_last_error_field(), "name");
    CHECK_ERROR(SB_EINVALID, "the file is empty", sb_file_upload(db, &json, ann, "empty.wav", NULL, NULL, 0));
    CHECK_STR(sb_last_error_field(), "file");
    CHECK_ERROR(SB_EINVALID, "data is NULL", sb_file_upload(db, &json, ann, "x.wav", NULL, NULL, 10));
    CHECK_STR(sb_last_error_field(), "data");
    CHECK(json == NULL);

    /* who sees which file */
    REQUIRE_OK(sb_file_list(db, &json, admin, NULL));
    CHECK_INT(sbj_int(json, "total"), 2);
    CHECK_INT(sbj_int(json, "items.0.id"), photo);
    sb_free(json);
    REQUIRE_OK(sb_file_list(db, &json, sup, "{\"filters\":{\"mime\":\"audio/wav\"}}"));
    CHECK_INT(sbj_int(json, "total"), 2); /* upload() declares audio/wav */
    sb_free(json);
    REQUIRE_OK(sb_file_list(db, &json, carol, NULL));
    CHECK_INT(sbj_int(json, "total"), 1);
    CHECK_STR(sbj_str(json, "items.0.name"), "me.png");
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_ENOTFOUND, sb_file_info(db, &json, carol, wav));
    CHECK_RC(SB_ENOTFOUND, sb_file_read(db, &data, &len, bob, wav));
    CHECK(data == NULL);
    CHECK_INT(len, 0);
    CHECK_RC(SB_ENOTFOUND, sb_file_read(db, &data, &len, globex, wav));
    CHECK_RC(SB_ENOTFOUND, sb_file_read_range(db, &data, &len, globex, wav, 0, 1));
    CHECK(data == NULL);
    CHECK_RC(SB_ENOTFOUND, sb_file_info(db, &json, globex, wav));
    CHECK(json == NULL);
    CHECK_RC(SB_EINVALID, sb_file_read(db, NULL, &len, admin, wav));
    CHECK_STR(sb_last_error_field(), "out_data");
    REQUIRE_OK(sb_file_list(db, &json, globex, NULL));
    CHECK_INT(sbj_int(json, "total"), 0);
    sb_free(json);
    /* the same content is stored once, under its hash, never under the name */
    {
        char again[80];
        REQUIRE_OK(sb_file_upload(db, &json, admin, "copy.wav", "audio/wav", audio, sizeof audio));
        snprintf(again, sizeof again, "%s", sbj_str(json, "sha256"));
        sb_free(json);
        REQUIRE_OK(sb_file_info(db, &json, admin, wav));
        CHECK_STR(sbj_str(json, "sha256"), again);
        sb_free(json);
        json = NULL;
    }

    /* ---- calls */
    snprintf(fields, sizeof fields,
             "{\"direction\":\"inbound\",\"agent_id\":%lld,\"queue\":\"support\",\"caller\":\"+254711000001\","
             "\"start_ms\":%lld,\"answer_ms\":%lld,\"end_ms\":%lld,\"wait_s\":5,\"talk_s\":60,"
             "\"hangup_status\":\"answered\"}",
             ann_id, T0, T0 + 5000, T0 + 65000);
    REQUIRE_OK(sb_call_create(db, &json, admin, fields));
    c1 = sbj_int(json, "id");
    CHECK(c1 > 0);
    CHECK_STR(sbj_str(json, "direction"), "inbound");
    CHECK_INT(sbj_int(json, "agent_id"), ann_id);
    CHECK_INT(sbj_int(json, "talk_s"), 60);
    CHECK_INT(sbj_bool(json, "qa_done"), 0);
    CHECK_INT(sbj_int(json, "recording_file_id"), 0);
    sb_free(json);
    snprintf(fields, sizeof fields,
             "{\"direction\":\"outbound\",\"caller\":\"+254711000002\",\"start_ms\":%lld,\"end_ms\":%lld,"
             "\"hangup_status\":\"busy\"}",
             T0 + 100000, T0 + 110000);
    REQUIRE_OK(sb_call_create(db, &json, ann, fields)); /* an agent records their own call */
    c2 = sbj_int(json, "id");
    CHECK_INT(sbj_int(json, "agent_id"), ann_id);
    sb_free(json);
    snprintf(fields, sizeof fields,
             "{\"queue\":\"sales\",\"caller\":\"+254711000003\",\"start_ms\":%lld,\"wait_s\":40,"
             "\"hangup_status\":\"abandoned\"}",
             T0 + 200000);
    REQUIRE_OK(sb_call_create(db, &json, sup, fields));
    c3 = sbj_int(json, "id");
    CHECK_INT(sbj_int(json, "agent_id"), 0);
    sb_free(json);
    REQUIRE_OK(sb_call_create(db, &json, globex, "{\"caller\":\"+254722000000\"}"));
    globex_call = sbj_int(json, "id");
    sb_free(json);
    json = NULL;

    snprintf(fields, sizeof fields, "{\"agent_id\":%lld}", bob_id);
    CHECK_ERROR(SB_EFORBIDDEN, "an agent records only their own calls", sb_call_create(db, &json, ann, fields));
    CHECK_RC(SB_EFORBIDDEN, sb_call_create(db, &json, carol, "{}"));
    CHECK_RC(SB_EFORBIDDEN, sb_call_list(db, &json, carol, NULL));
    CHECK_RC(SB_EINVALID, sb_call_create(db, &json, admin, "{\"direction\":\"sideways\"}"));
    CHECK_STR(sb_last_error_field(), "direction");
    CHECK_RC(SB_EINVALID, sb_call_create(db, &json, admin, "{\"wait_s\":\"long\"}"));
    CHECK_STR(sb_last_error_field(), "wait_s");
    CHECK(json == NULL);

    REQUIRE_OK(sb_call_get(db, &json, ann, c1));
    CHECK_STR(sbj_str(json, "caller"), "+254711000001");
    sb_free(json);
    json = NULL;
    CHECK_ERROR(SB_ENOTFOUND, "no call 3", sb_call_get(db, &json, ann, c3)); /* not ann's */
    CHECK_RC(SB_ENOTFOUND, sb_call_get(db, &json, bob, c1));
    CHECK_RC(SB_ENOTFOUND, sb_call_get(db, &json, globex, c1));
    CHECK_RC(SB_ENOTFOUND, sb_call_get(db, &json, admin, globex_call));
    CHECK(json == NULL);

    REQUIRE_OK(sb_call_list(db, &json, admin, NULL));
    CHECK_INT(sbj_int(json, "total"), 3);
    CHECK_INT(sbj_int(json, "items.0.id"), c3);
    sb_free(json);
    REQUIRE_OK(sb_call_list(db, &json, sup, "{\"filters\":{\"direction\":\"inbound\"}}"));
    CHECK_INT(sbj_int(json, "total"), 2);
    sb_free(json);
    REQUIRE_OK(sb_call_list(db, &json, admin, "{\"filters\":{\"direction\":\"outbound\"}}"));
    CHECK_INT(sbj_int(json, "total"), 1);
    CHECK_INT(sbj_int(json, "items.0.id"), c2);
    sb_free(json);
    REQUIRE_OK(sb_call_list(db, &json, ann, NULL));
    CHECK_INT(sbj_int(json, "total"), 2);
    sb_free(json);
    REQUIRE_OK(sb_call_list(db, &json, admin, "{\"count\":1,\"offset\":2}"));
    CHECK_INT(sbj_int(json, "total"), 3);
    CHECK_INT(sbj_len(json, "items"), 1);
    CHECK_INT(sbj_int(json, "items.0.id"), c1);
    sb_free(json);

    /* ---- recordings */
    CHECK_ERROR(SB_ENOTFOUND, "call 1 has no recording", sb_call_recording(db, &json, admin, c1));
    CHECK_STR(sb_last_error_field(), "file");
    CHECK_RC(SB_EINVALID, sb_call_attach_recording(db, &json, admin, c1, 999999));
    CHECK_STR(sb_last_error_field(), "file_id");
    CHECK_RC(SB_EINVALID, sb_call_attach_recording(db, &json, globex, c1, wav)); /* not globex's file */
    CHECK_STR(sb_last_error_field(), "file_id");
    CHECK(json == NULL);
    REQUIRE_OK(sb_call_attach_recording(db, &json, ann, c1, wav));
    CHECK_INT(sbj_int(json, "recording_file_id"), wav);
    sb_free(json);
    REQUIRE_OK(sb_call_recording(db, &json, sup, c1));
    CHECK_INT(sbj_int(json, "id"), wav);
    CHECK_STR(sbj_str(json, "name"), "call-0001.wav");
    CHECK_INT(sbj_int(json, "size"), sizeof audio);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_ENOTFOUND, sb_call_recording(db, &json, globex, c1));

    /* ---- QA */
    CHECK_ERROR(SB_EINVALID, "listening must be a score from 1 to 5",
                sb_qa_create(db, &json, sup,
                             "{\"call_id\":1,\"opening\":4,\"holding\":4,\"politeness\":5,\"enthusiasm\":4,"
                             "\"personalization\":3,\"troubleshooting\":4,\"listening\":6,\"accuracy\":4,"
                             "\"resolution\":4}"));
    CHECK_STR(sb_last_error_field(), "listening");
    CHECK(json == NULL);
    CHECK_RC(SB_EINVALID, sb_qa_create(db, &json, sup,
                                       "{\"call_id\":1,\"opening\":0,\"holding\":4,\"politeness\":5,\"enthusiasm\":4,"
                                       "\"personalization\":3,\"troubleshooting\":4,\"listening\":4,\"accuracy\":4,"
                                       "\"resolution\":4}"));
    CHECK_STR(sb_last_error_field(), "opening");
    CHECK_RC(SB_EINVALID, sb_qa_create(db, &json, sup, "{\"call_id\":1,\"opening\":4}"));
    CHECK_STR(sb_last_error_field(), "holding"); /* every score is required */
    REQUIRE_OK(sb_call_get(db, &json, admin, c1)); /* refusals left the call alone */
    CHECK_INT(sbj_bool(json, "qa_done"), 0);
    sb_free(json);
    json = NULL;
    snprintf(fields, sizeof fields,
             "{\"call_id\":%lld,\"opening\":4,\"holding\":4,\"politeness\":5,\"enthusiasm\":4,"
             "\"personalization\":3,\"troubleshooting\":4,\"listening\":5,\"accuracy\":4,\"resolution\":4,"
             "\"comments\":\"Good call\",\"recommendations\":\"-Greet by name\"}",
             c1);
    CHECK_RC(SB_EFORBIDDEN, sb_qa_create(db, &json, ann, fields)); /* agents don't score */
    REQUIRE_OK(sb_qa_create(db, &json, sup, fields));
    qa = sbj_int(json, "id");
    CHECK(qa > 0);
    CHECK_INT(sbj_int(json, "call_id"), c1);
    CHECK_INT(sbj_int(json, "listening"), 5);
    CHECK_INT(sbj_int(json, "call_agent_id"), ann_id);
    CHECK_STR(sbj_str(json, "call_direction"), "inbound");
    CHECK_STR(sbj_str(json, "reviewer"), "sue");
    sb_free(json);
    REQUIRE_OK(sb_call_get(db, &json, admin, c1));
    CHECK_INT(sbj_bool(json, "qa_done"), 1);
    sb_free(json);
    snprintf(fields, sizeof fields,
             "{\"call_id\":%lld,\"opening\":2,\"holding\":2,\"politeness\":3,\"enthusiasm\":2,"
             "\"personalization\":2,\"troubleshooting\":2,\"listening\":3,\"accuracy\":2,\"resolution\":1}",
             c3);
    REQUIRE_OK(sb_qa_create(db, &json, admin, fields));
    CHECK_INT(sbj_int(json, "call_agent_id"), 0);
    sb_free(json);
    json = NULL;
    /* a call of another organisation is not found */
    snprintf(fields, sizeof fields,
             "{\"call_id\":%lld,\"opening\":4,\"holding\":4,\"politeness\":5,\"enthusiasm\":4,"
             "\"personalization\":3,\"troubleshooting\":4,\"listening\":5,\"accuracy\":4,\"resolution\":4}",
             globex_call);
    CHECK_RC(SB_ENOTFOUND, sb_qa_create(db, &json, admin, fields));
    CHECK_STR(sb_last_error_field(), "call_id");

    REQUIRE_OK(sb_qa_get(db, &json, ann, qa)); /* the scorecard of ann's own call */
    CHECK_STR(sbj_str(json, "comments"), "Good call");
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_ENOTFOUND, sb_qa_get(db, &json, bob, qa));
    CHECK_RC(SB_ENOTFOUND, sb_qa_get(db, &json, globex, qa));
    REQUIRE_OK(sb_qa_list(db, &json, admin, NULL));
    CHECK_INT(sbj_int(json, "total"), 2);
    sb_free(json);
    REQUIRE_OK(sb_qa_list(db, &json, admin, "{\"filters\":{\"listening\":\"5\"}}"));
    CHECK_INT(sbj_int(json, "total"), 1);
    CHECK_INT(sbj_int(json, "items.0.id"), qa);
    sb_free(json);
    REQUIRE_OK(sb_qa_list(db, &json, ann, NULL));
    CHECK_INT(sbj_int(json, "total"), 1);
    sb_free(json);
    REQUIRE_OK(sb_qa_list(db, &json, bob, NULL));
    CHECK_INT(sbj_int(json, "total"), 0);
    sb_free(json);

    REQUIRE_OK(sb_qa_export_csv_string(db, &csv, admin, NULL));
    CHECK(strncmp(csv, "id,call_id,call_agent_id,call_direction,opening,", 48) == 0);
    CHECK_INT(sb_test_count_lines(csv), 3);
    CHECK(strstr(csv, "\"'-Greet by name\"") != NULL); /* neutralised */
    sb_free(csv);
    {
        sb_test_csv sink = {NULL, 0, 0, 0, 0};
        CHECK_OK(sb_qa_export_csv(db, sb_test_csv_sink, &sink, ann, NULL));
        CHECK_INT(sb_test_count_lines(sink.text), 2);
        free(sink.text);
        memset(&sink, 0, sizeof sink);
        sink.stop_after = 1;
        sink.stop_code = -1;
        CHECK_ERROR(SB_ESTOPPED, "the sink stopped the export (it returned -1)",
                    sb_qa_export_csv(db, sb_test_csv_sink, &sink, admin, NULL));
    }
    REQUIRE_OK(sb_qa_report(db, &json, admin, NULL, "listening", NULL));
    CHECK_INT(sbj_int(json, "total"), 2);
    CHECK_INT(pivot_count(json, "3"), 1);
    CHECK_INT(pivot_count(json, "5"), 1);
    sb_free(json);
    snprintf(fields, sizeof fields, "%lld", ann_id);
    REQUIRE_OK(sb_qa_report(db, &json, admin, NULL, "call_agent_id", ""));
    CHECK_INT(pivot_count(json, fields), 1);
    sb_free(json);

    /* ---- calls: CSV and report */
    {
        sb_test_csv sink = {NULL, 0, 0, 0, 0};
        CHECK_OK(sb_call_export_csv(db, sb_test_csv_sink, &sink, admin, NULL));
        CHECK(sink.text != NULL && strncmp(sink.text, "id,direction,agent_id,queue,caller,", 35) == 0);
        CHECK_INT(sb_test_count_lines(sink.text), 4);
        CHECK(sink.text != NULL && strstr(sink.text, "\"'+254711000001\"") != NULL); /* '+' is a formula start */
        free(sink.text);
        memset(&sink, 0, sizeof sink);
        CHECK_OK(sb_call_export_csv(db, sb_test_csv_sink, &sink, ann, "{\"filters\":{\"direction\":\"outbound\"}}"));
        CHECK_INT(sb_test_count_lines(sink.text), 2);
        free(sink.text);
    }
    REQUIRE_OK(sb_call_export_csv_string(db, &csv, globex, NULL));
    CHECK_INT(sb_test_count_lines(csv), 2); /* its own one call */
    CHECK(strstr(csv, "+254711") == NULL);
    sb_free(csv);
    REQUIRE_OK(sb_call_report(db, &json, admin, NULL, "direction", "hangup_status"));
    CHECK_INT(sbj_int(json, "total"), 3);
    CHECK_INT(sbj_len(json, "rows"), 3);
    CHECK_STR(sbj_str(json, "rows.0.keys.0"), "inbound");
    CHECK_STR(sbj_str(json, "rows.0.keys.1"), "abandoned");
    CHECK_STR(sbj_str(json, "rows.2.keys.0"), "outbound");
    CHECK_STR(sbj_str(json, "rows.2.keys.1"), "busy");
    sb_free(json);
    REQUIRE_OK(sb_call_report(db, &json, admin, NULL, "qa_done", NULL));
    CHECK_INT(pivot_count(json, "1"), 2);
    CHECK_INT(pivot_count(json, "0"), 1);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EINVALID, sb_call_report(db, &json, admin, NULL, "caller", NULL));

    /* ---- statistics */
    REQUIRE_OK(sb_ticket_create(db, &json, admin, "{\"source\":\"call\",\"narrative\":\"from a call\"}"));
    sb_free(json);
    REQUIRE_OK(sb_calls_stats(db, &json, sup, 0, 0));
    CHECK_INT(sbj_int(json, "inbound_calls"), 2);
    CHECK_INT(sbj_int(json, "outbound_calls"), 1);
    CHECK_INT(sbj_int(json, "tickets"), 1);
    CHECK_INT(sbj_int(json, "emails"), 0);
    CHECK_INT(sbj_int(json, "sms"), 0);
    sb_free(json);
    REQUIRE_OK(sb_calls_stats(db, &json, admin, T0, T0 + 150000)); /* c1 and c2 started in it; the ticket is newer */
    CHECK_INT(sbj_int(json, "from_ms"), T0);
    CHECK_INT(sbj_int(json, "to_ms"), T0 + 150000);
    CHECK_INT(sbj_int(json, "inbound_calls"), 1);
    CHECK_INT(sbj_int(json, "outbound_calls"), 1);
    CHECK_INT(sbj_int(json, "tickets"), 0);
    sb_free(json);
    REQUIRE_OK(sb_calls_stats(db, &json, globex, 0, 0));
    CHECK_INT(sbj_int(json, "inbound_calls"), 1);
    CHECK_INT(sbj_int(json, "outbound_calls"), 0);
    CHECK_INT(sbj_int(json, "tickets"), 0);
    sb_free(json);
    json = NULL;
    CHECK_RC(SB_EFORBIDDEN, sb_calls_stats(db, &json, ann, 0, 0));
    CHECK_ERROR(SB_EINVALID, "the range ends before it starts", sb_calls_stats(db, &json, admin, T0, T0 - 1));
    CHECK_RC(SB_EINVALID, sb_calls_stats(db, &json, admin, -5, 0));
    CHECK(json == NULL);

    /* ---- the activity log names the C functions */
    REQUIRE_OK(sb_activity_list(db, &json, admin, "{\"filters\":{\"endpoint\":\"sb_qa_create\",\"status\":\"KO\"}}"));
    CHECK(sbj_int(json, "total") >= 4);
    sb_free(json);
    REQUIRE_OK(sb_activity_list(db, &json, admin, "{\"filters\":{\"endpoint\":\"sb_file_upload\",\"status\":\"OK\"}}"));
    CHECK_INT(sbj_int(json, "total"), 3);
    sb_free(json);

    CHECK_OK(sb_db_close(db));
    sb_test_remove_tree(files_dir);
    sb_test_cleanup();
    return sb_test_finish("test_calls");
}
