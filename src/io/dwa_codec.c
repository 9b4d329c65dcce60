/* DWAA / DWAB chunk decoder (see dwa_int.h for the chunk layout).
 *
 * Written from the format's behaviour as OpenEXR's C++ library (ImfDwaCompressor, ImfHuf,
 * ImfZip, ImfRle) defines it. Decoding must give the same bits as OpenEXR 3.1's C++ decoder,
 * which on x86-64 with AVX runs its inverse DCT as AVX code: our inverse DCT follows the
 * order of operations of that code exactly (it differs from the textbook scalar version in
 * the last bit), and float-to-half conversion rounds to nearest even as F16C does.
 *
 * Every count and size read from the chunk is checked before use: a bad chunk gives
 * VFX_ERR_CORRUPT and nothing is read outside the input or written outside the output. */
#include "io/dwa_int.h"
#include "io/exr_zip.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>


/* ---- run-time tables: half -> float, and the nonlinear -> linear curve ---------------------- */

static float          half_to_float_tab[65536];
static uint16_t       to_linear_tab[65536];
static uint16_t       to_nonlinear_tab[65536];
static float          dct_basis[8][8]; /* [k][n]: 0.5 c(k) cos((2n + 1) k pi / 16) */
static uint8_t        pop15_tab[32768]; /* set bits of a 15-bit value (the quantiser) */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static float
half_bits_to_float(uint16_t h)
{
    uint32_t s = (uint32_t) (h >> 15) << 31, e = (h >> 10) & 31u, m = h & 1023u, u;
    float    f;
    if (e == 0) {
        f = ldexpf((float) m, -24); /* zero and subnormals, exact */
        memcpy(&u, &f, 4);
        u |= s;
    } else if (e == 31) {
        u = s | 0x7f800000u | (m << 13);
    } else {
        u = s | ((e + 112u) << 23) | (m << 13);
    }
    memcpy(&f, &u, 4);
    return f;
}

/* Round to nearest even, as F16C's vcvtps2ph with mode 0 does (NaNs keep their top payload
 * bits and become quiet). Branch-free but for the class of the value: half subnormals are
 * rounded by the FPU itself (adding 0.5 puts their bits at the bottom of the mantissa), normal
 * values by adding half an ulp minus one plus the lowest kept bit. Checked equal to a plain
 * bit-by-bit rounding for all 2^32 floats. */
static inline uint16_t
float_to_half(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    uint32_t s = (u >> 16) & 0x8000u, a = u & 0x7fffffffu, o;
    if (a >= 0x477ff000u) { /* rounds past 65504: inf, or a NaN */
        o = a > 0x7f800000u ? 0x7e00u | ((a >> 13) & 0x3ffu) : 0x7c00u;
    } else if (a < 0x38800000u) {
        const uint32_t half_bits = 0x3f000000u; /* 0.5f */
        float          t, h;
        memcpy(&t, &a, 4);
        memcpy(&h, &half_bits, 4);
        t += h;
        memcpy(&o, &t, 4);
        o -= half_bits;
    } else {
        o = (a + 0xc8000fffu + ((a >> 13) & 1u)) >> 13; /* rebias exponent, round */
    }
    return (uint16_t) (o | s);
}

/* 64 floats to halves: with F16C when the CPU has it (what OpenEXR uses, same rounding). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define DWA_HAVE_F16C_PATH 1
static int have_f16c;

/* CPUID: OSXSAVE, AVX and F16C, and the OS saves the YMM registers */
static int
cpu_has_f16c(void)
{
    unsigned a, b, c, d, lo, hi;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if ((c & (7u << 27)) != (7u << 27))
        return 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void) hi;
    return (lo & 6u) == 6u;
}

__attribute__((target("avx,f16c"))) static void
halves_from_floats_f16c(uint16_t *dst, const float *src)
{
    for (int i = 0; i < 64; i += 8)
        _mm_storeu_si128((__m128i *) (void *) (dst + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(src + i), 0));
}
#endif

static inline void
halves_from_floats(uint16_t *dst, const float *src)
{
#ifdef DWA_HAVE_F16C_PATH
    if (have_f16c) {
        halves_from_floats_f16c(dst, src);
        return;
    }
#endif
    for (int i = 0; i < 64; i++)
        dst[i] = float_to_half(src[i]);
}

/* The nonlinear curve: linear^(1/2.2) up to 1, a log above (smooth at 1). Decoding maps back
 * with linear = v^2.2 (|v| <= 1) or (e^2.2)^(|v| - 1), in float, as OpenEXR's table generator
 * computes it; inf and NaN map to 0. The result matches OpenEXR 3.1's shipped table entry for
 * entry (checked by tests/io/test_dwa.c against the installed library). */
static void
build_tables(void)
{
#ifdef DWA_HAVE_F16C_PATH
    have_f16c = cpu_has_f16c();
#endif
    for (uint32_t i = 0; i < 65536u; i++)
        half_to_float_tab[i] = half_bits_to_float((uint16_t) i);
    const float log_base = (float) pow(2.7182818, 2.2);
    to_linear_tab[0] = 0;
    for (uint32_t i = 1; i < 65536u; i++) {
        if ((i & 0x7c00u) == 0x7c00u) {
            to_linear_tab[i] = 0;
            continue;
        }
        float v = half_to_float_tab[i];
        float sign = v < 0 ? -1.0f : 1.0f;
        float r;
        if (fabsf(v) <= 1.0f)
            r = sign * powf(fabsf(v), 2.2f);
        else
            r = sign * powf(log_base, (float) ((double) fabsf(v) - 1.0));
        to_linear_tab[i] = float_to_half(r);
    }
    /* and the way in, for the encoder: v^(1/2.2) up to 1, ln(v) / 2.2 + 1 above */
    to_nonlinear_tab[0] = 0;
    for (uint32_t i = 1; i < 65536u; i++) {
        if ((i & 0x7c00u) == 0x7c00u) {
            to_nonlinear_tab[i] = 0;
            continue;
        }
        float  v = half_to_float_tab[i];
        double sign = v < 0 ? -1.0 : 1.0, r;
        if (fabsf(v) <= 1.0f)
            r = sign * (double) powf(fabsf(v), 1.0f / 2.2f);
        else
            r = sign * (log((double) fabsf(v)) / log((double) log_base) + 1.0);
        to_nonlinear_tab[i] = float_to_half((float) r);
    }
    for (int i = 1; i < 32768; i++)
        pop15_tab[i] = (uint8_t) (pop15_tab[i >> 1] + (i & 1));
    for (int k = 0; k < 8; k++)
        for (int n = 0; n < 8; n++)
            dct_basis[k][n] = (float) ((k == 0 ? 0.5 / sqrt(2.0) : 0.5) *
                                       cos((2 * n + 1) * k * 3.14159265358979323846 / 16.0));
}

static void
tables_init(void)
{
    pthread_once(&tables_once, build_tables);
}

const uint16_t *
vfx__dwa_to_linear_table(void)
{
    tables_init();
    return to_linear_tab;
}

/* ---- little helpers ------------------------------------------------------------------------ */

