/* Calls with speech-to-text through the C API: a LibriVox clip of Debian's
 * pocketsphinx-testdata analysed here and now (typed words and events, the
 * report as JSON, the redacted recording written), and a call recorded as
 * an interaction with its report, on a handle whose sb_db_options (version
 * 5) asks for PocketSphinx. */
#include "test_util.h"

#define CLIP "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav"

static char* read_all(const char* path, size_t* len) {
    FILE* f = fopen(path, "rb");
    char* data;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = (char*)malloc((size_t)n);
    *len = fread(data, 1, (size_t)n, f);
    fclose(f);
    return data;
}

int main(void) {
    const char* path = sb_test_temp_db("speech");
    sb_db_options options = sb_test_options();
    sb_db* db = NULL;
    sb_spoken_call* call = NULL;
    sb_word w;
    sb_call_event e;
    char *json = NULL, *report = NULL, *clip = NULL;
    char admin[64], dev[64], ricket[64], redacted[400];
    size_t i, n, clip_len = 0;
    int found_man = 0;

    /* ---- a recording analysed here and now */
    snprintf(redacted, sizeof redacted, "%s/redacted.wav", sb_test_dir);
    {
        char opts[600];
        snprintf(opts, sizeof opts, "{\"preset\": \"balanced\", \"redacted_wav\": \"%s\"}", redacted);
        REQUIRE_OK(sb_call_analyze(&call, CLIP, NULL, opts));
    }
    n = sb_spoken_call_word_count(call);
    CHECK(n >= 5);
    for (i = 0; i < n; ++i) {
        REQUIRE_OK(sb_spoken_call_word(call, i, &w));
        CHECK_INT(w.channel, 0);
        CHECK_STR(w.speaker, "mono");
        CHECK(w.end > w.start && w.confidence >= 0.0 && w.confidence <= 1.0);
        if (strcmp(w.text, "man") == 0) found_man = 1;  /* "he was not an ill disposed young man" */
    }
    CHECK(found_man);
    CHECK_RC(SB_EINVALID, sb_spoken_call_word(call, n, &w));
    CHECK_STR(sb_last_error_field(), "index");
    for (i = 0; i < sb_spoken_call_event_count(call); ++i) {
        REQUIRE_OK(sb_spoken_call_event(call, i, &e));
        CHECK(e.end >= e.start);
        CHECK(e.type[0] != '\0');
        CHECK(e.spotted != NULL && (e.spotted[0] == '\0' || strcmp(e.type, "promise") == 0 || strcmp(e.type, "phrase") == 0));
    }
    REQUIRE_OK(sb_spoken_call_json(call, &json));
    CHECK_STR(sbj_str(json, "transcriber.name"), "pocketsphinx");
    CHECK(sbj_len(json, "words") == (int)n);
    sb_free(json);
    sb_spoken_call_free(call);
    {
        size_t len = 0;
        char* wav = read_all(redacted, &len);
        CHECK(wav != NULL && len > 44 && memcmp(wav, "RIFF", 4) == 0);
        free(wav);
    }
    /* Without speech-to-text: acoustic only, and the report says what was skipped. */
    REQUIRE_OK(sb_call_analyze(&call, CLIP, NULL, "{\"transcribe\": false}"));
    CHECK(sb_spoken_call_word_count(call) == 0);
    REQUIRE_OK(sb_spoken_call_json(call, &json));
    CHECK(strstr(json, "\"detector\":\"transcript\"") != NULL);
    sb_free(json);
    sb_spoken_call_free(call);
    CHECK_RC(SB_EINVALID, sb_call_analyze(&call, CLIP, NULL, "{\"preset\": \"slowest\"}"));
    CHECK(call == NULL);
    CHECK_RC(SB_EINVALID, sb_call_analyze(&call, CLIP, NULL, "{\"colour\": 1}"));
    CHECK_STR(sb_last_error_field(), "colour");

    /* ---- a call recorded as an interaction */
    options.stt = "pocketsphinx";
    options.max_call_seconds = 60;
    REQUIRE_OK(sb_db_open(&db, path, &options));
    sb_test_new_org(db, "Acme", "owner@acme.example", "+254 700 000001", admin);
    sb_test_dev_token(db, admin, "owner@acme.example", "robot", dev);
    clip = read_all(CLIP, &clip_len);
    if (clip == NULL) {
        CHECK(clip != NULL);
        return sb_test_finish("test_speech");
    }
    REQUIRE_OK(sb_call_record(db, &json, dev, clip, clip_len, NULL, 0, "{\"agent_id\": \"A-7\"}"));
    CHECK_STR(sbj_str(json, "kind"), "C");
    CHECK_STR(sbj_str(json, "status"), "pending");
    snprintf(ricket, sizeof ricket, "%s", sbj_str(json, "ricket"));
    CHECK(strlen(ricket) == 20 && ricket[19] == 'C');
    sb_free(json);
    REQUIRE_OK(sb_text_drain(db));
    REQUIRE_OK(sb_text_report(db, &report, dev, ricket));
    CHECK_STR(sbj_str(report, "status"), "ready");
    CHECK_STR(sbj_str(report, "agent_id"), "A-7");
    CHECK_STR(sbj_str(report, "call.transcriber.name"), "pocketsphinx");
    CHECK(sbj_len(report, "call.words") >= 5);
    CHECK(sbj_int(report, "recording_file_id") > 0);
    sb_free(report);

    /* An OpenCHS call's recording through the same pipeline: the call shows its Ricket. */
    {
        long long file_id, call_id;
        char call_ricket[64];
        REQUIRE_OK(sb_file_upload(db, &json, admin, "call.wav", "audio/wav", clip, clip_len));
        file_id = sbj_int(json, "id");
        sb_free(json);
        REQUIRE_OK(sb_call_create(db, &json, admin, "{\"direction\": \"inbound\", \"caller\": \"+254700000009\"}"));
        call_id = sbj_int(json, "id");
        sb_free(json);
        CHECK_RC(SB_EINVALID, sb_call_analyse_recording(db, &json, admin, call_id));
        CHECK_STR(sb_last_error_field(), "recording");
        REQUIRE_OK(sb_call_attach_recording(db, &json, admin, call_id, file_id));
        sb_free(json);
        CHECK_RC(SB_ENOTFOUND, sb_call_analyse_recording(db, &json, admin, call_id + 100));
        REQUIRE_OK(sb_call_analyse_recording(db, &json, admin, call_id));
        CHECK_INT(sbj_int(json, "call_id"), call_id);
        CHECK_STR(sbj_str(json, "client_id"), "+254700000009");
        snprintf(call_ricket, sizeof call_ricket, "%s", sbj_str(json, "ricket"));
        sb_free(json);
        REQUIRE_OK(sb_text_drain(db));
        REQUIRE_OK(sb_call_get(db, &json, admin, call_id));
        CHECK_STR(sbj_str(json, "ricket"), call_ricket);
        sb_free(json);
    }

    /* Refusals: not a WAV, an access token, a bad field; nothing stored. */
    CHECK_RC(SB_EINVALID, sb_call_record(db, &json, dev, "hello", 5, NULL, 0, NULL));
    CHECK(strncmp(sb_last_error(), "binary needs to be in .WAV format", 33) == 0);
    CHECK_STR(sb_last_error_field(), "first_channel");
    CHECK_RC(SB_EUNAUTHORIZED, sb_call_record(db, &json, admin, clip, clip_len, NULL, 0, NULL));
    CHECK_RC(SB_EINVALID, sb_call_record(db, &json, dev, clip, clip_len, NULL, 0, "{\"colour\": \"red\"}"));
    CHECK(json == NULL);
    free(clip);
    sb_db_close(db);

    /* An unknown engine names the option. */
    options.stt = "whisper";
    CHECK_RC(SB_EINVALID, sb_db_open(&db, path, &options));
    CHECK_STR(sb_last_error_field(), "stt");
    sb_test_cleanup();
    return sb_test_finish("test_speech");
}
