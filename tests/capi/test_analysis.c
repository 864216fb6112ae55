/* The audio analysis engine through the C API: options, batch analysis of
 * samples and of WAV files (stereo, two mono files, in memory), the result
 * accessors and JSON, streaming with its events, and each bad input's error.
 *
 * The signals are made by code (test_signals.h): harmonic tones with a
 * syllable rhythm stand for the voices, uniform noise for bursts and for the
 * -70 dBFS noise floor. */
#include "test_util.h"

#include <math.h>

#include "test_signals.h"

#define RATE 8000
#define TOL 0.03 /* seconds: span boundaries agree within 30 ms */

/* ------------------------------------------------------------ the planted call
 *
 * 10 s at 8 kHz:
 *   agent  (120 Hz): 0.8-3.0, 5.0-7.0
 *   client (220 Hz): 2.0-4.0, 7.5-8.5; a noise burst 9.2-9.7
 * The client cuts in at 2.0: one interruption, 2.0-3.0. */
static signal agent_of(int rate) {
    signal s = track(10.0, rate, 1);
    voice(&s, 0.8, 3.0, 120, -20, 0);
    voice(&s, 5.0, 7.0, 120, -20, 0);
    return s;
}

static signal client_of(int rate) {
    signal s = track(10.0, rate, 2);
    voice(&s, 2.0, 4.0, 220, -20, 0);
    voice(&s, 7.5, 8.5, 220, -20, 0);
    burst(&s, 9.2, 9.7, -18, 9);
    return s;
}

static const double agent_speech[][2] = {{0.8, 3.0}, {5.0, 7.0}};
static const double agent_silences[][2] = {{0.0, 0.8}, {3.0, 5.0}, {7.0, 10.0}};
static const double client_speech[][2] = {{2.0, 4.0}, {7.5, 8.5}};
static const double client_silences[][2] = {{0.0, 2.0}, {4.0, 7.5}, {8.5, 9.2}};
static const double client_noise[][2] = {{9.2, 9.7}};

/* ------------------------------------------------------------ checks */

static double json_num(const char* json, const char* path) {
    const char* p = sbj_find(json, path);
    return p ? strtod(p, NULL) : NAN;
}

/* The spans of one kind of one channel are `want` (n of them), each
 * boundary within TOL. */