static inline uint64_t
rd_u64le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static inline uint32_t
rd_u32le(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static inline void
wr_u16le(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
}

static inline void
wr_f32le(uint8_t *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    p[0] = (uint8_t) u;
    p[1] = (uint8_t) (u >> 8);
    p[2] = (uint8_t) (u >> 16);
    p[3] = (uint8_t) (u >> 24);
}

static int32_t
floor_div(int32_t a, int32_t b)
{
    int32_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Samples of a channel with sampling s in [a, b] (inclusive), as EXR counts them. */
static int32_t
num_samples(int32_t s, int32_t a, int32_t b)
{
    int32_t a1 = floor_div(a, s), b1 = floor_div(b, s);
    return b1 - a1 + ((int64_t) a1 * s < a ? 0 : 1);
}

static int
mod_is_zero(int32_t y, int32_t s)
{
    return y - floor_div(y, s) * s == 0;
}

static int32_t
type_size(int32_t t)
{
    return t == VFX__DWA_HALF ? 2 : 4;
}

/* ---- OpenEXR's static Huffman code (ImfHuf) --------------------------------------------------
 * Stream: u32 im, u32 iM (symbol range), u32 table size, u32 bit count, u32 unused, then the
 * code lengths of symbols im..iM packed 6 bits each, MSB first (63 = a long run of zero
 * lengths, 8 more bits give length - 6; 59..62 = a short run of 2..5), then the bits. Codes
 * are canonical: longer codes take the lower values. Symbol iM is the run code: the next 8
 * bits repeat the previous symbol that many times. */

#define HUF_ENCSIZE 65537
#define HUF_DECBITS 14
#define HUF_DECSIZE (1 << HUF_DECBITS)
#define HUF_DECMASK (HUF_DECSIZE - 1)

#define HUF_LONG 63u /* length field of a lookup entry whose codes are longer than 14 bits */

typedef struct huf_state {
    uint64_t *code;      /* per symbol - im: (code << 6) | length; set for used symbols only */
    uint32_t *used;      /* symbols with a code, increasing */
    uint32_t *fast;      /* HUF_DECSIZE lookup: (symbol << 6) | length for codes of up to 14
                          * bits, (first << 6) | HUF_LONG for a prefix of longer codes, 0 */
    uint32_t *long_n;    /* HUF_DECSIZE: number of long codes per prefix (when any) */
    uint32_t *long_syms; /* long codes grouped by prefix */
} huf_state;

static void
huf_free(huf_state *h)
{
    vfx__free(h->code);
    vfx__free(h->used);
    vfx__free(h->fast);
    vfx__free(h->long_n);
    vfx__free(h->long_syms);
}

#define HUF_BAD(what) vfx__fail(VFX_ERR_CORRUPT, "dwa: huffman %s", what)

static inline uint64_t
load_be64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&                    \
    (defined(__GNUC__) || defined(__clang__))
    return __builtin_bswap64(v);
#else
    v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
#endif
}

/* The n (1..58) bits at bit position pos of p[0, n_bytes), MSB first; zeros past the end. */
static uint64_t
peek_bits(const uint8_t *p, size_t n_bytes, uint64_t pos, int n)
{
    if (n > 57)
        return (peek_bits(p, n_bytes, pos, 32) << (n - 32)) | peek_bits(p, n_bytes, pos + 32, n - 32);
    size_t   at = (size_t) (pos >> 3);
    uint64_t v = 0;
    if (at < n_bytes && n_bytes - at >= 8) {
        v = load_be64(p + at);
    } else {
        for (size_t i = 0; i < 8; i++)
            v = (v << 8) | (at + i < n_bytes ? p[at + i] : 0u);
    }
    return (v << (pos & 7)) >> (64 - n);
}

static vfx_status
huf_decode(const uint8_t *in, size_t n_in, uint16_t *out, size_t n_out)
{
    if (n_in == 0)
        return n_out == 0 ? VFX_OK : HUF_BAD("data missing");
    if (n_in < 20)
        return HUF_BAD("header truncated");
    uint32_t im = rd_u32le(in), iM = rd_u32le(in + 4), n_bits = rd_u32le(in + 12);
    if (im >= HUF_ENCSIZE || iM >= HUF_ENCSIZE || im > iM)
        return HUF_BAD("symbol range invalid");
    const uint8_t *p = in + 20, *end = in + n_in;
    huf_state h = { NULL, NULL, NULL, NULL, NULL };
    vfx_status st = VFX_OK;
    size_t n_sym = (size_t) iM - im + 1, n_used = 0;
    uint64_t n_len[59] = { 0 };
    h.code = vfx__alloc(n_sym * sizeof *h.code);
    h.used = vfx__alloc(n_sym * sizeof *h.used);
    h.fast = vfx__calloc(HUF_DECSIZE, sizeof *h.fast);
    if (!h.code || !h.used || !h.fast) {
        huf_free(&h);
        return vfx__nomem();
    }

    /* code lengths */
    uint64_t c = 0;
    int      lc = 0;
    for (size_t i = 0; i < n_sym; i++) {
        if (lc < 6) {
            if (p >= end) {
                st = HUF_BAD("code table truncated");
                goto done;
            }
            c = (c << 8) | *p++;
            lc += 8;
        }
        lc -= 6;
        uint32_t l = (uint32_t) (c >> lc) & 63u;
        if (l >= 59) {
            size_t run;
            if (l == 63) {
                if (lc < 8) {
                    if (p >= end) {
                        st = HUF_BAD("code table truncated");
                        goto done;
                    }
                    c = (c << 8) | *p++;
                    lc += 8;
                }
                lc -= 8;
                run = ((size_t) (c >> lc) & 0xffu) + 6;
            } else {
                run = l - 59 + 2;
            }
            if (i + run > n_sym) {
                st = HUF_BAD("code table too long");
                goto done;
            }
            i += run - 1; /* symbols without a code */
        } else if (l > 0) {
            h.code[i] = l;
            h.used[n_used++] = (uint32_t) i;
            n_len[l]++;
        }
    }
    /* canonical codes: the longest codes take the lowest values */
    {
        uint64_t cc = 0;
        for (int l = 58; l > 0; l--) {
            uint64_t next = (cc + n_len[l]) >> 1;
            n_len[l] = cc;
            cc = next;
        }
        for (size_t k = 0; k < n_used; k++) {
            uint64_t l = h.code[h.used[k]];
            h.code[h.used[k]] = l | (n_len[l]++ << 6);
        }
    }
    if ((uint64_t) n_bits > 8u * (uint64_t) (end - p)) {
        st = HUF_BAD("bit count past the data");
        goto done;
    }
    /* lookup table; codes must not overlap */
    size_t n_long_total = 0;
    for (size_t k = 0; k < n_used; k++) {
        uint32_t i = h.used[k];
        uint32_t l = (uint32_t) (h.code[i] & 63u);
        uint64_t code = h.code[i] >> 6;
        if (code >> l) {
            st = HUF_BAD("code table invalid");
            goto done;
        }
        if (l > HUF_DECBITS) {
            size_t at = (size_t) (code >> (l - HUF_DECBITS));
            if (h.fast[at] != 0 && h.fast[at] != HUF_LONG) {
                st = HUF_BAD("code table invalid");
                goto done;
            }
            if (!h.long_n && !(h.long_n = vfx__calloc(HUF_DECSIZE, sizeof *h.long_n))) {
                st = vfx__nomem();
                goto done;
            }
            h.fast[at] = HUF_LONG;
            h.long_n[at]++;
            n_long_total++;
        } else {
            uint32_t *e = &h.fast[code << (HUF_DECBITS - l)];
            for (uint32_t n = 1u << (HUF_DECBITS - l); n > 0; n--, e++) {
                if (*e) {
                    st = HUF_BAD("code table invalid");
                    goto done;
                }
                *e = ((im + i) << 6) | l;
            }
        }
    }
    if (n_long_total) {
        h.long_syms = vfx__alloc(n_long_total * sizeof *h.long_syms);
        if (!h.long_syms) {
            st = vfx__nomem();
            goto done;
        }
        uint32_t first = 0;
        for (size_t k = 0; k < HUF_DECSIZE; k++) {
            if (h.long_n[k]) {
                h.fast[k] = (first << 6) | HUF_LONG;
                first += h.long_n[k];
                h.long_n[k] = 0; /* counts again while filling */
            }
        }
        for (size_t k = 0; k < n_used; k++) {
            uint32_t i = h.used[k], l = (uint32_t) (h.code[i] & 63u);
            if (l > HUF_DECBITS) {
                size_t at = (size_t) ((h.code[i] >> 6) >> (l - HUF_DECBITS));
                h.long_syms[(h.fast[at] >> 6) + h.long_n[at]++] = im + i;
            }
        }
    }

    /* A first, small lookup on 10 bits (8 KiB, stays in L1) for the frequent short codes: it
     * gives one or, when two codes fit in the 10 bits, two plain symbols at once (halving the
     * chain of dependent lookups): bits 0-5 their total length, 6-7 their count, then the
     * symbols at bits 16 and 32. 0 sends the lookup on to the 14-bit table. */
    uint64_t small[1u << 10];
    for (uint32_t i = 0; i < (1u << 10); i++) {
        uint32_t e1 = h.fast[i << (HUF_DECBITS - 10)], l1 = e1 & 63u;
        small[i] = 0;
        if (l1 < 1 || l1 > 10 || e1 >= (iM << 6))
            continue;
        uint32_t e2 = h.fast[((i << l1) & 1023u) << (HUF_DECBITS - 10)], l2 = e2 & 63u;
        if (l2 >= 1 && l1 + l2 <= 10 && e2 < (iM << 6))
            small[i] = (uint64_t) (l1 + l2) | 2u << 6 | (uint64_t) (e1 >> 6) << 16 |
                       (uint64_t) (e2 >> 6) << 32;
        else
            small[i] = (uint64_t) l1 | 1u << 6 | (uint64_t) (e1 >> 6) << 16;
    }
    /* The bits, MSB first, at bit position pos of [p, p + n_bytes). The fast loop takes 64
     * bits at a time and decodes up to four codes of at most 14 bits from them (57 valid bits
     * after the shift); run codes, long codes and the last bits go one at a time through the
     * general step. A code must end within n_bits (the padding of the last byte is no data),
     * and the symbols must fill the output exactly: what OpenEXR's decoder reads from a
     * valid stream, it reads the same. */
    {
        const size_t   n_bytes = ((size_t) n_bits + 7) / 8;
        const uint64_t nb = n_bits;
        uint64_t       pos = 0;
        uint16_t      *o = out, *oe = out + n_out;
        const uint32_t rlc = iM, rlc_f = iM << 6;
        for (;;) {
            while (pos + 64 <= nb && oe - o >= 8) {
                uint64_t bb = load_be64(p + (pos >> 3)) << (pos & 7), e;
                uint32_t f, l;
                /* a pair writes its second slot even for one symbol: the next one (or the
                 * check that the output is filled) overwrites it */
#define HUF_FAST_ONE                                                                           \
    e = small[bb >> 54];                                                                       \
    if (e) {                                                                                   \
        l = (uint32_t) (e & 63u);                                                              \
        bb <<= l;                                                                              \
        pos += l;                                                                              \
        o[0] = (uint16_t) (e >> 16);                                                           \
        o[1] = (uint16_t) (e >> 32);                                                           \
        o += (e >> 6) & 3u;                                                                    \
    } else {                                                                                   \
        f = h.fast[bb >> (64 - HUF_DECBITS)];                                                  \
        l = f & 63u;                                                                           \
        if (l - 1u >= HUF_DECBITS || f >= rlc_f)                                               \
            goto general;                                                                      \
        bb <<= l;                                                                              \
        pos += l;                                                                              \
        *o++ = (uint16_t) (f >> 6);                                                            \
    }
                HUF_FAST_ONE
                HUF_FAST_ONE
                HUF_FAST_ONE
                HUF_FAST_ONE
#undef HUF_FAST_ONE
            }
        general:
            if (pos >= nb)
                break;
            uint64_t left = nb - pos;
            uint32_t f = h.fast[peek_bits(p, n_bytes, pos, HUF_DECBITS)];
            uint32_t l = f & 63u, sym;
            if (l == 0) {
                st = HUF_BAD("invalid code");
                goto done;
            }
            if (l == HUF_LONG) {
                uint32_t j, n = h.long_n[peek_bits(p, n_bytes, pos, HUF_DECBITS)];
                for (j = 0; j < n; j++) {
                    sym = h.long_syms[(f >> 6) + j];
                    uint64_t sc = h.code[sym - im];
                    uint32_t ll = (uint32_t) (sc & 63u);
                    if (ll <= left && peek_bits(p, n_bytes, pos, (int) ll) == (sc >> 6)) {
                        l = ll;
                        break;
                    }
                }
                if (j == n) {
                    st = HUF_BAD("invalid code");
                    goto done;
                }
            } else {
                sym = f >> 6;
                if (l > left) {
                    st = HUF_BAD("invalid code");
                    goto done;
                }
            }
            pos += l;
            if (sym == rlc) {
                if (nb - pos < 8) {
                    st = HUF_BAD("data truncated");
                    goto done;
                }
                size_t run = (size_t) peek_bits(p, n_bytes, pos, 8);
                pos += 8;
                if (run > (size_t) (oe - o) || o == out) {
                    st = HUF_BAD("run invalid");
                    goto done;
                }
                uint16_t prev = o[-1];
                while (run--)
                    *o++ = prev;
            } else {
                if (o >= oe) {
                    st = HUF_BAD("too much data");
                    goto done;
                }
                *o++ = (uint16_t) sym;
            }
        }
        if (o != oe)
            st = HUF_BAD("not enough data");
    }
done:
    huf_free(&h);
    return st;
}

/* ---- zlib streams, EXR's RLE, and the DC stream's byte predictor ---------------------------
 * The zlib streams go through libdeflate (exr_zip.c: one decompressor and compressor per
 * thread), as ZIP chunks do. */

static vfx_status
inflate_exact(const uint8_t *src, size_t n_src, uint8_t *dst, size_t n_dst, const char *what)
{
    if ((uint64_t) n_src > (uint64_t) UINT32_MAX || (uint64_t) n_dst > (uint64_t) UINT32_MAX)
        return vfx__fail(VFX_ERR_CORRUPT, "dwa: %s stream too large", what);
    int zr = vfx__zlib_inflate_exact(src, n_src, dst, n_dst);
    if (zr == -2)
        return vfx__nomem();
    if (zr != 0)
        return vfx__fail(VFX_ERR_CORRUPT, "dwa: %s data corrupt (zlib)", what);
    return VFX_OK;
}

/* EXR RLE: a signed count byte; n < 0: -n literal bytes follow; n >= 0: the next byte n + 1
 * times. The output must be exactly n_dst bytes. */
static vfx_status
rle_decode(const uint8_t *src, size_t n_src, uint8_t *dst, size_t n_dst)
{
    size_t i = 0, o = 0;
    while (i < n_src) {
        int n = (int8_t) src[i++];
        if (n < 0) {
            size_t k = (size_t) -n;
            if (k > n_src - i || k > n_dst - o)
                return vfx__fail(VFX_ERR_CORRUPT, "dwa: RLE data corrupt");
            memcpy(dst + o, src + i, k);
            i += k;
            o += k;
        } else {
            size_t k = (size_t) n + 1;
            if (i >= n_src || k > n_dst - o)
                return vfx__fail(VFX_ERR_CORRUPT, "dwa: RLE data corrupt");
            memset(dst + o, src[i++], k);
            o += k;
        }
    }
    if (o != n_dst)
        return vfx__fail(VFX_ERR_CORRUPT, "dwa: RLE data too short");
    return VFX_OK;
}

/* The DC stream is zlib data of the bytes after a delta predictor (+128) and a split into
 * even and odd bytes (OpenEXR's ZIP compression scheme). */
static vfx_status
unzip_predicted(const uint8_t *src, size_t n_src, uint8_t *dst, size_t n, uint8_t *tmp)
{
    VFX_TRY(inflate_exact(src, n_src, tmp, n, "DC"));
    vfx__zip_unpredict(tmp, n);
    const uint8_t *t1 = tmp, *t2 = tmp + (n + 1) / 2;
    for (size_t i = 0; i < n; i++)
        dst[i] = (i & 1) ? *t2++ : *t1++;
    return VFX_OK;
}

/* ---- inverse DCT ------------------------------------------------------------------------------
 * An 8x8 block, rows then columns, each 1D pass as a matrix product split into the even and odd
 * inputs. The grouping of the sums, and which terms are left out when the last rows of the
 * block are known to be zero, follow OpenEXR's AVX code (its results differ from the plain
 * formula in the last bit, and we must give the same bits). n_rows = rows that may be
 * non-zero (1..8). */

#define DCT_A ((float) 3.535536e-01)
#define DCT_B ((float) 4.903927e-01)
#define DCT_C ((float) 4.619398e-01)
#define DCT_D ((float) 4.157349e-01)
#define DCT_E ((float) 2.777855e-01)
#define DCT_F ((float) 1.913422e-01)
#define DCT_G ((float) 9.754573e-02)

#if defined(__GNUC__) || defined(__clang__)
/* Four lanes with GCC / Clang vector extensions (SSE on x86-64, NEON on arm64): each lane
 * does exactly the scalar operations, so the bits are the same. */
typedef float v4f __attribute__((vector_size(16)));

static inline v4f
load4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void
store4(float *p, v4f v)
{
    memcpy(p, &v, sizeof v);
}

/* One row: the even inputs times the columns of M1, the odd ones times M2, broadcast one
 * input at a time; out[0..3] = even + odd, out[7..4] = even - odd. Multiplying by a negated
 * constant and adding is the same, bit for bit, as subtracting the product. */
static inline void
idct_row(float *x)
{
    const v4f m0 = { DCT_A, DCT_A, DCT_A, DCT_A }, m1 = { DCT_C, DCT_F, -DCT_F, -DCT_C };
    const v4f m2 = { DCT_A, -DCT_A, -DCT_A, DCT_A }, m3 = { DCT_F, -DCT_C, DCT_C, -DCT_F };
    const v4f n0 = { DCT_B, DCT_D, DCT_E, DCT_G }, n1 = { DCT_D, -DCT_G, -DCT_B, -DCT_E };
    const v4f n2 = { DCT_E, -DCT_B, DCT_G, DCT_D }, n3 = { DCT_G, -DCT_E, DCT_D, -DCT_B };
    v4f e = (m0 * x[0] + m1 * x[2]) + (m2 * x[4] + m3 * x[6]);
    v4f o = (n0 * x[1] + n1 * x[3]) + (n2 * x[5] + n3 * x[7]);
    v4f front = e + o, back = e - o;
    store4(x, front);
    x[4] = back[3];
    x[5] = back[2];
    x[6] = back[1];
    x[7] = back[0];
}

static void
idct8x8(float *blk, int n_rows)
{
    for (int r = 0; r < n_rows; r++)
        idct_row(blk + 8 * r);
    if (n_rows == 1) {
        v4f lo = load4(blk) * DCT_A, hi = load4(blk + 4) * DCT_A;
        for (int r = 0; r < 8; r++) {
            store4(blk + 8 * r, lo);
            store4(blk + 8 * r + 4, hi);
        }
        return;
    }
    /* columns, four at a time; terms of rows known to be zero are left out as OpenEXR's AVX
     * code leaves them out (that changes the signs of some zeros) */
    const int p2 = n_rows > 2, p3 = n_rows > 3, p4 = n_rows > 4, p5 = n_rows > 5, p6 = n_rows > 6,
              p7 = n_rows > 7;
    for (int h = 0; h < 8; h += 4) {
        float *v = blk + h;
        v4f    r1 = load4(v + 8);
        v4f    o0 = r1 * DCT_B, o1 = r1 * DCT_D, o2 = r1 * DCT_E, o3 = r1 * DCT_G;
        if (p3) {
            v4f r3 = load4(v + 24);
            o0 = o0 + r3 * DCT_D;
            v4f u = r3 * DCT_G, t = r3 * DCT_E;
            o2 = o2 - r3 * DCT_B;
            if (p5) {
                v4f r5 = load4(v + 40);
                v4f w = r5 * DCT_E;
                if (p7)
                    w = w + load4(v + 56) * DCT_G;
                o0 = o0 + w;
                u = u + r5 * DCT_B;
                o2 = o2 + r5 * DCT_G;
                o3 = o3 + r5 * DCT_D;
            }
            o1 = o1 - u;
            if (p7) {
                v4f r7 = load4(v + 56);
                o1 = o1 - r7 * DCT_E;
                o2 = o2 + r7 * DCT_D;
                t = t + r7 * DCT_B;
            }
            o3 = o3 - t;
        }
        v4f s = load4(v) * DCT_A, d = s;
        if (p4) {
            v4f q = load4(v + 32) * DCT_A;
            s = s + q;
            d = d - q;
        }
        v4f e0 = s, e3 = s, e1 = d, e2 = d;
        if (p2) {
            v4f r2 = load4(v + 16);
            v4f pp = r2 * DCT_C, qq = r2 * DCT_F;
            if (p6) {
                v4f r6 = load4(v + 48);
                pp = pp + r6 * DCT_F;
                qq = qq - r6 * DCT_C;
            }
            e0 = s + pp;
            e3 = s - pp;
            e1 = d + qq;
            e2 = d - qq;
        }
        store4(v, e0 + o0);
        store4(v + 8, e1 + o1);
        store4(v + 16, e2 + o2);
        store4(v + 24, e3 + o3);
        store4(v + 32, e3 - o3);
        store4(v + 40, e2 - o2);
        store4(v + 48, e1 - o1);
        store4(v + 56, e0 - o0);
    }
}
#else
static inline void
idct_row(float *x)
{
    float e0 = (x[0] * DCT_A + x[2] * DCT_C) + (x[4] * DCT_A + x[6] * DCT_F);
    float e1 = (x[0] * DCT_A + x[2] * DCT_F) - (x[4] * DCT_A + x[6] * DCT_C);
    float e2 = (x[0] * DCT_A - x[2] * DCT_F) + (x[6] * DCT_C - x[4] * DCT_A);
    float e3 = (x[0] * DCT_A - x[2] * DCT_C) + (x[4] * DCT_A - x[6] * DCT_F);
    float o0 = (x[1] * DCT_B + x[3] * DCT_D) + (x[5] * DCT_E + x[7] * DCT_G);
    float o1 = (x[1] * DCT_D - x[3] * DCT_G) - (x[5] * DCT_B + x[7] * DCT_E);
    float o2 = (x[1] * DCT_E - x[3] * DCT_B) + (x[5] * DCT_G + x[7] * DCT_D);
    float o3 = (x[1] * DCT_G - x[3] * DCT_E) + (x[5] * DCT_D - x[7] * DCT_B);
    x[0] = e0 + o0;
    x[1] = e1 + o1;
    x[2] = e2 + o2;
    x[3] = e3 + o3;
    x[4] = e3 - o3;
    x[5] = e2 - o2;
    x[6] = e1 - o1;
    x[7] = e0 - o0;
}

static void
idct8x8(float *blk, int n_rows)
{
    for (int r = 0; r < n_rows; r++)
        idct_row(blk + 8 * r);
    if (n_rows == 1) {
        for (int j = 0; j < 8; j++)
            blk[j] = blk[j] * DCT_A;
        for (int r = 1; r < 8; r++)
            memcpy(blk + 8 * r, blk, 8 * sizeof(float));
        return;
    }
    const int p2 = n_rows > 2, p3 = n_rows > 3, p4 = n_rows > 4, p5 = n_rows > 5, p6 = n_rows > 6,
              p7 = n_rows > 7;
    for (int j = 0; j < 8; j++) {
        float *v = blk + j;
        float  r1 = v[8];
        float  o0 = r1 * DCT_B, o1 = r1 * DCT_D, o2 = r1 * DCT_E, o3 = r1 * DCT_G;
        if (p3) {
            float r3 = v[24];
            o0 = o0 + r3 * DCT_D;
            float u = r3 * DCT_G;
            if (p5) {
                float r5 = v[40];
                float w = r5 * DCT_E;
                if (p7)
                    w = w + v[56] * DCT_G;
                o0 = o0 + w;
                u = u + r5 * DCT_B;
            }
            o1 = o1 - u;
            o2 = o2 - r3 * DCT_B;
            if (p5)
                o2 = o2 + v[40] * DCT_G;
            if (p5)
                o3 = o3 + v[40] * DCT_D;
            float t = r3 * DCT_E;
            if (p7) {
                o1 = o1 - v[56] * DCT_E;
                o2 = o2 + v[56] * DCT_D;
                t = t + v[56] * DCT_B;
            }
            o3 = o3 - t;
        }
        float s = v[0] * DCT_A, d = s;
        if (p4) {
            float q = v[32] * DCT_A;
            s = s + q;
            d = d - q;
        }
        float e0 = s, e3 = s, e1 = d, e2 = d;
        if (p2) {
            float pp = v[16] * DCT_C, qq = v[16] * DCT_F;
            if (p6) {
                pp = pp + v[48] * DCT_F;
                qq = qq - v[48] * DCT_C;
            }
            e0 = s + pp;
            e3 = s - pp;
            e1 = d + qq;
            e2 = d - qq;
        }
        v[0] = e0 + o0;
        v[8] = e1 + o1;
        v[16] = e2 + o2;
        v[24] = e3 + o3;
        v[32] = e3 - o3;
        v[40] = e2 - o2;
        v[48] = e1 - o1;
        v[56] = e0 - o0;
    }
}

#endif

/* Rows that may hold non-zero values, from the zig-zag index of the last non-zero value. */
static int
rows_from_last(int last)
{
    return last < 2 ? 1 : last < 3 ? 2 : last < 9 ? 3 : last < 10 ? 4 : last < 20 ? 5
         : last < 21 ? 6 : last < 35 ? 7 : 8;
}

/* zig-zag index -> position in the 8x8 block */
static const uint8_t zig_to_pos[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63
};

/* ---- channel classification ------------------------------------------------------------------
 * Rules map a name suffix (after the last '.') and a pixel type to a scheme and, for R, G and
 * B, a slot of a colour set. Version 2 chunks carry their rules; older ones use these. */

enum { SCHEME_UNKNOWN = 0, SCHEME_LOSSY_DCT = 1, SCHEME_RLE = 2, N_SCHEMES = 3 };

typedef struct dwa_rule {
    char    suffix[256];
    int32_t scheme, csc, nocase, type;
} dwa_rule;

static const struct {
    const char *suffix;
    int8_t      scheme, csc;
} legacy_rules[] = {
    { "r", SCHEME_LOSSY_DCT, 0 },  { "red", SCHEME_LOSSY_DCT, 0 },   { "g", SCHEME_LOSSY_DCT, 1 },
    { "grn", SCHEME_LOSSY_DCT, 1 }, { "green", SCHEME_LOSSY_DCT, 1 }, { "b", SCHEME_LOSSY_DCT, 2 },
    { "blu", SCHEME_LOSSY_DCT, 2 }, { "blue", SCHEME_LOSSY_DCT, 2 },  { "y", SCHEME_LOSSY_DCT, -1 },
    { "by", SCHEME_LOSSY_DCT, -1 }, { "ry", SCHEME_LOSSY_DCT, -1 },   { "a", SCHEME_RLE, -1 },
};

static int
rule_matches(const dwa_rule *r, const char *suffix, int32_t type)
{
    if (r->type != type)
        return 0;
    if (!r->nocase)
        return strcmp(suffix, r->suffix) == 0;
    /* only the channel's suffix is lowered: a stored rule is compared as written */
    size_t i = 0;
    for (; suffix[i] && r->suffix[i]; i++) {
        char lc = (suffix[i] >= 'A' && suffix[i] <= 'Z') ? (char) (suffix[i] + 32) : suffix[i];
        if (lc != r->suffix[i])
            return 0;
    }
    return suffix[i] == '\0' && r->suffix[i] == '\0';
}

static vfx_status
legacy_rule_list(dwa_rule **rules_out, int32_t *n_out)
{
    size_t    n = VFX__COUNTOF(legacy_rules) * 3;
    dwa_rule *r = vfx__calloc(n, sizeof *r);
    if (!r)
        return vfx__nomem();
    int32_t k = 0;
    for (size_t i = 0; i < VFX__COUNTOF(legacy_rules); i++) {
        for (int32_t t = 0; t < 3; t++) {
            /* lossy rules exist for HALF and FLOAT; the alpha rule for all three types */
            if (legacy_rules[i].scheme == SCHEME_LOSSY_DCT && t == VFX__DWA_UINT)
                continue;
            snprintf(r[k].suffix, sizeof r[k].suffix, "%s", legacy_rules[i].suffix);
            r[k].scheme = legacy_rules[i].scheme;
            r[k].csc = legacy_rules[i].csc;
            r[k].nocase = 1;
            r[k].type = t;
            k++;
        }
    }
    *rules_out = r;
    *n_out = k;
    return VFX_OK;
}

/* Rules of a version 2 chunk: each is the suffix (NUL-terminated), a byte
 * (csc + 1) << 4 | scheme << 2 | case-insensitive, and the pixel type. */
static vfx_status
parse_rules(const uint8_t *p, size_t n, dwa_rule **rules_out, int32_t *n_out)
{
    size_t    cap = n / 3 + 1;
    dwa_rule *r = vfx__calloc(cap, sizeof *r);
    if (!r)
        return vfx__nomem();
    int32_t k = 0;
    size_t  at = 0;
    while (at < n) {
        size_t left = n - at, len = 0;
        while (len < left && len < 255 && p[at + len] != 0)
            len++;
        if (len >= left || p[at + len] != 0 || left < len + 3) {
            vfx__free(r);
            return vfx__fail(VFX_ERR_CORRUPT, "dwa: channel rule truncated");
        }
        memcpy(r[k].suffix, p + at, len);
        r[k].suffix[len] = '\0';
        int8_t  v = (int8_t) p[at + len + 1];
        int32_t csc = (v >> 4) - 1, scheme = (v >> 2) & 3, type = (int8_t) p[at + len + 2];
        if (csc < -1 || csc >= 3 || scheme >= N_SCHEMES || type < 0 || type > 2) {
            vfx__free(r);
            return vfx__fail(VFX_ERR_CORRUPT, "dwa: channel rule invalid");
        }
        r[k].csc = csc;
        r[k].scheme = scheme;
        r[k].nocase = v & 1;
        r[k].type = type;
        k++;
        at += len + 3;
    }
    *rules_out = r;
    *n_out = k;
    return VFX_OK;
}

/* ---- the decoder ---------------------------------------------------------------------------- */

typedef struct chan_state {
    int32_t width, height; /* samples in the chunk */
    int32_t scheme;
    int32_t prefix;        /* index of the first channel with the same prefix */
    int32_t in_csc;
    size_t  row0;          /* first entry in the row tables */
    ptrdiff_t px;          /* decoder: bytes from one output sample to the next */
} chan_state;

typedef struct dec {
    const vfx__dwa_channel *ch;
    int32_t                 n_ch;
    chan_state             *cs;
    uint8_t *const         *rows; /* per channel (from cs->row0), per sampled row */
    const uint16_t         *ac;
    size_t                  n_ac, ac_pos;
    const uint16_t         *dc;
    size_t                  n_dc, dc_pos;
    uint16_t               *blocks; /* 3 * n_blocks_x * 64 halves: one row of blocks */
} dec;

static inline const char *
suffix_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? dot + 1 : name;
}

