/* Signals made by code for the C API tests of the analysis engine: a noise
 * floor, voices (harmonic tones with a syllable rhythm), noise bursts, and
 * 16-bit PCM WAV files of them, in memory or on disk. Include after
 * test_util.h. */
#ifndef SB_TEST_SIGNALS_H
#define SB_TEST_SIGNALS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

typedef struct signal {
    float* x;
    size_t n;
    int rate;
} signal;

static uint32_t rng_state;

/* Uniform in [-1, 1). */
static inline double urand(void) {
    rng_state = rng_state * 1664525u + 1013904223u;
    return (double)(rng_state >> 8) / 8388608.0 - 1.0;
}

static inline double rms_db(const float* x, size_t n) {
    double s = 0;
    size_t i;
    for (i = 0; i < n; ++i) s += (double)x[i] * x[i];
    return 10 * log10(s / (double)n + 1e-30);
}

static inline void scale_to_db(float* x, size_t n, double db) {
    double g = pow(10.0, (db - rms_db(x, n)) / 20.0);
    size_t i;
    for (i = 0; i < n; ++i) x[i] = (float)(x[i] * g);
}

static inline size_t at_sample(const signal* s, double t) { return (size_t)lround(t * s->rate); }

/* Adds seg (n samples) into s from `at` seconds. */
static inline void place(signal* s, double at, const float* seg, size_t n) {
    size_t o = at_sample(s, at), i;
    for (i = 0; i < n && o + i < s->n; ++i) s->x[o + i] += seg[i];
}

/* sec seconds of a -70 dBFS noise floor. */
static inline signal track(double sec, int rate, uint32_t seed) {
    signal s;
    size_t i;
    s.rate = rate;
    s.n = (size_t)lround(sec * rate);
    s.x = (float*)malloc(s.n * sizeof(float));
    if (s.x == NULL) exit(2);
    rng_state = seed;
    for (i = 0; i < s.n; ++i) s.x[i] = (float)urand();
    scale_to_db(s.x, s.n, -70);
    return s;
}

/* A voice from a to b seconds: harmonics of f0 (1/k, up to 3.4 kHz), the
 * level swinging 6 dB at 4 Hz, the pitch +-vibrato at 3 Hz, RMS db dBFS. */
static inline void voice(signal* s, double a, double b, double f0, double db, double vibrato) {
    size_t n = (size_t)lround((b - a) * s->rate), i;
    float* seg = (float*)malloc(n * sizeof(float));
    double phase = 0;
    int harmonics = (int)(3400.0 / (f0 * (1 + vibrato)));
    if (seg == NULL) exit(2);
    for (i = 0; i < n; ++i) {
        double t = (double)i / s->rate, sum = 0, env;
        int k;
        phase += 2 * PI * f0 * (1 + vibrato * sin(2 * PI * 3 * t)) / s->rate;
        for (k = 1; k <= harmonics; ++k) sum += sin(k * phase) / k;
        env = pow(10.0, -6.0 / 20.0 * 0.5 * (1 - cos(2 * PI * 4 * t)));
        seg[i] = (float)(sum * env);
    }
    scale_to_db(seg, n, db);
    place(s, a, seg, n);
    free(seg);
}

/* White noise from a to b seconds at db dBFS. */
static inline void burst(signal* s, double a, double b, double db, uint32_t seed) {
    size_t n = (size_t)lround((b - a) * s->rate), i;
    float* seg = (float*)malloc(n * sizeof(float));
    if (seg == NULL) exit(2);
    rng_state = seed;
    for (i = 0; i < n; ++i) seg[i] = (float)urand();
    scale_to_db(seg, n, db);
    place(s, a, seg, n);
    free(seg);
}

static inline float* interleave(const signal* a, const signal* b) {
    float* out = (float*)malloc(2 * a->n * sizeof(float));
    size_t i;
    if (out == NULL) exit(2);
    for (i = 0; i < a->n; ++i) {
        out[2 * i] = a->x[i];
        out[2 * i + 1] = i < b->n ? b->x[i] : 0.0f;
    }
    return out;
}

static inline int16_t* to_pcm16(const float* x, size_t n) {
    int16_t* out = (int16_t*)malloc(n * sizeof(int16_t));
    size_t i;
    if (out == NULL) exit(2);
    for (i = 0; i < n; ++i) {
        double v = x[i] * 32768.0;
        out[i] = (int16_t)lround(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
    return out;
}

static inline void put16(unsigned char* p, unsigned v) {
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
}

static inline void put32(unsigned char* p, unsigned long v) {
    put16(p, (unsigned)(v & 0xffff));
    put16(p + 2, (unsigned)((v >> 16) & 0xffff));
}

/* A 16-bit PCM WAV of interleaved samples, in memory (free with free()). */
static inline unsigned char* wav_bytes(const float* x, size_t frames, int rate, int channels, size_t* len) {
    size_t data = frames * (size_t)channels * 2, i;
    int16_t* pcm = to_pcm16(x, frames * (size_t)channels);
    unsigned char* w = (unsigned char*)malloc(44 + data);
    if (w == NULL) exit(2);
    memcpy(w, "RIFF", 4);
    put32(w + 4, (unsigned long)(36 + data));
    memcpy(w + 8, "WAVEfmt ", 8);
    put32(w + 16, 16);
    put16(w + 20, 1); /* PCM */
    put16(w + 22, (unsigned)channels);
    put32(w + 24, (unsigned long)rate);
    put32(w + 28, (unsigned long)rate * (unsigned long)channels * 2);
    put16(w + 32, (unsigned)channels * 2);
    put16(w + 34, 16);
    memcpy(w + 36, "data", 4);
    put32(w + 40, (unsigned long)data);
    for (i = 0; i < frames * (size_t)channels; ++i) put16(w + 44 + 2 * i, (unsigned)(uint16_t)pcm[i]);
    free(pcm);
    *len = 44 + data;
    return w;
}

static inline void write_file(const char* path, const void* data, size_t len) {
    FILE* f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len) {
        perror(path);
        exit(2);
    }
    fclose(f);
}

#endif /* SB_TEST_SIGNALS_H */