static void check_spans(const sb_analysis* a, int channel, int kind, const double want[][2], size_t n,
                        const char* what) {
    size_t count = 99, i;
    sb_span s;
    CHECK_OK(sb_analysis_span_count(a, &count, channel, kind));
    if (count != n) {
        sb_test_fail(__FILE__, __LINE__, "%s: %zu spans, want %zu", what, count, n);
        for (i = 0; i < count; ++i)
            if (sb_analysis_span(a, &s, channel, kind, i) == SB_OK)
                fprintf(stderr, "  found [%.3f, %.3f]\n", s.start, s.end);
        return;
    }
    for (i = 0; i < n; ++i) {
        CHECK_OK(sb_analysis_span(a, &s, channel, kind, i));
        ++sb_test_checks;
        if (fabs(s.start - want[i][0]) > TOL || fabs(s.end - want[i][1]) > TOL)
            sb_test_fail(__FILE__, __LINE__, "%s %zu: [%.3f, %.3f], want [%.3f, %.3f]", what, i, s.start, s.end,
                         want[i][0], want[i][1]);
    }
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NEAR(got, want, tol) CHECK(fabs((got) - (want)) <= (tol))

/* Everything the planted call should give, through the accessors. */
static void check_planted(const sb_analysis* a, int agent_rate, int client_rate) {
    double d = 0, pitch = 0;
    int n = 0, rate = 0;
    size_t count = 99;
    const char* label = NULL;
    sb_interruption x;
    sb_channel_stats ag = SB_CHANNEL_STATS_INIT, cl = SB_CHANNEL_STATS_INIT;
    sb_call_stats call = SB_CALL_STATS_INIT;

    CHECK_OK(sb_analysis_duration(a, &d));
    NEAR(d, 10.0, 1e-3);
    CHECK_OK(sb_analysis_sample_rate(a, &rate));
    CHECK_INT(rate, agent_rate);
    CHECK_OK(sb_analysis_channel_count(a, &n));
    CHECK_INT(n, 2);
    CHECK_OK(sb_analysis_channel_label(a, &label, 0));
    CHECK_STR(label, "agent");
    CHECK_OK(sb_analysis_channel_label(a, &label, 1));
    CHECK_STR(label, "client");
    CHECK_OK(sb_analysis_channel_sample_rate(a, &rate, 1));
    CHECK_INT(rate, client_rate);

    check_spans(a, 0, SB_KIND_SPEECH, agent_speech, N(agent_speech), "agent speech");
    check_spans(a, 0, SB_KIND_SILENCE, agent_silences, N(agent_silences), "agent silences");
    check_spans(a, 0, SB_KIND_NOISE, NULL, 0, "agent noise");
    check_spans(a, 1, SB_KIND_SPEECH, client_speech, N(client_speech), "client speech");
    check_spans(a, 1, SB_KIND_SILENCE, client_silences, N(client_silences), "client silences");
    check_spans(a, 1, SB_KIND_NOISE, client_noise, N(client_noise), "client noise");

    CHECK_OK(sb_analysis_interruption_count(a, &count));
    CHECK_INT(count, 1);
    CHECK_OK(sb_analysis_interruption(a, &x, 0));
    NEAR(x.start, 2.0, TOL);
    NEAR(x.end, 3.0, TOL);
    CHECK_INT(x.interrupter, 1);

    CHECK_OK(sb_analysis_median_pitch(a, &pitch, 0));
    NEAR(pitch, 120.0, 120.0 * 0.02);
    CHECK_OK(sb_analysis_median_pitch(a, &pitch, 1));
    NEAR(pitch, 220.0, 220.0 * 0.02);
    CHECK_OK(sb_analysis_escalation_count(a, &count, 0));
    CHECK_INT(count, 0);
    CHECK_OK(sb_analysis_escalation_count(a, &count, 1));
    CHECK_INT(count, 0);
    CHECK_OK(sb_analysis_skipped_count(a, &count));
    CHECK_INT(count, 0);

    CHECK_OK(sb_analysis_channel_stats(a, &ag, 0));
    CHECK_OK(sb_analysis_channel_stats(a, &cl, 1));
    CHECK_INT(ag.version, SB_CHANNEL_STATS_VERSION);
    NEAR(ag.duration, 10.0, 1e-3);
    NEAR(ag.talk_time, 2.2 + 2.0, 0.08);
    NEAR(ag.silence_time, 0.8 + 2.0 + 3.0, 0.1);
    CHECK_INT(ag.silence_count, 3);
    NEAR(ag.silence_per_minute, ag.silence_time * 6.0, 1e-6);
    CHECK_INT(ag.noise_count, 0);
    CHECK_INT(ag.interruptions_made, 0);
    CHECK_INT(cl.interruptions_made, 1);
    CHECK_INT(cl.noise_count, 1);
    NEAR(cl.noise_time, 0.5, TOL);
    NEAR(ag.median_pitch_hz, 120.0, 120.0 * 0.02);
    NEAR(ag.speech_level_dbfs, -20.0, 2.0);
    CHECK_OK(sb_analysis_call_stats(a, &call));
    NEAR(call.duration, 10.0, 1e-3);
    CHECK_INT(call.interruption_count, 1);
    NEAR(call.interruption_time, 1.0, 0.06);
    NEAR(call.interruptions_per_minute, 6.0, 1e-6);
    NEAR(call.talk_time, ag.talk_time + cl.talk_time, 1e-9);
    NEAR(call.noise_time, cl.noise_time, 1e-9);
    CHECK_INT(call.escalation_count, 0);
}

/* The same spans, exactly, in two results. */
static void check_same_spans(const sb_analysis* a, const sb_analysis* b) {
    int ch, kind;
    for (ch = 0; ch < 2; ++ch)
        for (kind = SB_KIND_SPEECH; kind <= SB_KIND_NOISE; ++kind) {
            size_t na = 0, nb = 1, i;
            CHECK_OK(sb_analysis_span_count(a, &na, ch, kind));
            CHECK_OK(sb_analysis_span_count(b, &nb, ch, kind));
            CHECK_INT(na, nb);
            for (i = 0; i < na && i < nb; ++i) {
                sb_span sa, sbs;
                CHECK_OK(sb_analysis_span(a, &sa, ch, kind, i));
                CHECK_OK(sb_analysis_span(b, &sbs, ch, kind, i));
                CHECK(sa.start == sbs.start && sa.end == sbs.end);
            }
        }
}

/* ------------------------------------------------------------ tests */

static void options_checks(void) {
    sb_analysis_options init = SB_ANALYSIS_OPTIONS_INIT, o;
    memset(&o, 0x5a, sizeof o);
    CHECK_INT(SB_ANALYSIS_OPTIONS_VERSION, 1);
    CHECK_OK(sb_analysis_options_init(&o, SB_ANALYSIS_OPTIONS_VERSION));
    /* the macro and the function agree, field by field */
    CHECK_INT(o.version, 1);
    CHECK(o.silence_relative_db == init.silence_relative_db && o.silence_relative_db == -15.0);
    CHECK(o.silence_floor_dbfs == init.silence_floor_dbfs && o.silence_floor_dbfs == -60.0);
    CHECK_INT(o.use_silence_threshold, 0);
    CHECK_INT(init.use_silence_threshold, 0);
    CHECK(o.silence_threshold_dbfs == init.silence_threshold_dbfs);
    CHECK_INT(o.silence_min_ms, 500);
    CHECK_INT(o.voice, 1);
    CHECK(o.pitch_min_hz == init.pitch_min_hz && o.pitch_max_hz == init.pitch_max_hz);
    CHECK(o.voicing_threshold == init.voicing_threshold);
    CHECK_INT(o.speech_min_voiced_ms, init.speech_min_voiced_ms);
    CHECK_INT(o.speech_hangover_ms, init.speech_hangover_ms);
    CHECK_INT(o.speech_gap_ms, init.speech_gap_ms);
    CHECK_INT(o.noise_min_ms, init.noise_min_ms);
    CHECK_INT(o.interruption_min_ms, 750);
    CHECK(o.escalation_pitch_ratio == 1.2 && init.escalation_pitch_ratio == 1.2);
    CHECK(o.escalation_level_db == init.escalation_level_db);
    CHECK_INT(o.escalation_min_ms, init.escalation_min_ms);
    CHECK_INT(o.escalation_gap_ms, init.escalation_gap_ms);
    CHECK(o.max_duration_s == 14400.0 && init.max_duration_s == 14400.0);

    CHECK_ERROR(SB_EINVALID, "sb_analysis_options version 2 is not supported (this switchboard knows versions 1 to 1)",
                sb_analysis_options_init(&o, 2));
    CHECK_STR(sb_last_error_field(), "version");
    CHECK_RC(SB_EINVALID, sb_analysis_options_init(NULL, 1));
    CHECK_STR(sb_last_error_field(), "opts");

    CHECK_STR(sb_analysis_kind_name(SB_KIND_SPEECH), "speech");
    CHECK_STR(sb_analysis_kind_name(SB_KIND_SILENCE), "silence");
    CHECK_STR(sb_analysis_kind_name(SB_KIND_NOISE), "noise");
    CHECK_STR(sb_analysis_kind_name(SB_KIND_INTERRUPTION), "interruption");
    CHECK_STR(sb_analysis_kind_name(SB_KIND_ESCALATION), "escalation");
    CHECK_STR(sb_analysis_kind_name(42), "unknown");
}

/* Samples in memory, float and int16; JSON; the accessors' errors. */
static void memory_checks(void) {
    signal agent = agent_of(RATE), client = client_of(RATE);
    float* st = interleave(&agent, &client);
    int16_t* pcm = to_pcm16(st, 2 * agent.n);
    sb_analysis *a = NULL, *b = NULL;
    char* json = NULL;
    sb_span span;
    sb_escalation esc;
    sb_interruption x;
    sb_channel_stats cs = SB_CHANNEL_STATS_INIT;
    sb_call_stats calls = SB_CALL_STATS_INIT;
    const char *det = "x", *why = "x";
    size_t count = 0;

    REQUIRE_OK(sb_analyze_float(&a, st, agent.n, RATE, 2, NULL));
    check_planted(a, RATE, RATE);
    REQUIRE_OK(sb_analyze_pcm16(&b, pcm, agent.n, RATE, 2, NULL));
    check_planted(b, RATE, RATE);

    /* JSON: the names, the same values */
    REQUIRE_OK(sb_analysis_json(a, &json));
    NEAR(json_num(json, "duration"), 10.0, 1e-9);
    CHECK_INT(sbj_int(json, "sample_rate"), RATE);
    CHECK_INT(sbj_int(json, "analysis_rate"), 8000);
    CHECK_INT(sbj_len(json, "channels"), 2);
    CHECK_STR(sbj_str(json, "channels.0.label"), "agent");
    CHECK_STR(sbj_str(json, "channels.1.label"), "client");
    CHECK_INT(sbj_len(json, "channels.0.speech"), 2);
    CHECK_INT(sbj_len(json, "channels.0.silences"), 3);
    CHECK_INT(sbj_len(json, "channels.1.noise"), 1);
    CHECK_INT(sbj_len(json, "channels.1.escalations"), 0);
    NEAR(json_num(json, "channels.1.noise.0.start"), 9.2, TOL);
    NEAR(json_num(json, "channels.0.median_pitch_hz"), 120.0, 2.4);
    CHECK_INT(sbj_int(json, "channels.1.stats.interruptions_made"), 1);
    CHECK_INT(sbj_len(json, "interruptions"), 1);
    CHECK_INT(sbj_int(json, "interruptions.0.interrupter"), 1);
    NEAR(json_num(json, "interruptions.0.start"), 2.0, TOL);
    CHECK_INT(sbj_int(json, "stats.interruption_count"), 1);
    CHECK_INT(sbj_len(json, "skipped"), 0);
    sb_free(json);

    /* accessors refuse what does not exist, naming it, and clear outputs */
    CHECK_ERROR(SB_EINVALID, "no channel 2: the call has 2", sb_analysis_span_count(a, &count, 2, SB_KIND_SPEECH));
    CHECK_STR(sb_last_error_field(), "channel");
    CHECK_INT(count, 0);
    CHECK_RC(SB_EINVALID, sb_analysis_channel_label(a, &det, -1));
    CHECK(det == NULL);
    CHECK_RC(SB_EINVALID, sb_analysis_span_count(a, &count, 0, SB_KIND_ESCALATION));
    CHECK_STR(sb_last_error_field(), "kind");
    CHECK_ERROR(SB_EINVALID, "index 3 is past the end (there are 3)",
                sb_analysis_span(a, &span, 0, SB_KIND_SILENCE, 3));
    CHECK_STR(sb_last_error_field(), "index");
    CHECK(span.start == 0 && span.end == 0);
    CHECK_RC(SB_EINVALID, sb_analysis_escalation(a, &esc, 0, 0));
    CHECK_STR(sb_last_error_field(), "index");
    CHECK_RC(SB_EINVALID, sb_analysis_interruption(a, &x, 1));
    CHECK_RC(SB_EINVALID, sb_analysis_skipped(a, &det, &why, 0));
    CHECK(det == NULL && why == NULL);
    cs.version = 0;
    CHECK_ERROR(SB_EINVALID, "sb_channel_stats version 0 is not supported (this switchboard knows versions 1 to 1)",
                sb_analysis_channel_stats(a, &cs, 0));
    CHECK_STR(sb_last_error_field(), "version");
    calls.version = 7;
    CHECK_RC(SB_EINVALID, sb_analysis_call_stats(a, &calls));
    CHECK_ERROR(SB_EINVALID, "analysis is NULL", sb_analysis_json(NULL, &json));
    CHECK(json == NULL);
    CHECK_RC(SB_EINVALID, sb_analysis_duration(a, NULL));
    CHECK_STR(sb_last_error_field(), "out");
    /* a successful call clears the error state */
    CHECK_OK(sb_analysis_span_count(a, &count, 1, SB_KIND_NOISE));
    CHECK_STR(sb_last_error(), "no error");

    sb_analysis_free(a);
    sb_analysis_free(b);
    sb_analysis_free(NULL);
    free(pcm);
    free(st);
    free(agent.x);
    free(client.x);
}

/* Mono: "mono", interruptions skipped with the reason; the options reach
 * the engine (voice off, a longer silence_min_ms, an absolute threshold);
 * an escalation is found and read. */
static void mono_and_options_checks(void) {
    signal agent = agent_of(RATE);
    signal calm = track(16.0, RATE, 3);
    sb_analysis* a = NULL;
    sb_analysis_options o = SB_ANALYSIS_OPTIONS_INIT;
    const char *label = NULL, *det = NULL, *why = NULL;
    size_t count = 0;
    sb_escalation e;
    sb_channel_stats cs = SB_CHANNEL_STATS_INIT;
    static const double long_silences[][2] = {{7.0, 10.0}};

    REQUIRE_OK(sb_analyze_float(&a, agent.x, agent.n, RATE, 1, NULL));
    CHECK_OK(sb_analysis_channel_label(a, &label, 0));
    CHECK_STR(label, "mono");
    check_spans(a, 0, SB_KIND_SPEECH, agent_speech, N(agent_speech), "mono speech");
    CHECK_OK(sb_analysis_skipped_count(a, &count));
    CHECK_INT(count, 1);
    CHECK_OK(sb_analysis_skipped(a, &det, &why, 0));
    CHECK_STR(det, "interruptions");
    CHECK_STR(why, "needs two channels (agent and client); the recording has one");
    CHECK_OK(sb_analysis_interruption_count(a, &count));
    CHECK_INT(count, 0);
    sb_analysis_free(a);

    /* only the 3 s silence is at least 2.5 s */
    o.silence_min_ms = 2500;
    REQUIRE_OK(sb_analyze_float(&a, agent.x, agent.n, RATE, 1, &o));
    check_spans(a, 0, SB_KIND_SILENCE, long_silences, N(long_silences), "silences of 2.5 s or more");
    sb_analysis_free(a);

    /* levels and silences only */
    o = (sb_analysis_options)SB_ANALYSIS_OPTIONS_INIT;
    o.voice = 0;
    REQUIRE_OK(sb_analyze_float(&a, agent.x, agent.n, RATE, 1, &o));
    check_spans(a, 0, SB_KIND_SILENCE, agent_silences, N(agent_silences), "level-only silences");
    check_spans(a, 0, SB_KIND_SPEECH, NULL, 0, "level-only speech");
    CHECK_OK(sb_analysis_skipped_count(a, &count));
    CHECK_INT(count, 5);
    CHECK_OK(sb_analysis_skipped(a, &det, &why, 0));
    CHECK_STR(det, "speech");
    CHECK_STR(why, "voice analysis is off (AnalysisOptions::voice)");
    sb_analysis_free(a);

    /* an absolute threshold above the speech level: everything is silent */
    o = (sb_analysis_options)SB_ANALYSIS_OPTIONS_INIT;
    o.use_silence_threshold = 1;
    o.silence_threshold_dbfs = -5;
    REQUIRE_OK(sb_analyze_float(&a, agent.x, agent.n, RATE, 1, &o));
    CHECK_OK(sb_analysis_span_count(a, &count, 0, SB_KIND_SILENCE));
    CHECK_INT(count, 1);
    CHECK_OK(sb_analysis_span_count(a, &count, 0, SB_KIND_SPEECH));
    CHECK_INT(count, 0);
    sb_analysis_free(a);

    /* calm turns at 120 Hz, -20 dBFS, and 10-12 s at 160 Hz, -10 dBFS */
    voice(&calm, 0.0, 4.0, 120, -20, 0.03);
    voice(&calm, 5.0, 9.0, 120, -20, 0.03);
    voice(&calm, 10.0, 12.0, 160, -10, 0.03);
    voice(&calm, 13.0, 16.0, 120, -20, 0.03);
    REQUIRE_OK(sb_analyze_float(&a, calm.x, calm.n, RATE, 1, NULL));
    CHECK_OK(sb_analysis_escalation_count(a, &count, 0));
    CHECK_INT(count, 1);
    CHECK_OK(sb_analysis_escalation(a, &e, 0, 0));
    NEAR(e.start, 10.0, 0.1);
    NEAR(e.end, 12.0, 0.1);
    NEAR(e.pitch_ratio, 160.0 / 120.0, 0.05);
    NEAR(e.level_db, 10.0, 2.0);
    CHECK_OK(sb_analysis_channel_stats(a, &cs, 0));
    CHECK_INT(cs.escalation_count, 1);
    NEAR(cs.escalation_time, e.end - e.start, 1e-9);
    sb_analysis_free(a);

    free(agent.x);
    free(calm.x);
}

/* WAV files: stereo, two mono files of different rates, in memory; and
 * every bad input's error. */
static void wav_checks(void) {
    signal agent = agent_of(RATE), client = client_of(RATE), client16 = client_of(16000);
    float* st = interleave(&agent, &client);
    float three[9] = {0};
    size_t len = 0, len_a = 0, len_c = 0, len3 = 0;
    unsigned char* wav = wav_bytes(st, agent.n, RATE, 2, &len);
    unsigned char* wav_a = wav_bytes(agent.x, agent.n, RATE, 1, &len_a);
    unsigned char* wav_c = wav_bytes(client16.x, client16.n, 16000, 1, &len_c);
    unsigned char* wav3 = wav_bytes(three, 3, RATE, 3, &len3);
    char path[400], path_a[400], path_c[400], path_bad[400], path_none[400];
    sb_analysis *a = NULL, *m = NULL;
    sb_analysis_options o = SB_ANALYSIS_OPTIONS_INIT;
    char* json = NULL;
    int16_t pcm[6] = {0};

    sb_test_temp_db("analysis");
    snprintf(path, sizeof path, "%s/call.wav", sb_test_dir);
    snprintf(path_a, sizeof path_a, "%s/agent.wav", sb_test_dir);
    snprintf(path_c, sizeof path_c, "%s/client.wav", sb_test_dir);
    snprintf(path_bad, sizeof path_bad, "%s/notes.txt", sb_test_dir);
    snprintf(path_none, sizeof path_none, "%s/missing.wav", sb_test_dir);
    write_file(path, wav, len);
    write_file(path_a, wav_a, len_a);
    write_file(path_c, wav_c, len_c);
    write_file(path_bad, "call notes, not audio", 21);

    REQUIRE_OK(sb_analyze_file(&a, path, NULL));
    check_planted(a, RATE, RATE);
    REQUIRE_OK(sb_analyze_wav(&m, wav, len, NULL));
    check_same_spans(a, m);
    sb_analysis_free(a);
    sb_analysis_free(m);

    REQUIRE_OK(sb_analyze_files(&a, path_a, path_c, NULL));
    check_planted(a, RATE, 16000);
    sb_analysis_free(a);

    /* not a WAV: the seed's message with the reason */
    a = (sb_analysis*)1;
    CHECK_ERROR(SB_EINVALID, "binary needs to be in .WAV format: it does not start with a RIFF/WAVE header",
                sb_analyze_file(&a, path_bad, NULL));
    CHECK_STR(sb_last_error_field(), "file");
    CHECK(a == NULL);
    CHECK_ERROR(SB_EINVALID, "binary needs to be in .WAV format: the file is empty", sb_analyze_wav(&a, "", 0, NULL));
    CHECK_RC(SB_EINVALID, sb_analyze_wav(&a, wav, len / 2, NULL));
    CHECK(strstr(sb_last_error(), "binary needs to be in .WAV format: the file is truncated") == sb_last_error());
    CHECK_RC(SB_EINVALID, sb_analyze_files(&a, path_a, path_bad, NULL));
    CHECK(strncmp(sb_last_error(), "binary needs to be in .WAV format: ", 35) == 0);
    CHECK_STR(sb_last_error_field(), "client");
    CHECK_RC(SB_ENOTFOUND, sb_analyze_file(&a, path_none, NULL));
    CHECK_STR(sb_last_error_field(), "file");
    CHECK_RC(SB_ENOTFOUND, sb_analyze_files(&a, path_none, path_c, NULL));
    CHECK_STR(sb_last_error_field(), "agent");
    CHECK_ERROR(SB_EINVALID, "the agent file has 2 channels; a call recorded as two files needs one mono file per party",
                sb_analyze_files(&a, path, path_c, NULL));
    CHECK_STR(sb_last_error_field(), "agent");
    CHECK_ERROR(SB_EINVALID, "the recording has 3 channels; switchboard analyses one (mono) or two (agent, client)",
                sb_analyze_wav(&a, wav3, len3, NULL));
    CHECK_ERROR(SB_EINVALID, "the recording has 3 channels; switchboard analyses one (mono) or two (agent, client)",
                sb_analyze_pcm16(&a, pcm, 2, RATE, 3, NULL));
    CHECK_ERROR(SB_EINVALID, "the sample rate 4000 Hz is outside 8000-48000 Hz",
                sb_analyze_pcm16(&a, pcm, 6, 4000, 1, NULL));
    CHECK_ERROR(SB_EINVALID, "the recording has no samples", sb_analyze_pcm16(&a, NULL, 0, RATE, 1, NULL));
    CHECK_ERROR(SB_EINVALID, "interleaved is NULL", sb_analyze_float(&a, NULL, 10, RATE, 1, NULL));
    CHECK_ERROR(SB_EINVALID, "data is NULL", sb_analyze_wav(&a, NULL, 10, NULL));
    CHECK_ERROR(SB_EINVALID, "path is NULL", sb_analyze_file(&a, NULL, NULL));
    CHECK_RC(SB_EINVALID, sb_analyze_file(NULL, path, NULL));
    CHECK_STR(sb_last_error_field(), "out");

    /* over max_duration_s, from the header before decoding */
    o.max_duration_s = 5;
    CHECK_RC(SB_ETOOLARGE, sb_analyze_file(&a, path, &o));
    CHECK(strstr(sb_last_error(), "max_duration_s") != NULL);
    CHECK_RC(SB_ETOOLARGE, sb_analyze_float(&a, st, agent.n, RATE, 2, &o));
    /* options out of range name the option; an unknown version is refused */
    o = (sb_analysis_options)SB_ANALYSIS_OPTIONS_INIT;
    o.silence_min_ms = 5;
    CHECK_ERROR(SB_EINVALID, "silence_min_ms must be 10 to 600000 ms", sb_analyze_file(&a, path, &o));
    CHECK_STR(sb_last_error_field(), "silence_min_ms");
    o = (sb_analysis_options)SB_ANALYSIS_OPTIONS_INIT;
    o.use_silence_threshold = 1;
    o.silence_threshold_dbfs = 5;
    CHECK_RC(SB_EINVALID, sb_analyze_wav(&a, wav, len, &o));
    CHECK_STR(sb_last_error_field(), "silence_threshold_dbfs");
    o = (sb_analysis_options)SB_ANALYSIS_OPTIONS_INIT;
    o.silence_relative_db = NAN;
    CHECK_RC(SB_EINVALID, sb_analyze_float(&a, st, agent.n, RATE, 2, &o));
    CHECK_STR(sb_last_error_field(), "silence_relative_db");
    o = (sb_analysis_options)SB_ANALYSIS_OPTIONS_INIT;
    o.version = 0;
    CHECK_RC(SB_EINVALID, sb_analyze_float(&a, st, agent.n, RATE, 2, &o));
    CHECK_STR(sb_last_error_field(), "version");
    CHECK(a == NULL);
    CHECK(json == NULL);

    sb_test_remove_tree(sb_test_dir);
    free(wav);
    free(wav_a);
    free(wav_c);
    free(wav3);
    free(st);
    free(agent.x);
    free(client.x);
    free(client16.x);
}

/* Collects events; returns how many were taken. */
typedef struct event_log {
    sb_analysis_event items[256];
    size_t n;
} event_log;

static size_t take(sb_analyzer* s, event_log* log) {
    sb_analysis_event* ev = (sb_analysis_event*)1;
    size_t n = 99, i;
    CHECK_OK(sb_analyzer_take_events(s, &ev, &n));
    CHECK((n == 0) == (ev == NULL));
    for (i = 0; i < n && log->n < 256; ++i) log->items[log->n++] = ev[i];
    sb_free(ev);
    return n;
}

static size_t count_kind(const event_log* log, int kind, int channel, int open) {
    size_t i, n = 0;
    for (i = 0; i < log->n; ++i)
        if (log->items[i].kind == kind && log->items[i].channel == channel && log->items[i].open == open) ++n;
    return n;
}

/* Streaming: chunks of 37 frames give the batch result exactly; events come
 * as soon as they are certain; two mono streams; the analyzer's errors. */
static void streaming_checks(void) {
    signal agent = agent_of(RATE), client = client_of(RATE), client16 = client_of(16000);
    float* st = interleave(&agent, &client);
    int16_t* pcm = to_pcm16(st, 2 * agent.n);
    int16_t* pcm_a = to_pcm16(agent.x, agent.n);
    sb_analyzer* s = NULL;
    sb_analysis *batch = NULL, *live = NULL;
    event_log log;
    size_t at, i, open_at = 0, closed_at = 0, count = 0;
    double seen = -1;
    sb_analysis_event* ev = NULL;

    log.n = 0;
    REQUIRE_OK(sb_analyze_pcm16(&batch, pcm, agent.n, RATE, 2, NULL));
    REQUIRE_OK(sb_analyzer_new(&s, RATE, 2, NULL));
    for (at = 0; at < agent.n; at += 37) {
        size_t n = agent.n - at < 37 ? agent.n - at : 37;
        CHECK_OK(sb_analyzer_push_pcm16(s, pcm + 2 * at, n));
        if (take(s, &log) > 0) {
            if (open_at == 0 && count_kind(&log, SB_KIND_INTERRUPTION, 1, 1) == 1) open_at = at + n;
            if (closed_at == 0 && count_kind(&log, SB_KIND_INTERRUPTION, 1, 0) == 1) closed_at = at + n;
        }
    }
    CHECK_OK(sb_analyzer_analysed_seconds(s, &seen));
    CHECK(seen > 9.0 && seen <= 10.0);
    REQUIRE_OK(sb_analyzer_finish(s, &live));
    take(s, &log);
    check_planted(live, RATE, RATE);
    check_same_spans(batch, live);

    /* the interruption was announced open once it had lasted 750 ms (at
     * 2.75 s, seen about 0.7 s later: the decision delay, the hangover and
     * the closing over pauses shorter than a silence), before its end was
     * known; then closed */
    CHECK(open_at > 0 && closed_at > open_at);
    CHECK((double)open_at / RATE >= 2.75 && (double)open_at / RATE <= 2.75 + 0.75);
    CHECK((double)closed_at / RATE >= 3.0 && (double)closed_at / RATE <= 3.0 + 0.75);
    CHECK_INT(count_kind(&log, SB_KIND_INTERRUPTION, 1, 1), 1);
    CHECK_INT(count_kind(&log, SB_KIND_INTERRUPTION, 1, 0), 1);
    for (i = 0; i < log.n; ++i)
        if (log.items[i].kind == SB_KIND_INTERRUPTION) {
            NEAR(log.items[i].start, 2.0, TOL);
            NEAR(log.items[i].end, log.items[i].open ? 2.75 : 3.0, TOL);
        }
    /* one event per span found */
    CHECK_INT(count_kind(&log, SB_KIND_SILENCE, 0, 0), 3);
    CHECK_INT(count_kind(&log, SB_KIND_SILENCE, 1, 0), 3);
    CHECK_INT(count_kind(&log, SB_KIND_SPEECH, 0, 0), 2);
    CHECK_INT(count_kind(&log, SB_KIND_NOISE, 1, 0), 1);
    for (i = 0; i < log.n; ++i)
        if (log.items[i].kind == SB_KIND_NOISE) {
            NEAR(log.items[i].start, 9.2, TOL);
            NEAR(log.items[i].end, 9.7, TOL);
            CHECK(log.items[i].pitch_ratio == 0);
        }

    /* spent */
    CHECK_ERROR(SB_EINVALID, "the analyzer has finished; start a new one", sb_analyzer_push_pcm16(s, pcm, 1));
    CHECK_RC(SB_EINVALID, sb_analyzer_finish(s, &live));
    CHECK_OK(sb_analyzer_take_events(s, &ev, &count));
    CHECK(ev == NULL && count == 0);
    sb_analyzer_free(s);
    sb_analysis_free(live);
    live = NULL;

    /* two mono streams at 8 and 16 kHz, pushed unevenly */
    REQUIRE_OK(sb_analyzer_new_two_mono(&s, RATE, 16000, NULL));
    CHECK_ERROR(SB_EINVALID,
                "an analyzer of two mono streams takes sb_analyzer_push_channel_pcm16() or "
                "sb_analyzer_push_channel_float(), not interleaved samples",
                sb_analyzer_push_float(s, st, 4));
    for (at = 0; at < agent.n; at += 1000) {
        size_t n = agent.n - at < 1000 ? agent.n - at : 1000;
        CHECK_OK(sb_analyzer_push_channel_pcm16(s, 0, pcm_a + at, n));
        CHECK_OK(sb_analyzer_push_channel_float(s, 1, client16.x + 2 * at, 2 * n)); /* 16 kHz: twice as many */
    }
    CHECK_RC(SB_EINVALID, sb_analyzer_push_channel_float(s, 2, client16.x, 1));
    CHECK_STR(sb_last_error_field(), "channel");
    REQUIRE_OK(sb_analyzer_finish(s, &live));
    check_planted(live, RATE, 16000);
    sb_analyzer_free(s);
    sb_analysis_free(live);

    /* errors of the analyzer */
    s = (sb_analyzer*)1;
    CHECK_ERROR(SB_EINVALID, "the sample rate 96000 Hz is outside 8000-48000 Hz", sb_analyzer_new(&s, 96000, 1, NULL));
    CHECK_STR(sb_last_error_field(), "sample_rate");
    CHECK(s == NULL);
    CHECK_RC(SB_EINVALID, sb_analyzer_new(&s, RATE, 0, NULL));
    CHECK_STR(sb_last_error_field(), "channels");
    CHECK_RC(SB_EINVALID, sb_analyzer_new_two_mono(&s, RATE, 100, NULL));
    CHECK_STR(sb_last_error_field(), "client");
    REQUIRE_OK(sb_analyzer_new(&s, RATE, 1, NULL));
    CHECK_ERROR(SB_EINVALID, "the recording has no samples", sb_analyzer_finish(s, &live));
    CHECK(live == NULL);
    sb_analyzer_free(s);
    {
        sb_analysis_options o = SB_ANALYSIS_OPTIONS_INIT;
        o.max_duration_s = 1;
        REQUIRE_OK(sb_analyzer_new(&s, RATE, 2, &o));
        CHECK_OK(sb_analyzer_push_pcm16(s, pcm, RATE / 2));
        CHECK_RC(SB_ETOOLARGE, sb_analyzer_push_pcm16(s, pcm, RATE));
        sb_analyzer_free(s);
    }
    CHECK_ERROR(SB_EINVALID, "analyzer is NULL", sb_analyzer_push_pcm16(NULL, pcm, 1));
    sb_analyzer_free(NULL);

    sb_analysis_free(batch);
    free(pcm);
    free(pcm_a);
    free(st);
    free(agent.x);
    free(client.x);
    free(client16.x);
}

int main(void) {
    options_checks();
    memory_checks();
    mono_and_options_checks();
    wav_checks();
    streaming_checks();
    return sb_test_finish("test_analysis");
}