static inline size_t
prefix_len(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? (size_t) (dot - name) : 0;
}

/* Decode n_comp (1 or 3) lossy channels that share one set of blocks. */
static vfx_status
decode_lossy(dec *d, int n_comp, const int32_t *chans, const uint16_t *to_linear)
{
    const chan_state *c0 = &d->cs[chans[0]];
    int32_t           w = c0->width, h = c0->height;
    if (w <= 0 || h <= 0)
        return VFX_OK;
    size_t nbx = ((size_t) w + 7) / 8, nby = ((size_t) h + 7) / 8, nb = nbx * nby;
    if (nb * (size_t) n_comp > d->n_dc - d->dc_pos)
        return vfx__fail(VFX_ERR_CORRUPT, "dwa: DC data too short");
    const uint16_t *dc[3];
    for (int k = 0; k < n_comp; k++)
        dc[k] = d->dc + d->dc_pos + (size_t) k * nb;
    d->dc_pos += nb * (size_t) n_comp;

    float blk[3][64];
    for (size_t by = 0; by < nby; by++) {
        for (size_t bx = 0; bx < nbx; bx++) {
            int all_flat = 1; /* every component DC only: one value per block */
            for (int k = 0; k < n_comp; k++) {
                /* AC: 0xff00 ends the block, 0xffnn skips nn zeros, anything else is the
                 * next value in zig-zag order; values go straight to their place */
                float *bk = blk[k];
                memset(bk, 0, sizeof blk[k]);
                bk[0] = half_to_float_tab[dc[k][by * nbx + bx]];
                int             last = 0, i = 1;
                const uint16_t *ac = d->ac + d->ac_pos;
                /* a block takes at most 63 values: check the end only near it */
                size_t avail = d->n_ac - d->ac_pos, used = 0;
                if (avail >= 63) {
                    while (i < 64) {
                        uint16_t v = ac[used++];
                        if (v < 0xff00u) {
                            last = i;
                            bk[zig_to_pos[i++]] = half_to_float_tab[v];
                        } else if (v == 0xff00u) {
                            break;
                        } else {
                            i += v & 0xff;
                        }
                    }
                } else {
                    while (i < 64) {
                        if (used >= avail)
                            return vfx__fail(VFX_ERR_CORRUPT, "dwa: AC data too short");
                        uint16_t v = ac[used++];
                        if (v == 0xff00u)
                            break;
                        if ((v >> 8) == 0xffu) {
                            i += v & 0xff;
                        } else {
                            last = i;
                            bk[zig_to_pos[i++]] = half_to_float_tab[v];
                        }
                    }
                }
                d->ac_pos += used;
                if (last == 0) {
                    float val = bk[0] * 3.535536e-01f * 3.535536e-01f;
                    for (int j = 0; j < 64; j++)
                        bk[j] = val;
                } else {
                    idct8x8(bk, rows_from_last(last));
                    all_flat = 0;
                }
            }
            int n_val = all_flat ? 1 : 64;
            if (n_comp == 3) {
                /* Y'CbCr -> R'G'B' (Rec. 709), Cb Cr centred on 0 */
                for (int j = 0; j < n_val; j++) {
                    float y = blk[0][j], cb = blk[1][j], cr = blk[2][j];
                    blk[0][j] = y + 1.5747f * cr;
                    blk[1][j] = (y - 0.1873f * cb) - 0.4682f * cr;
                    blk[2][j] = y + 1.8556f * cb;
                }
            }
            for (int k = 0; k < n_comp; k++) {
                uint16_t *q = d->blocks + ((size_t) k * nbx + bx) * 64;
                if (all_flat) {
                    uint16_t hv = float_to_half(blk[k][0]);
                    for (int j = 0; j < 64; j++)
                        q[j] = hv;
                } else {
                    halves_from_floats(q, blk[k]);
                }
            }
        }
        /* unblock into the sampled rows, through the curve */
        size_t y_end = VFX__MIN((by + 1) * 8, (size_t) h);
        for (int k = 0; k < n_comp; k++) {
            const vfx__dwa_channel *chn = &d->ch[chans[k]];
            const chan_state       *cs = &d->cs[chans[k]];
            const uint16_t         *src = d->blocks + (size_t) k * nbx * 64;
            for (size_t y = by * 8; y < y_end; y++) {
                uint8_t        *row = d->rows[cs->row0 + y];
                const uint16_t *s = src + (y & 7) * 8;
                ptrdiff_t       px = cs->px;
                if (chn->type == VFX__DWA_HALF) {
                    size_t x = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                    for (; x + 8 <= (size_t) w; x += 8) {
                        const uint16_t *s8 = s + (x >> 3) * 64;
                        uint16_t        t[8];
                        uint8_t        *q = row + px * (ptrdiff_t) x;
                        if (px != 2) {
                            if (to_linear)
                                for (int i = 0; i < 8; i++)
                                    memcpy(q + px * i, &to_linear[s8[i]], 2);
                            else
                                for (int i = 0; i < 8; i++)
                                    memcpy(q + px * i, &s8[i], 2);
                            continue;
                        }
                        if (to_linear)
                            for (int i = 0; i < 8; i++)
                                t[i] = to_linear[s8[i]];
                        else
                            memcpy(t, s8, sizeof t);
                        memcpy(q, t, sizeof t);
                    }
#endif
                    for (; x < (size_t) w; x++) {
                        uint16_t hv = s[(x >> 3) * 64 + (x & 7)];
                        wr_u16le(row + px * (ptrdiff_t) x, to_linear ? to_linear[hv] : hv);
                    }
                } else {
                    for (size_t x = 0; x < (size_t) w; x++) {
                        uint16_t hv = s[(x >> 3) * 64 + (x & 7)];
                        wr_f32le(row + px * (ptrdiff_t) x,
                                 half_to_float_tab[to_linear ? to_linear[hv] : hv]);
                    }
                }
            }
        }
    }
    return VFX_OK;
}

