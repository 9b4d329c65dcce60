/* half <-> float: exhaustive and edge-case checks of the portable and F16C paths against each
 * other and against Imath's half (OpenEXR's), which is the oracle when Imath is installed. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"
#include "core/half_int.h"

#ifdef VFX_HAVE_IMATH
/* Imath's C API; without -mf16c it uses the original OpenEXR lookup table for half -> float
 * (imath_half_to_float_table in libImath) and the exact bit-shift code for float -> half. */
#include <Imath/half.h>
#endif

#if VFX__HAVE_F16C_PATH
#include <immintrin.h>
#endif

static uint32_t
fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float
bitsf(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Runs a check once with the portable path forced and once with run-time detection (F16C
 * when the CPU has it). Reports which path is on. */
static int
have_f16c(void)
{
    vfx__half_force_portable(0);
    return vfx__half_uses_f16c();
}

static void
set_path(int portable)
{
    vfx__half_force_portable(portable);
    assert_int_equal(vfx__half_uses_f16c(), portable ? 0 : have_f16c());
}

static int
group_setup(void **state)
{
    (void) state;
    printf("# F16C path: %s\n", have_f16c() ? "available, tested" : "not available on this CPU");
#ifdef VFX_HAVE_IMATH
    printf("# oracle: Imath half\n");
#else
    printf("# oracle: none (Imath not found), self-consistency and fixed values only\n");
#endif
    return 0;
}

static int
test_teardown(void **state)
{
    (void) state;
    vfx__half_force_portable(0);
    return 0;
}

/* ---- half -> float ------------------------------------------------------------------------ */

static void
half_all_values_round_trip(void **state)
{
    (void) state;
    static uint16_t h[65536], back[65536];
    static float    f[65536];
    for (uint32_t i = 0; i < 65536; i++)
        h[i] = (uint16_t) i;
    for (int portable = 1; portable >= 0; portable--) {
        set_path(portable);
        vfx_half_to_float_n(h, f, 65536);
        vfx_float_to_half_n(f, back, 65536);
        for (uint32_t i = 0; i < 65536; i++) {
            float s = vfx_half_to_float((uint16_t) i);
            assert_int_equal(fbits(s), fbits(f[i]));
            int is_nan = (i & 0x7c00u) == 0x7c00u && (i & 0x3ffu) != 0;
            assert_int_equal(is_nan, isnan(f[i]) != 0);
            assert_int_equal(back[i], i); /* bit-exact, NaN payloads included */
            assert_int_equal(vfx_float_to_half(s), i);
        }
    }
}

static void
half_to_float_known_values(void **state)
{
    (void) state;
    static const struct {
        uint16_t h;
        uint32_t f;
    } cases[] = {
        { 0x0000, 0x00000000 }, /* +0 */
        { 0x8000, 0x80000000 }, /* -0 */
        { 0x3c00, 0x3f800000 }, /* 1 */
        { 0xc000, 0xc0000000 }, /* -2 */
        { 0x3555, 0x3eaaa000 }, /* 0.333251953125 */
        { 0x7bff, 0x477fe000 }, /* 65504, max half */
        { 0x0400, 0x38800000 }, /* 2^-14, smallest normal */
        { 0x03ff, 0x387fc000 }, /* largest denormal */
        { 0x0001, 0x33800000 }, /* 2^-24, smallest denormal */
        { 0x8001, 0xb3800000 },
        { 0x0200, 0x38000000 }, /* 2^-15 */
        { 0x7c00, 0x7f800000 }, /* inf */
        { 0xfc00, 0xff800000 }, /* -inf */
        { 0x7e00, 0x7fc00000 }, /* quiet NaN */
        { 0x7c01, 0x7f802000 }, /* signalling NaN stays signalling, payload kept */
        { 0xfd55, 0xffaaa000 }, /* negative NaN */
        { 0x7fff, 0x7fffe000 },
    };
    /* Bulk calls over one block of 8 per case (the case in every lane once) plus a tail, so
     * both the vector body and the scalar tail see each value. */
    for (int portable = 1; portable >= 0; portable--) {
        set_path(portable);
        for (size_t c = 0; c < VFX__COUNTOF(cases); c++) {
            uint16_t src[11];
            float    dst[11];
            for (int i = 0; i < 11; i++)
                src[i] = cases[c].h;
            vfx_half_to_float_n(src, dst, 11);
            for (int i = 0; i < 11; i++)
                assert_int_equal(fbits(dst[i]), cases[c].f);
            assert_int_equal(fbits(vfx_half_to_float(cases[c].h)), cases[c].f);
#ifdef VFX_HAVE_IMATH
            assert_int_equal(fbits(imath_half_to_float(cases[c].h)), cases[c].f);
#endif
        }
    }
}

#ifdef VFX_HAVE_IMATH
static void
half_to_float_matches_imath_all(void **state)
{
    (void) state;
    static uint16_t h[65536 + 3];
    static float    f[65536 + 3];
    for (uint32_t i = 0; i < 65536; i++)
        h[i + 3] = (uint16_t) i;
    for (int portable = 1; portable >= 0; portable--) {
        set_path(portable);
        /* +3: unaligned start for the vector loads */
        vfx_half_to_float_n(h + 3, f + 3, 65536);
        for (uint32_t i = 0; i < 65536; i++) {
            uint32_t want = fbits(imath_half_to_float((imath_half_bits_t) i));
            assert_int_equal(fbits(f[i + 3]), want);
            assert_int_equal(fbits(vfx_half_to_float((uint16_t) i)), want);
        }
    }
}
#endif

/* ---- float -> half ------------------------------------------------------------------------ */

static const struct {
    uint32_t f;
    uint16_t h;
} f2h_cases[] = {
    { 0x00000000, 0x0000 }, /* +0 */
    { 0x80000000, 0x8000 }, /* -0 keeps its sign */
    { 0x3f800000, 0x3c00 }, /* 1 */
    { 0xbf800000, 0xbc00 }, /* -1 */
    { 0x3f801000, 0x3c00 }, /* 1 + 2^-11: tie, to even (down) */
    { 0x3f803000, 0x3c02 }, /* 1 + 3 * 2^-11: tie, to even (up) */
    { 0x3f801001, 0x3c01 }, /* just above the tie */
    { 0x3f800fff, 0x3c00 }, /* just below the tie */
    { 0x477fe000, 0x7bff }, /* 65504, max half */
    { 0x477fefff, 0x7bff }, /* largest float that still rounds to max half */
    { 0x477ff000, 0x7c00 }, /* 65520: the tie above max half overflows to inf */
    { 0x477ff001, 0x7c00 },
    { 0x47800000, 0x7c00 }, /* 65536 */
    { 0x501502f9, 0x7c00 }, /* 1e10 */
    { 0xd01502f9, 0xfc00 }, /* -1e10 */
    { 0x7f7fffff, 0x7c00 }, /* FLT_MAX */
    { 0x7f800000, 0x7c00 }, /* inf */
    { 0xff800000, 0xfc00 }, /* -inf */
    { 0x38800000, 0x0400 }, /* 2^-14, smallest normal half */
    { 0x387fc000, 0x03ff }, /* largest denormal half */
    { 0x387fe000, 0x0400 }, /* tie between largest denormal and smallest normal: to even */
    { 0x387fdfff, 0x03ff }, /* just below that tie */
    { 0x387fa000, 0x03fe }, /* tie between 0x3fd and 0x3fe: to even */
    { 0x33800000, 0x0001 }, /* 2^-24, smallest denormal half */
    { 0xb3800000, 0x8001 },
    { 0x33000000, 0x0000 }, /* 2^-25: tie between 0 and 2^-24, to even 0 */
    { 0xb3000000, 0x8000 },
    { 0x33000001, 0x0001 }, /* just above it */
    { 0x32ffffff, 0x0000 },
    { 0x34400000, 0x0003 }, /* 3 * 2^-24: exact denormal */
    { 0x33c00000, 0x0002 }, /* 1.5 * 2^-24: tie between 1 and 2, to even 2 */
    { 0x34200000, 0x0002 }, /* 2.5 * 2^-24: tie between 2 and 3, to even 2 */
    { 0x00000001, 0x0000 }, /* float denormals underflow to zero */
    { 0x807fffff, 0x8000 },
    { 0x3eaaaaab, 0x3555 }, /* 1/3 */
    { 0x7fc00000, 0x7e00 }, /* quiet NaN */
    { 0xffc00000, 0xfe00 }, /* negative quiet NaN */
    { 0x7f800001, 0x7c01 }, /* NaN with payload only in the dropped bits: stays a NaN */
    { 0x7fa00000, 0x7d00 }, /* signalling NaN: not quieted (as OpenEXR's half) */
    { 0x7fffffff, 0x7fff }, /* payload truncated, never rounded into the sign */
    { 0xff802000, 0xfc01 },
};

static void
float_to_half_known_values(void **state)
{
    (void) state;
    for (int portable = 1; portable >= 0; portable--) {
        set_path(portable);
        for (size_t c = 0; c < VFX__COUNTOF(f2h_cases); c++) {
            float    src[19];
            uint16_t dst[19];
            for (int i = 0; i < 19; i++)
                src[i] = bitsf(f2h_cases[c].f);
            vfx_float_to_half_n(src, dst, 19);
            for (int i = 0; i < 19; i++)
                assert_int_equal(dst[i], f2h_cases[c].h);
            assert_int_equal(vfx_float_to_half(bitsf(f2h_cases[c].f)), f2h_cases[c].h);
#ifdef VFX_HAVE_IMATH
            assert_int_equal(imath_float_to_half(bitsf(f2h_cases[c].f)), f2h_cases[c].h);
#endif
        }
    }
}

static void
float_to_half_nan_mixed_into_a_block(void **state)
{
    (void) state;
    /* one NaN in each lane of a vector block, the rest ordinary: the block's fallback must
     * convert the ordinary values exactly too */
    for (int lane = 0; lane < 8; lane++) {
        float    src[8];
        uint16_t dst[8];
        for (int i = 0; i < 8; i++)
            src[i] = (float) (i + 1) * 0.1f;
        src[lane] = bitsf(0x7fa00000u);
        vfx__half_force_portable(0);
        vfx_float_to_half_n(src, dst, 8);
        for (int i = 0; i < 8; i++)
            assert_int_equal(dst[i], i == lane ? 0x7d00 : vfx_float_to_half(src[i]));
        uint16_t h[8];
        float    f[8];
        for (int i = 0; i < 8; i++)
            h[i] = (uint16_t) (0x3c00 + i);
        h[lane] = 0x7c01;
        vfx_half_to_float_n(h, f, 8);
        for (int i = 0; i < 8; i++)
            assert_int_equal(fbits(f[i]), fbits(vfx_half_to_float(h[i])));
        assert_int_equal(fbits(f[lane]), 0x7f802000u);
    }
}

/* Every float bit pattern with step @p step from @p start: the scalar, bulk portable and bulk
 * F16C results must agree (and agree with Imath when present). */
static void
sweep(uint64_t start, uint64_t step)
{
    enum { N = 4096 };
    static float    f[N];
    static uint16_t a[N], b[N];
    int             f16c = have_f16c();
    uint64_t        u    = start;
    while (u <= 0xffffffffu) {
        size_t k = 0;
        for (; k < N && u <= 0xffffffffu; k++, u += step)
            f[k] = bitsf((uint32_t) u);
        vfx__half_force_portable(1);
        vfx_float_to_half_n(f, a, k);
        if (f16c) {
            vfx__half_force_portable(0);
            vfx_float_to_half_n(f, b, k);
        }
        for (size_t i = 0; i < k; i++) {
            uint16_t want = vfx_float_to_half(f[i]);
#ifdef VFX_HAVE_IMATH
            want = imath_float_to_half(f[i]);
#endif
            if (a[i] != want || (f16c && b[i] != want) || vfx_float_to_half(f[i]) != want)
                fail_msg("float 0x%08x: portable 0x%04x f16c 0x%04x scalar 0x%04x want 0x%04x",
                         fbits(f[i]), a[i], f16c ? b[i] : 0, vfx_float_to_half(f[i]), want);
        }
    }
}

static void
float_to_half_sweep_every_97th(void **state)
{
    (void) state;
    sweep(0, 97);
    sweep(48, 97); /* another phase of the same stride */
}

static void
float_to_half_sweep_half_range_exhaustive(void **state)
{
    (void) state;
    /* Every float in and around the range where half has distinct values (from just under
     * 2^-25 to just over 65520) and every NaN/inf with a few payload bits, both signs: all
     * the rounding decisions happen here; everything else is 0 or inf. */
    for (uint32_t sign = 0; sign <= 1; sign++) {
        uint64_t s = (uint64_t) sign << 31;
        uint64_t lo = s | 0x32f00000u, hi = s | 0x47900000u;
        enum { N = 4096 };
        static float    f[N];
        static uint16_t a[N], b[N];
        int             f16c = have_f16c();
        for (uint64_t u = lo; u < hi;) {
            size_t k = 0;
            for (; k < N && u < hi; k++, u++)
                f[k] = bitsf((uint32_t) u);
            vfx__half_force_portable(1);
            vfx_float_to_half_n(f, a, k);
            if (f16c) {
                vfx__half_force_portable(0);
                vfx_float_to_half_n(f, b, k);
            }
            for (size_t i = 0; i < k; i++) {
#ifdef VFX_HAVE_IMATH
                uint16_t want = imath_float_to_half(f[i]);
#else
                uint16_t want = a[i];
#endif
                if (a[i] != want || (f16c && b[i] != want))
                    fail_msg("float 0x%08x: portable 0x%04x f16c 0x%04x want 0x%04x",
                             fbits(f[i]), a[i], f16c ? b[i] : 0, want);
            }
        }
    }
}

#if VFX__HAVE_F16C_PATH
/* The F16C path must not depend on the caller's MXCSR: flush-to-zero, denormals-are-zero and
 * a directed rounding mode leave the results unchanged. */
static void
f16c_ignores_mxcsr_modes(void **state)
{
    (void) state;
    if (!have_f16c())
        skip();
    static uint16_t h[65536], back[65536];
    static float    f[65536], ref[65536];
    for (uint32_t i = 0; i < 65536; i++)
        h[i] = (uint16_t) i;
    vfx__half_force_portable(1);
    vfx_half_to_float_n(h, ref, 65536);
    vfx__half_force_portable(0);
    unsigned int saved = _mm_getcsr();
    /* FTZ (bit 15) | DAZ (bit 6) | round toward zero (bits 13-14) */
    _mm_setcsr(saved | 0x8000u | 0x0040u | 0x6000u);
    vfx_half_to_float_n(h, f, 65536);
    vfx_float_to_half_n(ref, back, 65536);
    float    mid[4096];
    uint16_t mid_h[4096];
    for (int i = 0; i < 4096; i++) /* values between the halves: rounding matters */
        mid[i] = bitsf(0x33000000u + (uint32_t) i * 0x3001u);
    vfx_float_to_half_n(mid, mid_h, 4096);
    _mm_setcsr(saved);
    for (uint32_t i = 0; i < 65536; i++) {
        assert_int_equal(fbits(f[i]), fbits(ref[i]));
        assert_int_equal(back[i], i);
    }
    for (int i = 0; i < 4096; i++)
        assert_int_equal(mid_h[i], vfx_float_to_half(mid[i]));
}
#endif

static void
bulk_every_length_and_alignment(void **state)
{
    (void) state;
    uint16_t h[40], h2[40];
    float    f[40];
    for (int portable = 1; portable >= 0; portable--) {
        set_path(portable);
        for (size_t off = 0; off < 4; off++)
            for (size_t n = 0; n <= 33; n++) {
                for (size_t i = 0; i < 40; i++) {
                    h[i]  = (uint16_t) (0x3000 + i * 37);
                    f[i]  = -1.0f;
                    h2[i] = 0xdead;
                }
                vfx_half_to_float_n(h + off, f + off, n);
                vfx_float_to_half_n(f + off, h2 + off, n);
                for (size_t i = 0; i < 40; i++) {
                    int in = i >= off && i < off + n;
                    if (in) {
                        assert_int_equal(fbits(f[i]), fbits(vfx_half_to_float(h[i])));
                        assert_int_equal(h2[i], h[i]);
                    } else { /* nothing outside [off, off + n) is touched */
                        assert_int_equal(fbits(f[i]), fbits(-1.0f));
                        assert_int_equal(h2[i], 0xdead);
                    }
                }
            }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(half_all_values_round_trip, test_teardown),
        cmocka_unit_test_teardown(half_to_float_known_values, test_teardown),
#ifdef VFX_HAVE_IMATH
        cmocka_unit_test_teardown(half_to_float_matches_imath_all, test_teardown),
#endif
        cmocka_unit_test_teardown(float_to_half_known_values, test_teardown),
        cmocka_unit_test_teardown(float_to_half_nan_mixed_into_a_block, test_teardown),
        cmocka_unit_test_teardown(float_to_half_sweep_every_97th, test_teardown),
        cmocka_unit_test_teardown(float_to_half_sweep_half_range_exhaustive, test_teardown),
#if VFX__HAVE_F16C_PATH
        cmocka_unit_test_teardown(f16c_ignores_mxcsr_modes, test_teardown),
#endif
        cmocka_unit_test_teardown(bulk_every_length_and_alignment, test_teardown),
    };
    return cmocka_run_group_tests_name("core/half", tests, group_setup, NULL);
}