vfx_status
vfx__dwa_unpacked_size(const vfx__dwa_channel *ch, int32_t n_ch, vfx_rect rect, size_t *size_out)
{
    uint64_t total = 0;
    if (rect.x1 <= rect.x0 || rect.y1 <= rect.y0 || n_ch < 0)
        return vfx__fail(VFX_ERR_ARG, "dwa: empty chunk rect");
    for (int32_t i = 0; i < n_ch; i++) {
        if (ch[i].x_sampling < 1 || ch[i].y_sampling < 1 || ch[i].type < 0 || ch[i].type > 2)
            return vfx__fail(VFX_ERR_ARG, "dwa: channel %d: bad type or sampling", i);
        int32_t w = num_samples(ch[i].x_sampling, rect.x0, rect.x1 - 1);
        int32_t h = num_samples(ch[i].y_sampling, rect.y0, rect.y1 - 1);
        total += (uint64_t) VFX__MAX(w, 0) * (uint64_t) VFX__MAX(h, 0) *
                 (uint64_t) type_size(ch[i].type);
    }
    if (total > (uint64_t) SIZE_MAX / 2)
        return vfx__fail(VFX_ERR_LIMIT, "dwa: chunk too large");
    *size_out = (size_t) total;
    return VFX_OK;
}

enum {
    H_VERSION, H_UNKNOWN_RAW, H_UNKNOWN_PACKED, H_AC_PACKED, H_DC_PACKED, H_RLE_PACKED,
    H_RLE_UNPACKED, H_RLE_RAW, H_AC_COUNT, H_DC_COUNT, H_AC_COMPRESSION, N_HEADER
};

/* Where the decoder writes: the packed layout (dst, n_dst bytes), or one plane per channel
 * (sample x of sampled row y of channel i at planes[i] + y * y_stride[i] + x * x_stride[i]). */
typedef struct dec_output {
    uint8_t              *dst;
    size_t                n_dst;
    uint8_t *const       *planes;
    const ptrdiff_t      *x_stride, *y_stride;
} dec_output;

static vfx_status
dwa_decode(const uint8_t *src, size_t n_src, const vfx__dwa_channel *ch, int32_t n_ch,
           vfx_rect rect, const dec_output *outp)
{
    tables_init();
    if (n_src < N_HEADER * 8)
        return vfx__fail(VFX_ERR_CORRUPT, "dwa: chunk header truncated");
    uint64_t hd[N_HEADER];
    for (int i = 0; i < N_HEADER; i++) {
        hd[i] = rd_u64le(src + 8 * i);
        if (hd[i] > (uint64_t) INT64_MAX)
            return vfx__fail(VFX_ERR_CORRUPT, "dwa: chunk header has a negative size");
    }
    if (hd[H_VERSION] > 2)
        return vfx__fail(VFX_ERR_CORRUPT, "dwa: unknown chunk version %" PRIu64, hd[H_VERSION]);
    const uint64_t packed[4] = { hd[H_UNKNOWN_PACKED], hd[H_AC_PACKED], hd[H_DC_PACKED],
                                 hd[H_RLE_PACKED] };
    uint64_t       sum = 0;
    for (int i = 0; i < 4; i++) {
        if (packed[i] > n_src)
            return vfx__fail(VFX_ERR_CORRUPT, "dwa: chunk truncated");
        sum += packed[i];
    }
    size_t at = N_HEADER * 8;
    if (sum > n_src - at)
        return vfx__fail(VFX_ERR_CORRUPT, "dwa: chunk truncated");

    vfx_status  st = VFX_OK;
    dwa_rule   *rules = NULL;
    int32_t     n_rules = 0;
    chan_state *cs = NULL;
    uint8_t   **rows = NULL;
    uint8_t    *unknown = NULL, *rle_raw = NULL, *rle_packed = NULL, *dc_tmp = NULL;
    uint16_t   *ac = NULL, *dc = NULL, *blocks = NULL;

    if (hd[H_VERSION] >= 2) {
        if (n_src - at < 2)
            return vfx__fail(VFX_ERR_CORRUPT, "dwa: chunk truncated");
        size_t rule_size = (size_t) src[at] | (size_t) src[at + 1] << 8;
        if (rule_size < 2 || rule_size > n_src - at || sum > n_src - at - rule_size)
            return vfx__fail(VFX_ERR_CORRUPT, "dwa: channel rules truncated");
        VFX_TRY(parse_rules(src + at + 2, rule_size - 2, &rules, &n_rules));
        at += rule_size;
    } else {
        VFX_TRY(legacy_rule_list(&rules, &n_rules));
    }

    cs = vfx__calloc((size_t) VFX__MAX(n_ch, 1), sizeof *cs);
    if (!cs) {
        st = vfx__nomem();
        goto out;
    }
    /* classify; sizes of each class */
    uint64_t n_ac_max = 0, n_dc_max = 0, rle_bytes = 0, unknown_bytes = 0, n_rows = 0;
    for (int32_t i = 0; i < n_ch; i++) {
        chan_state *c = &cs[i];
        c->width = num_samples(ch[i].x_sampling, rect.x0, rect.x1 - 1);
        c->height = num_samples(ch[i].y_sampling, rect.y0, rect.y1 - 1);
        c->width = VFX__MAX(c->width, 0);
        c->height = VFX__MAX(c->height, 0);
        c->scheme = SCHEME_UNKNOWN;
        const char *sfx = suffix_of(ch[i].name);
        for (int32_t r = 0; r < n_rules; r++)
            if (rule_matches(&rules[r], sfx, ch[i].type))
                c->scheme = rules[r].scheme;
        /* prefix group: the first channel with the same prefix */
        size_t pl = prefix_len(ch[i].name);
        c->prefix = i;
        for (int32_t j = 0; j < i; j++) {
            if (prefix_len(ch[j].name) == pl && memcmp(ch[j].name, ch[i].name, pl) == 0) {
                c->prefix = cs[j].prefix;
                break;
            }
        }
        c->row0 = (size_t) n_rows;
        n_rows += (uint64_t) c->height;
        uint64_t bytes =
            (uint64_t) c->width * (uint64_t) c->height * (uint64_t) type_size(ch[i].type);
        uint64_t blocks_n = (((uint64_t) c->width + 7) / 8) * (((uint64_t) c->height + 7) / 8);
        if (c->scheme == SCHEME_LOSSY_DCT) {
            n_ac_max += blocks_n * 63;
            n_dc_max += blocks_n;
        } else if (c->scheme == SCHEME_RLE) {
            rle_bytes += bytes;
        } else {
            unknown_bytes += bytes;
        }
    }

    /* colour sets: per prefix, the channels the rules put in slots R, G, B (the last wins);
     * sets go in the byte order of their prefixes */
    int32_t (*sets)[3] = NULL;
    int32_t n_sets = 0;
    if (n_ch > 0) {
        sets = vfx__calloc((size_t) n_ch, sizeof *sets);
        if (!sets) {
            st = vfx__nomem();
            goto out;
        }
    }
    for (int32_t i = 0; i < n_ch; i++) {
        if (cs[i].prefix != i)
            continue;
        int32_t slot[3] = { -1, -1, -1 };
        for (int32_t j = i; j < n_ch; j++) {
            if (cs[j].prefix != i)
                continue;
            const char *sfx = suffix_of(ch[j].name);
            for (int32_t r = 0; r < n_rules; r++)
                if (rules[r].csc >= 0 && rule_matches(&rules[r], sfx, ch[j].type))
                    slot[rules[r].csc] = j;
        }
        if (slot[0] < 0 || slot[1] < 0 || slot[2] < 0)
            continue;
        const vfx__dwa_channel *r0 = &ch[slot[0]], *g0 = &ch[slot[1]], *b0 = &ch[slot[2]];
        if (r0->x_sampling != g0->x_sampling || r0->x_sampling != b0->x_sampling ||
            r0->y_sampling != g0->y_sampling || r0->y_sampling != b0->y_sampling)
            continue;
        /* insert sorted by prefix bytes (a shorter prefix first) */
        size_t  pl = prefix_len(ch[i].name);
        int32_t pos = n_sets;
        while (pos > 0) {
            const char *o = ch[sets[pos - 1][0]].name;
            size_t      ol = prefix_len(o), m = VFX__MIN(pl, ol);
            int         cmp = memcmp(ch[i].name, o, m);
            if (cmp > 0 || (cmp == 0 && pl >= ol))
                break;
            memcpy(sets[pos], sets[pos - 1], sizeof sets[0]);
            pos--;
        }
        memcpy(sets[pos], slot, sizeof slot);
        n_sets++;
    }
    for (int32_t s = 0; s < n_sets; s++) {
        for (int k = 0; k < 3; k++) {
            if (cs[sets[s][k]].scheme != SCHEME_LOSSY_DCT) {
                st = vfx__fail(VFX_ERR_CORRUPT, "dwa: colour set of a non-lossy channel");
                goto out_sets;
            }
            cs[sets[s][k]].in_csc = 1;
        }
        if (cs[sets[s][0]].width != cs[sets[s][1]].width ||
            cs[sets[s][0]].width != cs[sets[s][2]].width) {
            st = vfx__fail(VFX_ERR_INTERNAL, "dwa: colour set sizes differ");
            goto out_sets;
        }
    }
    for (int32_t i = 0; i < n_ch; i++)
        if (cs[i].scheme == SCHEME_LOSSY_DCT && ch[i].type == VFX__DWA_UINT) {
            st = vfx__fail(VFX_ERR_CORRUPT, "dwa: lossy rule for a UINT channel");
            goto out_sets;
        }

    /* where each sampled row of each channel goes */
    rows = vfx__calloc((size_t) n_rows + 1, sizeof *rows);
    if (!rows) {
        st = vfx__nomem();
        goto out_sets;
    }
    if (outp->planes) {
        for (int32_t i = 0; i < n_ch; i++) {
            cs[i].px = outp->x_stride[i];
            for (size_t y = 0; y < (size_t) cs[i].height; y++)
                rows[cs[i].row0 + y] = outp->planes[i] + (ptrdiff_t) y * outp->y_stride[i];
        }
    } else {
        size_t  off = 0;
        size_t *k = vfx__calloc((size_t) VFX__MAX(n_ch, 1), sizeof *k);
        if (!k) {
            st = vfx__nomem();
            goto out_sets;
        }
        for (int32_t y = rect.y0; y < rect.y1; y++) {
            for (int32_t i = 0; i < n_ch; i++) {
                if (!mod_is_zero(y, ch[i].y_sampling))
                    continue;
                if (k[i] < (size_t) cs[i].height)
                    rows[cs[i].row0 + k[i]] = outp->dst + off;
                k[i]++;
                off += (size_t) cs[i].width * (size_t) type_size(ch[i].type);
            }
        }
        vfx__free(k);
        for (int32_t i = 0; i < n_ch; i++)
            cs[i].px = type_size(ch[i].type);
        if (off != outp->n_dst) {
            st = vfx__fail(VFX_ERR_INTERNAL, "dwa: layout size mismatch");
            goto out_sets;
        }
    }

    /* the streams: UNKNOWN, AC, DC, RLE, one after the other */
    const uint8_t *p_unknown = src + at, *p_ac = p_unknown + packed[0], *p_dc = p_ac + packed[1],
                  *p_rle = p_dc + packed[2];
    if (unknown_bytes > 0) {
        if (hd[H_UNKNOWN_RAW] != unknown_bytes || packed[0] == 0) {
            st = vfx__fail(VFX_ERR_CORRUPT, "dwa: UNKNOWN data size mismatch");
            goto out_sets;
        }
        unknown = vfx__alloc((size_t) unknown_bytes);
        if (!unknown) {
            st = vfx__nomem();
            goto out_sets;
        }
        if ((st = inflate_exact(p_unknown, (size_t) packed[0], unknown, (size_t) unknown_bytes,
                                "UNKNOWN")) != VFX_OK)
            goto out_sets;
    }
    if (hd[H_AC_COUNT] > n_ac_max || hd[H_DC_COUNT] > n_dc_max) {
        st = vfx__fail(VFX_ERR_CORRUPT, "dwa: coefficient counts too large");
        goto out_sets;
    }
    size_t n_ac = (size_t) hd[H_AC_COUNT], n_dc = (size_t) hd[H_DC_COUNT];
    if (n_ac > 0) {
        if (packed[1] == 0) {
            st = vfx__fail(VFX_ERR_CORRUPT, "dwa: AC data missing");
            goto out_sets;
        }
        ac = vfx__alloc(n_ac * 2);
        if (!ac) {
            st = vfx__nomem();
            goto out_sets;
        }
        if (hd[H_AC_COMPRESSION] == 0) {
            st = huf_decode(p_ac, (size_t) packed[1], ac, n_ac);
        } else if (hd[H_AC_COMPRESSION] == 1) {
            st = inflate_exact(p_ac, (size_t) packed[1], (uint8_t *) ac, n_ac * 2, "AC");
            /* the inflated bytes are little-endian halves */
            for (size_t i = 0; st == VFX_OK && i < n_ac; i++) {
                const uint8_t *b = (const uint8_t *) &ac[i];
                ac[i] = (uint16_t) (b[0] | b[1] << 8);
            }
        } else {
            st = vfx__fail(VFX_ERR_CORRUPT, "dwa: unknown AC compression %" PRIu64,
                           hd[H_AC_COMPRESSION]);
        }
        if (st != VFX_OK)
            goto out_sets;
    }
    if (n_dc > 0) {
        if (packed[2] == 0) {
            st = vfx__fail(VFX_ERR_CORRUPT, "dwa: DC data missing");
            goto out_sets;
        }
        dc = vfx__alloc(n_dc * 2);
        dc_tmp = vfx__alloc(n_dc * 2);
        if (!dc || !dc_tmp) {
            st = vfx__nomem();
            goto out_sets;
        }
        if ((st = unzip_predicted(p_dc, (size_t) packed[2], (uint8_t *) dc, n_dc * 2, dc_tmp)) !=
            VFX_OK)
            goto out_sets;
        for (size_t i = 0; i < n_dc; i++) {
            const uint8_t *b = (const uint8_t *) &dc[i];
            dc[i] = (uint16_t) (b[0] | b[1] << 8);
        }
    }
    if (rle_bytes > 0) {
        if (hd[H_RLE_RAW] != rle_bytes || hd[H_RLE_UNPACKED] > 2 * rle_bytes + 1024 ||
            packed[3] == 0) {
            st = vfx__fail(VFX_ERR_CORRUPT, "dwa: RLE data size mismatch");
            goto out_sets;
        }
        rle_raw = vfx__alloc((size_t) rle_bytes);
        rle_packed = vfx__alloc((size_t) VFX__MAX(hd[H_RLE_UNPACKED], 1));
        if (!rle_raw || !rle_packed) {
            st = vfx__nomem();
            goto out_sets;
        }
        if ((st = inflate_exact(p_rle, (size_t) packed[3], rle_packed, (size_t) hd[H_RLE_UNPACKED],
                                "RLE")) != VFX_OK ||
            (st = rle_decode(rle_packed, (size_t) hd[H_RLE_UNPACKED], rle_raw,
                             (size_t) rle_bytes)) != VFX_OK)
            goto out_sets;
    }

    /* lossy channels: colour sets first, then the lone ones in channel order */
    size_t max_nbx = 1;
    for (int32_t i = 0; i < n_ch; i++)
        if (cs[i].scheme == SCHEME_LOSSY_DCT)
            max_nbx = VFX__MAX(max_nbx, ((size_t) cs[i].width + 7) / 8);
    blocks = vfx__alloc(3 * max_nbx * 64 * sizeof *blocks);
    if (!blocks) {
        st = vfx__nomem();
        goto out_sets;
    }
    dec d = { ch, n_ch, cs, rows, ac, n_ac, 0, dc, n_dc, 0, blocks };
    for (int32_t s = 0; s < n_sets; s++)
        if ((st = decode_lossy(&d, 3, sets[s], to_linear_tab)) != VFX_OK)
            goto out_sets;
    size_t rle_at = 0, unknown_at = 0;
    for (int32_t i = 0; i < n_ch; i++) {
        const chan_state *c = &cs[i];
        size_t            sz = (size_t) type_size(ch[i].type);
        size_t            plane = (size_t) c->width * (size_t) c->height;
        if (c->in_csc)
            continue;
        if (c->scheme == SCHEME_LOSSY_DCT) {
            if ((st = decode_lossy(&d, 1, &i, ch[i].p_linear ? NULL : to_linear_tab)) != VFX_OK)
                goto out_sets;
        } else if (c->scheme == SCHEME_RLE) {
            /* byte planes: all first bytes of the channel, then all second bytes, ... */
            const uint8_t *pl = rle_raw + rle_at;
            for (size_t y = 0; y < (size_t) c->height; y++) {
                uint8_t       *row = rows[c->row0 + y];
                const uint8_t *p0 = pl + y * (size_t) c->width;
                ptrdiff_t      px = c->px;
                if (sz == 2) {
                    const uint8_t *p1 = p0 + plane;
                    uint8_t       *q = row;
                    size_t         cw = (size_t) c->width; /* not reloaded past the stores */
                    for (size_t x = 0; x < cw; x++, q += px) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                        uint16_t v = (uint16_t) (p0[x] | p1[x] << 8);
                        memcpy(q, &v, 2);
#else
                        q[0] = p0[x];
                        q[1] = p1[x];
#endif
                    }
                } else {
                    for (size_t x = 0; x < (size_t) c->width; x++)
                        for (size_t b = 0; b < sz; b++)
                            row[px * (ptrdiff_t) x + (ptrdiff_t) b] = p0[b * plane + x];
                }
            }
            rle_at += plane * sz;
        } else {
            size_t line = (size_t) c->width * sz;
            for (size_t y = 0; y < (size_t) c->height; y++) {
                const uint8_t *u = unknown + unknown_at + y * line;
                if (c->px == (ptrdiff_t) sz)
                    memcpy(rows[c->row0 + y], u, line);
                else
                    for (size_t x = 0; x < (size_t) c->width; x++)
                        memcpy(rows[c->row0 + y] + c->px * (ptrdiff_t) x, u + x * sz, sz);
            }
            unknown_at += plane * sz;
        }
    }
out_sets:
    vfx__free(sets);
out:
    vfx__free(rules);
    vfx__free(cs);
    vfx__free(rows);
    vfx__free(unknown);
    vfx__free(rle_raw);
    vfx__free(rle_packed);
    vfx__free(dc_tmp);
    vfx__free(ac);
    vfx__free(dc);
    vfx__free(blocks);
    return st;
}

vfx_status
vfx__dwa_decode(const uint8_t *src, size_t n_src, const vfx__dwa_channel *ch, int32_t n_ch,
                vfx_rect rect, uint8_t *dst, size_t n_dst)
{
    size_t need;
    VFX_TRY(vfx__dwa_unpacked_size(ch, n_ch, rect, &need));
    if (n_dst != need)
        return vfx__fail(VFX_ERR_ARG, "dwa: output is %zu bytes, the chunk needs %zu", n_dst,
                         need);
    dec_output o = { dst, n_dst, NULL, NULL, NULL };
    return dwa_decode(src, n_src, ch, n_ch, rect, &o);
}

vfx_status
vfx__dwa_decode_planes(const uint8_t *src, size_t n_src, const vfx__dwa_channel *ch,
                       int32_t n_ch, vfx_rect rect, uint8_t *const *planes,
                       const ptrdiff_t *x_stride, const ptrdiff_t *y_stride)
{
    size_t need;
    VFX_TRY(vfx__dwa_unpacked_size(ch, n_ch, rect, &need));
    dec_output o = { NULL, 0, planes, x_stride, y_stride };
    return dwa_decode(src, n_src, ch, n_ch, rect, &o);
}

/* ---- the encoder ----------------------------------------------------------------------------
 * Version 2 chunks with OpenEXR's default rules: R, G, B lossy (a colour set per layer), Y, RY,
 * BY lossy, A run-length, everything else zlib. Lossy blocks go through the nonlinear curve,
 * Y'CbCr, a forward DCT, then each coefficient (as a half) is replaced by the half with the
 * fewest set bits within level / 100000 times its JPEG quantisation weight, which is what
 * makes the entropy coding cheap. AC values get OpenEXR's static Huffman code (deflate when
 * a code would be too long). */

static const struct {
    const char *suffix;
    int8_t      scheme, csc, type;
} default_rules[] = {
    { "R", SCHEME_LOSSY_DCT, 0, VFX__DWA_HALF },   { "R", SCHEME_LOSSY_DCT, 0, VFX__DWA_FLOAT },
    { "G", SCHEME_LOSSY_DCT, 1, VFX__DWA_HALF },   { "G", SCHEME_LOSSY_DCT, 1, VFX__DWA_FLOAT },
    { "B", SCHEME_LOSSY_DCT, 2, VFX__DWA_HALF },   { "B", SCHEME_LOSSY_DCT, 2, VFX__DWA_FLOAT },
    { "Y", SCHEME_LOSSY_DCT, -1, VFX__DWA_HALF },  { "Y", SCHEME_LOSSY_DCT, -1, VFX__DWA_FLOAT },
    { "BY", SCHEME_LOSSY_DCT, -1, VFX__DWA_HALF }, { "BY", SCHEME_LOSSY_DCT, -1, VFX__DWA_FLOAT },
    { "RY", SCHEME_LOSSY_DCT, -1, VFX__DWA_HALF }, { "RY", SCHEME_LOSSY_DCT, -1, VFX__DWA_FLOAT },
    { "A", SCHEME_RLE, -1, VFX__DWA_UINT },        { "A", SCHEME_RLE, -1, VFX__DWA_HALF },
    { "A", SCHEME_RLE, -1, VFX__DWA_FLOAT },
};

/* JPEG's luma and chroma tables divided by their smallest entry */
static const uint8_t quant_y[64] = {
    16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
    14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
    18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99
};
static const uint8_t quant_c[64] = {
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99,
    99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99
};


/* The half with the fewest set bits strictly within tol of h (h itself when none has fewer).
 * The sign takes no part: it is kept, and it adds the same bit to both counts. */
static inline uint16_t
quantize(uint16_t h, float tol, uint32_t lo, uint32_t hi)
{
    uint32_t m = h & 0x7fffu;
    if (m >= 0x7c00u)
        return h;
    float a = half_to_float_tab[m];
    if (a < tol)
        return 0;
#define IN_RANGE(p) (fabsf(half_to_float_tab[p] - a) < tol)
    /* positive halves sort like their bits: find the run of patterns in range around m from
     * the rounded ends (lo = half(a - tol), hi = half(a + tol), given by the caller), which
     * are at most a step off, so each loop runs once or twice */
    if (lo > m)
        lo = m;
    while (lo < m && !IN_RANGE(lo))
        lo++;
    while (lo > 0 && IN_RANGE(lo - 1))
        lo--;
    if (hi > 0x7bffu)
        hi = 0x7bffu;
    if (hi < m)
        hi = m;
    while (hi > m && !IN_RANGE(hi))
        hi--;
    while (hi < 0x7bffu && IN_RANGE(hi + 1))
        hi++;
#undef IN_RANGE
    uint32_t best;
    if (lo == hi)
        return h;
    /* Above the highest differing bit k both agree (the prefix); hi has bit k, lo has not.
     * The fewest bits in range: the prefix alone when lo is the prefix, else the prefix plus
     * one bit j <= k; of those, the closest to the value (as OpenEXR picks the closest
     * candidate of each bit count). */
    int      k = 31 - __builtin_clz(lo ^ hi);
    uint32_t prefix = hi & ~((2u << k) - 1u);
    if ((lo & ((2u << k) - 1u)) == 0) {
        best = lo;
    } else {
        best = prefix | (1u << k);
        float best_d = fabsf(half_to_float_tab[best] - a);
        for (int j = k - 1; j >= 0; j--) {
            uint32_t cand = prefix | (1u << j);
            if (cand < lo)
                break;
            float dd = fabsf(half_to_float_tab[cand] - a);
            if (dd <= best_d) {
                best = cand;
                best_d = dd;
            }
        }
    }
    if (pop15_tab[best] >= pop15_tab[m])
        return h;
    return (uint16_t) (best | (h & 0x8000u));
}

/* Forward DCT of an 8x8 block: rows, then columns, each output the sum over n of
 * basis[k][n] * x[n] added in order of n from 0 (the vector version keeps that order in each
 * lane, so both give the same bits). */
#if defined(__GNUC__) || defined(__clang__)
static void
fdct8x8(float *blk)
{
    float tmp[64];
    v4f   b_lo[8], b_hi[8]; /* per n: basis[0..3][n], basis[4..7][n] */
    for (int n = 0; n < 8; n++) {
        b_lo[n] = (v4f){ dct_basis[0][n], dct_basis[1][n], dct_basis[2][n], dct_basis[3][n] };
        b_hi[n] = (v4f){ dct_basis[4][n], dct_basis[5][n], dct_basis[6][n], dct_basis[7][n] };
    }
    for (int r = 0; r < 8; r++) {
        v4f lo = { 0, 0, 0, 0 }, hi = { 0, 0, 0, 0 };
        for (int n = 0; n < 8; n++) {
            lo += b_lo[n] * blk[r * 8 + n];
            hi += b_hi[n] * blk[r * 8 + n];
        }
        store4(tmp + r * 8, lo);
        store4(tmp + r * 8 + 4, hi);
    }
    for (int k = 0; k < 8; k++) {
        v4f lo = { 0, 0, 0, 0 }, hi = { 0, 0, 0, 0 };
        for (int n = 0; n < 8; n++) {
            lo += load4(tmp + n * 8) * dct_basis[k][n];
            hi += load4(tmp + n * 8 + 4) * dct_basis[k][n];
        }
        store4(blk + k * 8, lo);
        store4(blk + k * 8 + 4, hi);
    }
}
#else
static void
fdct8x8(float *blk)
{
    float tmp[64];
    for (int r = 0; r < 8; r++)
        for (int k = 0; k < 8; k++) {
            float acc = 0;
            for (int n = 0; n < 8; n++)
                acc += dct_basis[k][n] * blk[r * 8 + n];
            tmp[r * 8 + k] = acc;
        }
    for (int c = 0; c < 8; c++)
        for (int k = 0; k < 8; k++) {
            float acc = 0;
            for (int n = 0; n < 8; n++)
                acc += dct_basis[k][n] * tmp[n * 8 + c];
            blk[k * 8 + c] = acc;
        }
}
#endif

typedef struct enc {
    const vfx__dwa_channel *ch;
    const chan_state       *cs;
    const uint8_t *const   *rows; /* per channel (from cs->row0), per sampled row */
    float                   base_error;
    float                   tol[2][64]; /* per block position: luma, chroma */
    uint16_t               *ac;
    size_t                  n_ac;
    uint16_t               *dc;
    size_t                  n_dc;
} enc;

/* Sample x of a row of a HALF or FLOAT channel, as a half (floats clamp to the half range). */
static inline uint16_t
sample_half(const uint8_t *row, int32_t type, int32_t x)
{
    if (type == VFX__DWA_HALF)
        return (uint16_t) (row[2 * x] | row[2 * x + 1] << 8);
    uint32_t u = (uint32_t) row[4 * x] | (uint32_t) row[4 * x + 1] << 8 |
                 (uint32_t) row[4 * x + 2] << 16 | (uint32_t) row[4 * x + 3] << 24;
    float f;
    memcpy(&f, &u, 4);
    f = f > 65504.0f ? 65504.0f : f < -65504.0f ? -65504.0f : f; /* keeps NaN */
    return float_to_half(f);
}

/* Mirror a coordinate past the end back inside [0, n) (partial blocks are padded so). */
static inline int32_t
mirror(int32_t v, int32_t n)
{
    if (v >= n)
        v = n - (v - (n - 1));
    return v < 0 ? n - 1 : v;
}

/* One 8x8 block of channel c at block (bx, by) as floats, through the curve when given. */
static void
gather_block(const enc *e, int32_t c, size_t bx, size_t by, int32_t w, int32_t h,
             const uint16_t *curve, float *blk)
{
    const vfx__dwa_channel *chn = &e->ch[c];
    const chan_state       *cs = &e->cs[c];
    int32_t                 x0 = (int32_t) bx * 8;
    int                     inside = chn->type == VFX__DWA_HALF && x0 + 8 <= w;
    for (int y = 0; y < 8; y++) {
        int32_t        vy = mirror((int32_t) by * 8 + y, h);
        const uint8_t *row = e->rows[cs->row0 + (size_t) vy];
        float         *q = blk + y * 8;
        uint16_t       hv[8];
        if (inside) {
            const uint8_t *p = row + 2 * x0;
            for (int x = 0; x < 8; x++)
                hv[x] = (uint16_t) (p[2 * x] | p[2 * x + 1] << 8);
        } else {
            for (int x = 0; x < 8; x++)
                hv[x] = sample_half(row, chn->type, mirror(x0 + x, w));
        }
        if (curve)
            for (int x = 0; x < 8; x++)
                q[x] = half_to_float_tab[curve[hv[x]]];
        else
            for (int x = 0; x < 8; x++)
                q[x] = half_to_float_tab[hv[x]];
    }
}

static void
encode_lossy(enc *e, int n_comp, const int32_t *chans, int nonlinear)
{
    int32_t w = e->cs[chans[0]].width, h = e->cs[chans[0]].height;
    if (w <= 0 || h <= 0)
        return;
    size_t nbx = ((size_t) w + 7) / 8, nby = ((size_t) h + 7) / 8, nb = nbx * nby;
    uint16_t *dc = e->dc + e->n_dc;
    e->n_dc += nb * (size_t) n_comp;
    const uint16_t *curve = nonlinear ? to_nonlinear_tab : NULL;
    float blk[3][64];
    for (size_t by = 0; by < nby; by++) {
        for (size_t bx = 0; bx < nbx; bx++) {
            for (int k = 0; k < n_comp; k++)
                gather_block(e, chans[k], bx, by, w, h, curve, blk[k]);
            if (n_comp == 3) {
                for (int j = 0; j < 64; j++) {
                    float r = blk[0][j], g = blk[1][j], b = blk[2][j];
                    blk[0][j] = 0.2126f * r + 0.7152f * g + 0.0722f * b;
                    blk[1][j] = -0.1146f * r - 0.3854f * g + 0.5000f * b;
                    blk[2][j] = 0.5000f * r - 0.4542f * g - 0.0458f * b;
                }
            }
            for (int k = 0; k < n_comp; k++) {
                fdct8x8(blk[k]);
                uint16_t hb[64], zig[64];
                halves_from_floats(hb, blk[k]);
                if (e->base_error > 0) {
                    /* the ends of each value's range, rounded to halves 64 at a time */
                    const float *tol = e->tol[k == 0 ? 0 : 1];
                    float        ends[2][64];
                    uint16_t     he[2][64];
                    for (int j = 0; j < 64; j++) {
                        float a = half_to_float_tab[hb[j] & 0x7fffu];
                        ends[0][j] = a - tol[j];
                        ends[1][j] = a + tol[j];
                    }
                    halves_from_floats(he[0], ends[0]);
                    halves_from_floats(he[1], ends[1]);
                    for (int i = 0; i < 64; i++) {
                        int pos = zig_to_pos[i];
                        zig[i] = quantize(hb[pos], tol[pos], he[0][pos], he[1][pos]);
                    }
                } else {
                    for (int i = 0; i < 64; i++)
                        zig[i] = hb[zig_to_pos[i]];
                }
                dc[(size_t) k * nb + by * nbx + bx] = zig[0];
                /* AC run-length: zeros become 0xffnn runs, a run to the end 0xff00 */
                int i = 1;
                while (i < 64) {
                    if (zig[i] != 0) {
                        e->ac[e->n_ac++] = zig[i++];
                        continue;
                    }
                    int run = 1;
                    while (i + run < 64 && zig[i + run] == 0)
                        run++;
                    if (i + run == 64)
                        e->ac[e->n_ac++] = 0xff00u;
                    else if (run == 1)
                        e->ac[e->n_ac++] = 0;
                    else
                        e->ac[e->n_ac++] = (uint16_t) (0xff00u | (uint32_t) run);
                    i += run;
                }
            }
        }
    }
}

/* OpenEXRCore 3.1's default zip level is -1, zlib's default (6); libdeflate's level 6 is its
 * own default too, and gives streams as small as zlib's at that level, faster. */
#define DWA_ZIP_LEVEL 6

static vfx_status
deflate_to(const uint8_t *in, size_t n, uint8_t **out, size_t *n_out)
{
    size_t   cap = vfx__zlib_deflate_bound(n);
    uint8_t *b = vfx__alloc(cap ? cap : 1);
    if (!b)
        return vfx__nomem();
    int zr = vfx__zlib_deflate(in, n, b, cap, DWA_ZIP_LEVEL, n_out);
    if (zr != 0) {
        vfx__free(b);
        return zr == -2 ? vfx__nomem()
                        : vfx__fail(VFX_ERR_INTERNAL, "dwa: deflate compression failed");
    }
    *out = b;
    return VFX_OK;
}

/* OpenEXR's static Huffman coding of the AC values (the format huf_decode reads): code lengths
 * from the symbol counts, canonical codes, the length table packed 6 bits per symbol with
 * zero runs, then the codes; repeats of a symbol may be sent as the run code + 8-bit count.
 * Returns VFX_ERR_UNSUPPORTED when a code would be longer than the table can say (58 bits),
 * and the caller deflates instead. */

typedef struct bit_writer {
    uint8_t *p, *end;
    uint64_t c;
    int      lc;
    uint64_t n_bits;
} bit_writer;

/* Up to 32 bits: the accumulator keeps fewer than 32 pending bits and hands out 32 at a time. */
static inline void
put_bits32(bit_writer *w, int n, uint64_t v)
{
    w->c = (w->c << n) | (v & ((UINT64_C(1) << n) - 1));
    w->lc += n;
    w->n_bits += (uint64_t) n;
    if (w->lc >= 32) {
        w->lc -= 32;
        uint32_t o = (uint32_t) (w->c >> w->lc);
        if (w->end - w->p >= 4) {
            w->p[0] = (uint8_t) (o >> 24);
            w->p[1] = (uint8_t) (o >> 16);
            w->p[2] = (uint8_t) (o >> 8);
            w->p[3] = (uint8_t) o;
        }
        w->p += 4;
    }
}

/* n <= 58 bits, most significant first */
static inline void
put_bits(bit_writer *w, int n, uint64_t v)
{
    if (n > 32) {
        put_bits32(w, n - 32, v >> 32);
        n = 32;
    }
    put_bits32(w, n, v);
}

static void
flush_bits(bit_writer *w)
{
    while (w->lc >= 8) {
        w->lc -= 8;
        if (w->p < w->end)
            *w->p = (uint8_t) (w->c >> w->lc);
        w->p++;
    }
    if (w->lc > 0) {
        if (w->p < w->end)
            *w->p = (uint8_t) (w->c << (8 - w->lc));
        w->p++;
        w->lc = 0;
    }
}

typedef struct huf_node {
    uint64_t freq;
    int32_t  parent;
} huf_node;

static vfx_status
huf_encode(const uint16_t *in, size_t n, uint8_t **out, size_t *n_out)
{
    uint64_t *freq = vfx__calloc(HUF_ENCSIZE, sizeof *freq);
    uint8_t  *len = vfx__calloc(HUF_ENCSIZE, 1);
    uint64_t *code = vfx__calloc(HUF_ENCSIZE, sizeof *code);
    huf_node *node = vfx__alloc(2 * HUF_ENCSIZE * sizeof *node);
    int32_t  *heap = vfx__alloc(HUF_ENCSIZE * sizeof *heap);
    uint32_t *used = vfx__alloc(HUF_ENCSIZE * sizeof *used);
    uint8_t  *buf = NULL;
    vfx_status st = VFX_OK;
    if (!freq || !len || !code || !node || !heap || !used) {
        st = vfx__nomem();
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        freq[in[i]]++;
    uint32_t im = 0, iM = 0;
    while (im < 65535u && !freq[im])
        im++;
    for (iM = 65535u; iM > im && !freq[iM]; iM--)
        ;
    iM++; /* the run code: one more symbol, counted once */
    freq[iM] = 1;
    /* the symbols that occur, increasing: every later pass walks these only */
    size_t n_used = 0;
    for (uint32_t sy = im; sy <= iM; sy++)
        if (freq[sy])
            used[n_used++] = sy;
    /* Huffman tree with a binary min-heap of node indexes; leaves are symbols */
    int32_t n_heap = 0, n_node = 0;
    int32_t *sym_node = (int32_t *) (void *) code; /* borrowed until lengths are known */
    for (size_t u = 0; u < n_used; u++) {
        uint32_t sy = used[u];
        node[n_node] = (huf_node){ freq[sy], -1 };
        sym_node[sy] = n_node;
        int32_t at = n_heap++;
        heap[at] = n_node++;
        while (at > 0 && node[heap[(at - 1) / 2]].freq > node[heap[at]].freq) {
            int32_t t = heap[at];
            heap[at] = heap[(at - 1) / 2];
            heap[(at - 1) / 2] = t;
            at = (at - 1) / 2;
        }
    }
    while (n_heap > 1) {
        int32_t two[2];
        for (int k = 0; k < 2; k++) {
            two[k] = heap[0];
            heap[0] = heap[--n_heap];
            int32_t at = 0;
            for (;;) {
                int32_t l = 2 * at + 1, r = l + 1, m = at;
                if (l < n_heap && node[heap[l]].freq < node[heap[m]].freq)
                    m = l;
                if (r < n_heap && node[heap[r]].freq < node[heap[m]].freq)
                    m = r;
                if (m == at)
                    break;
                int32_t t = heap[at];
                heap[at] = heap[m];
                heap[m] = t;
                at = m;
            }
        }
        node[n_node] = (huf_node){ node[two[0]].freq + node[two[1]].freq, -1 };
        node[two[0]].parent = node[two[1]].parent = n_node;
        int32_t at = n_heap++;
        heap[at] = n_node++;
        while (at > 0 && node[heap[(at - 1) / 2]].freq > node[heap[at]].freq) {
            int32_t t = heap[at];
            heap[at] = heap[(at - 1) / 2];
            heap[(at - 1) / 2] = t;
            at = (at - 1) / 2;
        }
    }
    for (size_t u = 0; u < n_used; u++) {
        uint32_t sy = used[u];
        int depth = 0;
        for (int32_t x = sym_node[sy]; node[x].parent >= 0; x = node[x].parent)
            depth++;
        if (depth == 0)
            depth = 1;
        if (depth > 58) {
            st = VFX_ERR_UNSUPPORTED;
            goto done;
        }
        len[sy] = (uint8_t) depth;
    }
    /* canonical codes, as the decoder derives them */
    {
        uint64_t n_len[59] = { 0 }, cc = 0;
        for (size_t u = 0; u < n_used; u++)
            n_len[len[used[u]]]++;
        for (int l = 58; l > 0; l--) {
            uint64_t next = (cc + n_len[l]) >> 1;
            n_len[l] = cc;
            cc = next;
        }
        for (size_t u = 0; u < n_used; u++)
            code[used[u]] = n_len[len[used[u]]]++;
    }
    /* output: 20-byte header, table, bits (size bound: 6 bits per symbol, <= 58 per value) */
    size_t cap = 20 + ((size_t) (iM - im + 1) * 6 + 7) / 8 + 16 + (size_t) n * 8;
    buf = vfx__alloc(cap);
    if (!buf) {
        st = vfx__nomem();
        goto done;
    }
    bit_writer w = { buf + 20, buf + cap, 0, 0, 0 };
    for (size_t u = 0; u < n_used; u++) {
        /* the symbols without a code before this one, in runs of at most 255 + 6 */
        uint32_t gap = used[u] - (u ? used[u - 1] + 1 : im);
        while (gap > 0) {
            uint32_t run = gap < 255 + 6 ? gap : 255 + 6;
            if (run >= 6) {
                put_bits(&w, 6, 63);
                put_bits(&w, 8, run - 6);
            } else if (run >= 2) {
                put_bits(&w, 6, 59 + run - 2);
            } else {
                put_bits(&w, 6, 0);
            }
            gap -= run;
        }
        put_bits(&w, 6, len[used[u]]);
    }
    flush_bits(&w);
    size_t table_size = (size_t) (w.p - (buf + 20));
    w.n_bits = 0;
    for (size_t i = 0; i < n;) {
        uint16_t sy = in[i];
        if (i + 1 == n || in[i + 1] != sy) { /* the usual case: no repeat */
            put_bits(&w, len[sy], code[sy]);
            i++;
            continue;
        }
        size_t run = 1;
        while (i + 1 + run < n && in[i + 1 + run] == sy && run < 255)
            run++;
        if ((uint64_t) len[sy] + len[iM] + 8 < (uint64_t) len[sy] * run) {
            put_bits(&w, len[sy], code[sy]);
            put_bits(&w, len[iM], code[iM]);
            put_bits(&w, 8, run);
        } else {
            for (size_t k = 0; k <= run; k++)
                put_bits(&w, len[sy], code[sy]);
        }
        i += run + 1;
    }
    uint64_t n_bits = w.n_bits;
    flush_bits(&w);
    if (w.p > w.end || n_bits > UINT32_MAX) {
        st = VFX_ERR_UNSUPPORTED;
        goto done;
    }
    const uint32_t head[5] = { im, iM, (uint32_t) table_size, (uint32_t) n_bits, 0 };
    for (int k = 0; k < 5; k++)
        for (int b = 0; b < 4; b++)
            buf[4 * k + b] = (uint8_t) (head[k] >> (8 * b));
    *out = buf;
    *n_out = (size_t) (w.p - buf);
    buf = NULL;
done:
    vfx__free(freq);
    vfx__free(len);
    vfx__free(code);
    vfx__free(node);
    vfx__free(heap);
    vfx__free(used);
    vfx__free(buf);
    return st;
}

static void
wr_u64le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

/* The input of the encoder: the packed layout (src), or one plane per channel (planes, with
 * line_stride bytes from a sampled row to the next). */
typedef struct enc_input {
    const uint8_t        *src;
    const uint8_t *const *planes;
    const size_t         *line_stride;
} enc_input;

static vfx_status
dwa_encode(const enc_input *in, const vfx__dwa_channel *ch, int32_t n_ch, vfx_rect rect,
           float level, uint8_t **out, size_t *n_out)
{
    tables_init();
    vfx_status st = VFX_OK;
    chan_state *cs = vfx__calloc((size_t) VFX__MAX(n_ch, 1), sizeof *cs);
    int32_t (*sets)[3] = vfx__calloc((size_t) VFX__MAX(n_ch, 1), sizeof *sets);
    const uint8_t **rows = NULL;
    size_t *k_rows = NULL;
    uint8_t *planar_unknown = NULL, *planar_rle = NULL, *rle_buf = NULL, *dc_bytes = NULL;
    uint8_t *z_unknown = NULL, *z_ac = NULL, *z_dc = NULL, *z_rle = NULL, *res = NULL;
    size_t n_z_unknown = 0, n_z_ac = 0, n_z_dc = 0, n_z_rle = 0;
    enc e;
    memset(&e, 0, sizeof e);
    e.ch = ch;
    e.cs = cs;
    e.base_error = (level > 0 ? level : 0) / 100000.0f;
    for (int pos = 0; pos < 64; pos++) {
        e.tol[0][pos] = e.base_error * ((float) quant_y[pos] / 10.0f);
        e.tol[1][pos] = e.base_error * ((float) quant_c[pos] / 17.0f);
    }
    uint8_t rule_used[VFX__COUNTOF(default_rules)] = { 0 };
    if (!cs || !sets) {
        st = vfx__nomem();
        goto out;
    }
    uint64_t n_rows = 0, ac_max = 0, dc_max = 0, unknown_bytes = 0, rle_bytes = 0;
    for (int32_t i = 0; i < n_ch; i++) {
        chan_state *c = &cs[i];
        c->width = VFX__MAX(num_samples(ch[i].x_sampling, rect.x0, rect.x1 - 1), 0);
        c->height = VFX__MAX(num_samples(ch[i].y_sampling, rect.y0, rect.y1 - 1), 0);
        c->scheme = SCHEME_UNKNOWN;
        const char *sfx = suffix_of(ch[i].name);
        for (size_t r = 0; r < VFX__COUNTOF(default_rules); r++) {
            if (default_rules[r].type == ch[i].type && strcmp(default_rules[r].suffix, sfx) == 0) {
                c->scheme = default_rules[r].scheme;
                rule_used[r] = 1;
            }
        }
        c->row0 = (size_t) n_rows;
        n_rows += (uint64_t) c->height;
        uint64_t bytes =
            (uint64_t) c->width * (uint64_t) c->height * (uint64_t) type_size(ch[i].type);
        uint64_t nb = (((uint64_t) c->width + 7) / 8) * (((uint64_t) c->height + 7) / 8);
        if (c->scheme == SCHEME_LOSSY_DCT) {
            ac_max += nb * 63;
            dc_max += nb;
        } else if (c->scheme == SCHEME_RLE) {
            rle_bytes += bytes;
        } else {
            unknown_bytes += bytes;
        }
    }
    /* colour sets: R, G, B of one layer with the same sampling, in prefix byte order */
    int32_t n_sets = 0;
    for (int32_t i = 0; i < n_ch; i++) {
        size_t pl = prefix_len(ch[i].name);
        int    first = 1;
        for (int32_t j = 0; j < i; j++)
            if (prefix_len(ch[j].name) == pl && memcmp(ch[j].name, ch[i].name, pl) == 0)
                first = 0;
        if (!first)
            continue;
        int32_t slot[3] = { -1, -1, -1 };
        for (int32_t j = i; j < n_ch; j++) {
            if (prefix_len(ch[j].name) != pl || memcmp(ch[j].name, ch[i].name, pl) != 0)
                continue;
            const char *sfx = suffix_of(ch[j].name);
            for (size_t r = 0; r < VFX__COUNTOF(default_rules); r++)
                if (default_rules[r].csc >= 0 && default_rules[r].type == ch[j].type &&
                    strcmp(default_rules[r].suffix, sfx) == 0)
                    slot[default_rules[r].csc] = j;
        }
        if (slot[0] < 0 || slot[1] < 0 || slot[2] < 0 ||
            ch[slot[0]].x_sampling != ch[slot[1]].x_sampling ||
            ch[slot[0]].x_sampling != ch[slot[2]].x_sampling ||
            ch[slot[0]].y_sampling != ch[slot[1]].y_sampling ||
            ch[slot[0]].y_sampling != ch[slot[2]].y_sampling)
            continue;
        int32_t pos = n_sets;
        while (pos > 0) {
            const char *o = ch[sets[pos - 1][0]].name;
            size_t      ol = prefix_len(o), m = VFX__MIN(pl, ol);
            int         cmp = memcmp(ch[i].name, o, m);
            if (cmp > 0 || (cmp == 0 && pl >= ol))
                break;
            memcpy(sets[pos], sets[pos - 1], sizeof sets[0]);
            pos--;
        }
        memcpy(sets[pos], slot, sizeof slot);
        n_sets++;
        for (int k = 0; k < 3; k++)
            cs[slot[k]].in_csc = 1;
    }
    /* where each sampled row of each channel sits in the input */
    rows = vfx__calloc((size_t) n_rows + 1, sizeof *rows);
    k_rows = vfx__calloc((size_t) VFX__MAX(n_ch, 1), sizeof *k_rows);
    e.ac = vfx__alloc((size_t) ac_max * 2 + 2);
    e.dc = vfx__alloc((size_t) dc_max * 2 + 2);
    planar_unknown = vfx__alloc((size_t) unknown_bytes + 1);
    planar_rle = vfx__alloc((size_t) rle_bytes + 1);
    rle_buf = vfx__alloc((size_t) rle_bytes * 2 + 16);
    dc_bytes = vfx__alloc((size_t) dc_max * 2 + 2);
    if (!rows || !k_rows || !e.ac || !e.dc || !planar_unknown || !planar_rle || !rle_buf ||
        !dc_bytes) {
        st = vfx__nomem();
        goto out;
    }
    if (in->planes) {
        for (int32_t i = 0; i < n_ch; i++)
            for (size_t y = 0; y < (size_t) cs[i].height; y++)
                rows[cs[i].row0 + y] = in->planes[i] + y * in->line_stride[i];
    } else {
        size_t off = 0;
        for (int32_t y = rect.y0; y < rect.y1; y++)
            for (int32_t i = 0; i < n_ch; i++) {
                if (!mod_is_zero(y, ch[i].y_sampling))
                    continue;
                if (k_rows[i] < (size_t) cs[i].height)
                    rows[cs[i].row0 + k_rows[i]] = in->src + off;
                k_rows[i]++;
                off += (size_t) cs[i].width * (size_t) type_size(ch[i].type);
            }
    }
    e.rows = rows;
    for (int32_t s = 0; s < n_sets; s++)
        encode_lossy(&e, 3, sets[s], 1);
    size_t at_unknown = 0, at_rle = 0;
    for (int32_t i = 0; i < n_ch; i++) {
        const chan_state *c = &cs[i];
        size_t sz = (size_t) type_size(ch[i].type), plane = (size_t) c->width * (size_t) c->height;
        if (c->in_csc)
            continue;
        if (c->scheme == SCHEME_LOSSY_DCT) {
            encode_lossy(&e, 1, &i, !ch[i].p_linear);
        } else if (c->scheme == SCHEME_RLE) {
            for (size_t y = 0; y < (size_t) c->height; y++) {
                const uint8_t *row = rows[c->row0 + y];
                for (size_t x = 0; x < (size_t) c->width; x++)
                    for (size_t b = 0; b < sz; b++)
                        planar_rle[at_rle + b * plane + y * (size_t) c->width + x] =
                            row[x * sz + b];
            }
            at_rle += plane * sz;
        } else {
            size_t line = (size_t) c->width * sz;
            for (size_t y = 0; y < (size_t) c->height; y++)
                memcpy(planar_unknown + at_unknown + y * line, rows[c->row0 + y], line);
            at_unknown += plane * sz;
        }
    }
    /* the streams */
    if (at_unknown && (st = deflate_to(planar_unknown, at_unknown, &z_unknown, &n_z_unknown)))
        goto out;
    int ac_deflated = 0;
    if (e.n_ac) {
        st = huf_encode(e.ac, e.n_ac, &z_ac, &n_z_ac);
        if (st == VFX_ERR_NOMEM)
            goto out;
        ac_deflated = st != VFX_OK;
        st = VFX_OK;
    }
    if (ac_deflated) {
        for (size_t i = 0; i < e.n_ac; i++) { /* little-endian halves */
            uint8_t *b = (uint8_t *) &e.ac[i];
            uint16_t v = e.ac[i];
            b[0] = (uint8_t) v;
            b[1] = (uint8_t) (v >> 8);
        }
        if ((st = deflate_to((const uint8_t *) e.ac, e.n_ac * 2, &z_ac, &n_z_ac)) != VFX_OK)
            goto out;
    }
    if (e.n_dc) {
        size_t n = e.n_dc * 2;
        uint8_t *raw = (uint8_t *) e.dc;
        for (size_t i = 0; i < e.n_dc; i++) {
            uint16_t v = e.dc[i];
            raw[2 * i] = (uint8_t) v;
            raw[2 * i + 1] = (uint8_t) (v >> 8);
        }
        /* split even and odd bytes, then code each byte as the difference to the last + 128 */
        size_t half = (n + 1) / 2;
        for (size_t i = 0; i < n; i++)
            dc_bytes[(i & 1) ? half + i / 2 : i / 2] = raw[i];
        for (size_t i = n - 1; i > 0; i--)
            dc_bytes[i] = (uint8_t) (dc_bytes[i] - dc_bytes[i - 1] + 128);
        if ((st = deflate_to(dc_bytes, n, &z_dc, &n_z_dc)) != VFX_OK)
            goto out;
    }
    size_t n_rle_packed = 0;
    if (at_rle) {
        n_rle_packed = vfx__exr_rle_encode(planar_rle, at_rle, rle_buf);
        if ((st = deflate_to(rle_buf, n_rle_packed, &z_rle, &n_z_rle)) != VFX_OK)
            goto out;
    }
    /* header, rules, streams */
    size_t rules_size = 2;
    for (size_t r = 0; r < VFX__COUNTOF(default_rules); r++)
        if (rule_used[r])
            rules_size += strlen(default_rules[r].suffix) + 3;
    size_t total = N_HEADER * 8 + rules_size + n_z_unknown + n_z_ac + n_z_dc + n_z_rle;
    res = vfx__alloc(total);
    if (!res) {
        st = vfx__nomem();
        goto out;
    }
    uint64_t hd[N_HEADER] = { 0 };
    hd[H_VERSION] = 2;
    hd[H_UNKNOWN_RAW] = at_unknown;
    hd[H_UNKNOWN_PACKED] = n_z_unknown;
    hd[H_AC_PACKED] = n_z_ac;
    hd[H_DC_PACKED] = n_z_dc;
    hd[H_RLE_PACKED] = n_z_rle;
    hd[H_RLE_UNPACKED] = n_rle_packed;
    hd[H_RLE_RAW] = at_rle;
    hd[H_AC_COUNT] = e.n_ac;
    hd[H_DC_COUNT] = e.n_dc;
    hd[H_AC_COMPRESSION] = ac_deflated ? 1 : 0; /* deflate : static Huffman */
    for (int i = 0; i < N_HEADER; i++)
        wr_u64le(res + 8 * i, hd[i]);
    size_t at = N_HEADER * 8;
    res[at++] = (uint8_t) rules_size;
    res[at++] = (uint8_t) (rules_size >> 8);
    for (size_t r = 0; r < VFX__COUNTOF(default_rules); r++) {
        if (!rule_used[r])
            continue;
        size_t l = strlen(default_rules[r].suffix);
        memcpy(res + at, default_rules[r].suffix, l + 1);
        at += l + 1;
        res[at++] = (uint8_t) (((default_rules[r].csc + 1) << 4) | (default_rules[r].scheme << 2));
        res[at++] = (uint8_t) default_rules[r].type;
    }
    if (n_z_unknown)
        memcpy(res + at, z_unknown, n_z_unknown);
    at += n_z_unknown;
    if (n_z_ac)
        memcpy(res + at, z_ac, n_z_ac);
    at += n_z_ac;
    if (n_z_dc)
        memcpy(res + at, z_dc, n_z_dc);
    at += n_z_dc;
    if (n_z_rle)
        memcpy(res + at, z_rle, n_z_rle);
    *out = res;
    *n_out = total;
    res = NULL;
out:
    vfx__free(cs);
    vfx__free(sets);
    vfx__free((void *) rows);
    vfx__free(k_rows);
    vfx__free(e.ac);
    vfx__free(e.dc);
    vfx__free(planar_unknown);
    vfx__free(planar_rle);
    vfx__free(rle_buf);
    vfx__free(dc_bytes);
    vfx__free(z_unknown);
    vfx__free(z_ac);
    vfx__free(z_dc);
    vfx__free(z_rle);
    vfx__free(res);
    return st;
}

vfx_status
vfx__dwa_encode(const uint8_t *src, size_t n_src, const vfx__dwa_channel *ch, int32_t n_ch,
                vfx_rect rect, float level, uint8_t **out, size_t *n_out)
{
    size_t need;
    *out = NULL;
    *n_out = 0;
    VFX_TRY(vfx__dwa_unpacked_size(ch, n_ch, rect, &need));
    if (n_src != need)
        return vfx__fail(VFX_ERR_ARG, "dwa: input is %zu bytes, the chunk needs %zu", n_src, need);
    enc_input in = { src, NULL, NULL };
    return dwa_encode(&in, ch, n_ch, rect, level, out, n_out);
}

vfx_status
vfx__dwa_encode_planes(const uint8_t *const *planes, const size_t *line_stride,
                       const vfx__dwa_channel *ch, int32_t n_ch, vfx_rect rect, float level,
                       uint8_t **out, size_t *n_out)
{
    size_t need;
    *out = NULL;
    *n_out = 0;
    VFX_TRY(vfx__dwa_unpacked_size(ch, n_ch, rect, &need));
    enc_input in = { NULL, planes, line_stride };
    return dwa_encode(&in, ch, n_ch, rect, level, out, n_out);
}

/* Both compress stages. direct: read the caller's planes when the channels allow it (see
 * dwa_int.h), packing only when the chunk must be stored raw. */
static exr_result_t
dwa_compress(exr_encode_pipeline_t *encode, int from_planes)
{
    int direct = from_planes;
    const exr_chunk_info_t *ci = &encode->chunk;
    float level = 45.0f;
    if (exr_attr_get_float(encode->context, encode->part_index, "dwaCompressionLevel", &level) !=
        EXR_ERR_SUCCESS)
        level = 45.0f;
    vfx_rect rect = { 0, 0, ci->width, ci->height };
    if (ci->type == EXR_STORAGE_SCANLINE) {
        exr_attr_box2i_t dw;
        if (exr_get_data_window(encode->context, encode->part_index, &dw) != EXR_ERR_SUCCESS)
            return EXR_ERR_INVALID_ARGUMENT;
        rect.x0 = dw.min.x;
        rect.y0 = ci->start_y;
        rect.x1 = (int32_t) ((int64_t) dw.min.x + ci->width);
        rect.y1 = (int32_t) ((int64_t) ci->start_y + ci->height);
    }
    int32_t n_ch = encode->channel_count;
    size_t n_alloc = (size_t) VFX__MAX(n_ch, 1);
    vfx__dwa_channel *ch = vfx__calloc(n_alloc, sizeof *ch);
    const uint8_t **planes = vfx__calloc(n_alloc, sizeof *planes);
    size_t *line_stride = vfx__calloc(n_alloc, sizeof *line_stride);
    if (!ch || !planes || !line_stride) {
        vfx__free(ch);
        vfx__free((void *) planes);
        vfx__free(line_stride);
        return EXR_ERR_OUT_OF_MEMORY;
    }
    size_t n_raw = 0;
    for (int32_t i = 0; i < n_ch; i++) {
        const exr_coding_channel_info_t *c = &encode->channels[i];
        ch[i].name = c->channel_name;
        ch[i].type = (int32_t) c->data_type;
        ch[i].x_sampling = c->x_samples;
        ch[i].y_sampling = c->y_samples;
        ch[i].p_linear = c->p_linear;
        planes[i] = c->encode_from_ptr;
        line_stride[i] = (size_t) VFX__MAX(c->user_line_stride, 0);
        n_raw += (size_t) VFX__MAX(c->width, 0) * (size_t) VFX__MAX(c->height, 0) *
                 (size_t) VFX__MAX(c->bytes_per_element, 0);
        if (!c->encode_from_ptr || c->user_data_type != c->data_type ||
            c->user_pixel_stride != c->bytes_per_element || c->x_samples != 1 ||
            c->y_samples != 1 || c->user_line_stride < c->width * c->bytes_per_element)
            direct = 0;
    }
    exr_result_t rv = EXR_ERR_SUCCESS;
    if (from_planes && !direct)
        rv = encode->convert_and_pack_fn && encode->packed_buffer
                 ? encode->convert_and_pack_fn(encode)
                 : EXR_ERR_INVALID_ARGUMENT;
    if (!direct)
        n_raw = (size_t) encode->packed_bytes;
    uint8_t *packed = NULL;
    size_t n_packed = 0;
    vfx_status st = VFX_OK;
    if (rv == EXR_ERR_SUCCESS)
        st = direct ? vfx__dwa_encode_planes(planes, line_stride, ch, n_ch, rect, level, &packed,
                                             &n_packed)
                    : vfx__dwa_encode(encode->packed_buffer, n_raw, ch, n_ch, rect, level,
                                      &packed, &n_packed);
    vfx__free(ch);
    vfx__free((void *) planes);
    vfx__free(line_stride);
    if (rv != EXR_ERR_SUCCESS)
        return rv;
    if (st != VFX_OK)
        return st == VFX_ERR_NOMEM ? EXR_ERR_OUT_OF_MEMORY : EXR_ERR_INVALID_ARGUMENT;
    /* not smaller: the chunk is stored as is (readers see packed size == unpacked size) */
    if (n_packed >= n_raw && direct) {
        if (!encode->convert_and_pack_fn || !encode->packed_buffer ||
            (rv = encode->convert_and_pack_fn(encode)) != EXR_ERR_SUCCESS ||
            (size_t) encode->packed_bytes != n_raw) {
            vfx__free(packed);
            return rv != EXR_ERR_SUCCESS ? rv : EXR_ERR_INVALID_ARGUMENT;
        }
    }
    const uint8_t *bytes = n_packed < n_raw ? packed : encode->packed_buffer;
    size_t n = n_packed < n_raw ? n_packed : n_raw;
    if (vfx__exr_reserve_compressed(encode, n) != EXR_ERR_SUCCESS) {
        vfx__free(packed);
        return EXR_ERR_OUT_OF_MEMORY;
    }
    memcpy(encode->compressed_buffer, bytes, n);
    encode->compressed_bytes = n;
    vfx__free(packed);
    return EXR_ERR_SUCCESS;
}

exr_result_t
vfx__exr_dwa_compress(exr_encode_pipeline_t *encode)
{
    return dwa_compress(encode, 0);
}

exr_result_t
vfx__exr_dwa_compress_planes(exr_encode_pipeline_t *encode)
{
    return dwa_compress(encode, 1);
}

/* ---- the OpenEXRCore stage ------------------------------------------------------------------ */

static void *
stage_alloc(exr_decode_pipeline_t *decode, size_t n)
{
    return decode->alloc_fn ? decode->alloc_fn(EXR_TRANSCODE_BUFFER_UNPACKED, n) : vfx__alloc(n);
}

static void
stage_free(exr_decode_pipeline_t *decode, void *p)
{
    if (decode->free_fn)
        decode->free_fn(EXR_TRANSCODE_BUFFER_UNPACKED, p);
    else
        vfx__free(p);
}

exr_result_t
vfx__exr_dwa_decompress(exr_decode_pipeline_t *decode)
{
    const exr_chunk_info_t *ci = &decode->chunk;
    size_t                  n_unpacked = (size_t) ci->unpacked_size;
    if (ci->unpacked_size == 0)
        return EXR_ERR_SUCCESS;
    if (!decode->packed_buffer && ci->packed_size > 0) {
        vfx__fail(VFX_ERR_INTERNAL, "dwa: no packed data");
        return EXR_ERR_INVALID_ARGUMENT;
    }
    /* A chunk that DWA could not shrink is stored as is. OpenEXRCore's read stage then points
     * unpacked_buffer at packed_buffer (with unpacked_alloc_size 0); for other chunks it has
     * already sized unpacked_buffer. */
    if (ci->packed_size == ci->unpacked_size) {
        if (decode->unpacked_buffer != decode->packed_buffer) {
            if (!decode->unpacked_buffer || decode->unpacked_alloc_size < n_unpacked) {
                vfx__fail(VFX_ERR_INTERNAL, "dwa: no unpacked buffer");
                return EXR_ERR_INVALID_ARGUMENT;
            }
            memcpy(decode->unpacked_buffer, decode->packed_buffer, n_unpacked);
        }
        return EXR_ERR_SUCCESS;
    }
    if (decode->unpacked_buffer == decode->packed_buffer) { /* a stale alias: not ours */
        decode->unpacked_buffer = NULL;
        decode->unpacked_alloc_size = 0;
    }
    if (!decode->unpacked_buffer || decode->unpacked_alloc_size < n_unpacked) {
        if (decode->unpacked_buffer && decode->unpacked_alloc_size > 0)
            stage_free(decode, decode->unpacked_buffer);
        decode->unpacked_alloc_size = 0;
        decode->unpacked_buffer = stage_alloc(decode, n_unpacked);
        if (!decode->unpacked_buffer) {
            vfx__nomem();
            return EXR_ERR_OUT_OF_MEMORY;
        }
        decode->unpacked_alloc_size = n_unpacked;
    }
    vfx_rect rect = { 0, 0, ci->width, ci->height };
    if (ci->type == EXR_STORAGE_SCANLINE) {
        exr_attr_box2i_t dw;
        if (exr_get_data_window(decode->context, decode->part_index, &dw) != EXR_ERR_SUCCESS)
            return EXR_ERR_INVALID_ARGUMENT;
        rect.x0 = dw.min.x;
        rect.y0 = ci->start_y;
        rect.x1 = (int32_t) ((int64_t) dw.min.x + ci->width);
        rect.y1 = (int32_t) ((int64_t) ci->start_y + ci->height);
    }
    vfx__dwa_channel  quick[8];
    vfx__dwa_channel *ch = quick;
    int32_t           n_ch = decode->channel_count;
    if (n_ch > (int32_t) VFX__COUNTOF(quick)) {
        ch = vfx__calloc((size_t) n_ch, sizeof *ch);
        if (!ch) {
            vfx__nomem();
            return EXR_ERR_OUT_OF_MEMORY;
        }
    }
    exr_result_t rv = EXR_ERR_SUCCESS;
    for (int32_t i = 0; i < n_ch; i++) {
        const exr_coding_channel_info_t *c = &decode->channels[i];
        ch[i].name = c->channel_name;
        ch[i].type = (int32_t) c->data_type;
        ch[i].x_sampling = c->x_samples;
        ch[i].y_sampling = c->y_samples;
        ch[i].p_linear = c->p_linear;
        if (ci->type != EXR_STORAGE_SCANLINE && (c->x_samples != 1 || c->y_samples != 1)) {
            vfx__fail(VFX_ERR_CORRUPT, "dwa: subsampled channel in a tiled part");
            rv = EXR_ERR_CORRUPT_CHUNK;
        }
    }
    vfx_status st = VFX_OK;
    size_t     need = 0;
    if (rv == EXR_ERR_SUCCESS) {
        st = vfx__dwa_unpacked_size(ch, n_ch, rect, &need);
        if (st == VFX_OK && need != n_unpacked)
            st = vfx__fail(VFX_ERR_CORRUPT, "dwa: chunk layout is %zu bytes, expected %zu",
                           n_unpacked, need);
        if (st == VFX_OK)
            st = vfx__dwa_decode(decode->packed_buffer, (size_t) ci->packed_size, ch, n_ch, rect,
                                 decode->unpacked_buffer, n_unpacked);
        if (st == VFX_ERR_NOMEM)
            rv = EXR_ERR_OUT_OF_MEMORY;
        else if (st != VFX_OK)
            rv = EXR_ERR_CORRUPT_CHUNK;
    }
    if (ch != quick)
        vfx__free(ch);
    return rv;
}

exr_result_t
vfx__exr_dwa_decompress_direct(exr_decode_pipeline_t *decode)
{
    const exr_chunk_info_t *ci = &decode->chunk;
    if (ci->unpacked_size == 0)
        return EXR_ERR_SUCCESS;
    if (!decode->packed_buffer || ci->packed_size == ci->unpacked_size) {
        vfx__fail(VFX_ERR_INTERNAL, "dwa: direct decode of a raw chunk");
        return EXR_ERR_INVALID_ARGUMENT;
    }
    vfx_rect rect = { 0, 0, ci->width, ci->height };
    if (ci->type == EXR_STORAGE_SCANLINE) {
        exr_attr_box2i_t dw;
        if (exr_get_data_window(decode->context, decode->part_index, &dw) != EXR_ERR_SUCCESS)
            return EXR_ERR_INVALID_ARGUMENT;
        rect.x0 = dw.min.x;
        rect.y0 = ci->start_y;
        rect.x1 = (int32_t) ((int64_t) dw.min.x + ci->width);
        rect.y1 = (int32_t) ((int64_t) ci->start_y + ci->height);
    }
    int32_t n_ch = decode->channel_count;
    size_t  n_alloc = (size_t) VFX__MAX(n_ch, 1);
    vfx__dwa_channel *ch = vfx__calloc(n_alloc, sizeof *ch);
    uint8_t **planes = vfx__calloc(n_alloc, sizeof *planes);
    ptrdiff_t *xs = vfx__calloc(2 * n_alloc, sizeof *xs);
    if (!ch || !planes || !xs) {
        vfx__free(ch);
        vfx__free(planes);
        vfx__free(xs);
        vfx__nomem();
        return EXR_ERR_OUT_OF_MEMORY;
    }
    ptrdiff_t *ys = xs + n_alloc;
    exr_result_t rv = EXR_ERR_SUCCESS;
    for (int32_t i = 0; i < n_ch; i++) {
        const exr_coding_channel_info_t *c = &decode->channels[i];
        ch[i].name = c->channel_name;
        ch[i].type = (int32_t) c->data_type;
        ch[i].x_sampling = c->x_samples;
        ch[i].y_sampling = c->y_samples;
        ch[i].p_linear = c->p_linear;
        planes[i] = c->decode_to_ptr;
        xs[i] = c->user_pixel_stride;
        ys[i] = c->user_line_stride;
        if (!c->decode_to_ptr || c->user_data_type != c->data_type || c->x_samples != 1 ||
            c->y_samples != 1) {
            vfx__fail(VFX_ERR_INTERNAL, "dwa: channel %d cannot be decoded in place", i);
            rv = EXR_ERR_INVALID_ARGUMENT;
        }
    }
    if (rv == EXR_ERR_SUCCESS) {
        vfx_status st = vfx__dwa_decode_planes(decode->packed_buffer, (size_t) ci->packed_size,
                                               ch, n_ch, rect, planes, xs, ys);
        if (st == VFX_ERR_NOMEM)
            rv = EXR_ERR_OUT_OF_MEMORY;
        else if (st != VFX_OK)
            rv = EXR_ERR_CORRUPT_CHUNK;
    }
    vfx__free(ch);
    vfx__free(planes);
    vfx__free(xs);
    return rv;
}
