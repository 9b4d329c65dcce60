#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* |a - b| <= abs_tol + rel_tol * |b| */
static int
near(double a, double b, double abs_tol, double rel_tol)
{
    return fabs(a - b) <= abs_tol + rel_tol * fabs(b);
}

#define ASSERT_NEAR(a, b, tol)                                                              \
    do {                                                                                    \
        double a_ = (a), b_ = (b);                                                          \
        if (!(fabs(a_ - b_) <= (tol))) {                                                    \
            print_error("%s = %.9f, expected %.9f (tol %g)\n", #a, a_, b_, (double) (tol)); \
            fail();                                                                         \
        }                                                                                   \
    } while (0)

/* Published reference values. Sources:
 * - ACEScc / ACEScct 0.18 -> 0.4135884: S-2014-003 / S-2016-001, (log2(0.18) + 9.72) / 17.52.
 * - LogC3 EI800 0.18 -> 0.391007: ARRI "ALEXA Log C Curve - Usage in VFX", 18% grey.
 * - LogC4 0.18 -> 0.2783958: ARRI LogC4 specification (2022), mid grey.
 * - S-Log3 0.18 -> 420 / 1023: Sony S-Log3 technical summary, 18% grey = code 420.
 * - S-Log2 0.18 -> code 347 (Sony S-Log2 technical summary table, integer code).
 * - V-Log 0.18 -> 0.4233: Panasonic V-Log reference manual (18% grey = 0.423, code 433); the
 *   formula with the published constants gives 0.4233118.
 * - Log3G10 0.18 -> 1/3: RED Log3G10 white paper (mid grey maps to 1/3 by design).
 * - PQ 100 cd/m^2 -> 0.508078: ST 2084 (BT.2100 table of reference values, 100 nits = 0.5081).
 * - HLG E = 1/12 -> 0.5 and E = 1 -> 1.0: BT.2100 table 5.
 * - sRGB 0.0031308 -> 0.04045 (the breakpoint), 1 -> 1.
 * - DaVinci Intermediate 0.18 -> 0.336043: Blackmagic DaVinci Wide Gamut Intermediate doc.
 * - BMD Film Gen5 0.18 -> 0.3836 (Blackmagic Gen 5 colour science doc: mid grey 38.4%).
 * - Canon Log 2 0.18 -> 39.2% IRE (Canon Log v1.2 white paper), IRE being the legal-range
 *   signal (code - 64) / 876. Canon Log 3: no independent published grey value was at hand;
 *   0.327954 is the v1.2 formula at reflection 0.2 (a regression guard only).
 * - Cineon: 1.0 -> code 685, 0 -> code 95 (Kodak Cineon document).
 * - ACESproxy10 0.18 -> code 426 (S-2013-001 table). */
static void
transfer_reference_values(void **state)
{
    (void) state;
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_ACESCCT, 0.18), 0.4135884, 5e-7);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_ACESCC, 0.18), 0.4135884, 5e-7);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_LOGC3, 0.18), 0.391007, 1e-6);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_LOGC4, 0.18), 0.2783958, 1e-7);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_SLOG3, 0.18), 420.0 / 1023.0, 1e-7);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_SLOG2, 0.18) * 1023.0, 347.0, 0.5);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_VLOG, 0.18), 0.4233, 2e-5);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_LOG3G10, 0.18), 1.0 / 3.0, 1e-6);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_PQ, 1.0), 0.508078, 1e-6);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_PQ, 100.0), 1.0, 1e-12);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_HLG, 1.0 / 12.0), 0.5, 1e-12);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_HLG, 1.0), 1.0, 1e-7);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_SRGB, 0.0031308), 0.04045, 1e-6);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_SRGB, 1.0), 1.0, 1e-12);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_SRGB, -0.18), -vfx_transfer_encode(VFX_TRANSFER_SRGB, 0.18), 0);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_DAVINCI_INTERMEDIATE, 0.18), 0.336043, 1e-6);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_BMD_FILM_GEN5, 0.18), 0.3836, 1e-4);
    ASSERT_NEAR((vfx_transfer_encode(VFX_TRANSFER_CANON_LOG2, 0.18) * 1023.0 - 64.0) / 876.0, 0.392, 5e-4);
    ASSERT_NEAR((vfx_transfer_encode(VFX_TRANSFER_CANON_LOG3, 0.18) * 1023.0 - 64.0) / 876.0, 0.327954, 1e-6);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_CINEON, 1.0), 685.0 / 1023.0, 1e-12);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_CINEON, 0.0), 95.0 / 1023.0, 1e-12);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_ACESPROXY10, 0.18) * 1023.0, 426.0, 0.5);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_BT1886, 0.5), pow(0.5, 1.0 / 2.4), 1e-15);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_BT709, 0.01), 0.045, 1e-12);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_BT709, 1.0), 1.0, 1e-12);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_GAMMA_2_2, 0.5), pow(0.5, 1.0 / 2.2), 1e-15);
    ASSERT_NEAR(vfx_transfer_decode(VFX_TRANSFER_GAMMA_2_0, -0.5), -0.25, 1e-15);
    /* LogC3 at other EIs keeps mid grey near 0.391 (SUP 3.x moves it slightly) */
    for (int32_t ei = 160; ei <= 1600; ei = ei == 160 ? 200 : ei == 200 ? 250 : ei == 250 ? 320 : ei == 320 ? 400 : ei == 400 ? 500 : ei == 500 ? 640 : ei == 640 ? 800 : ei == 800 ? 1000 : ei == 1000 ? 1280 : ei == 1280 ? 1600 : 9999) {
        vfx_transfer tf;
        assert_int_equal(vfx_transfer_logc3_for_ei(ei, &tf), VFX_OK);
        double v = vfx_transfer_encode(tf, 0.18);
        assert_true(v > 0.38 && v < 0.40);
    }
    vfx_transfer tf;
    assert_int_equal(vfx_transfer_logc3_for_ei(123, &tf), VFX_ERR_ARG);
}

/* Lower end of the domain where decode(encode(x)) == x. */
static double
domain_lo(vfx_transfer tf)
{
    switch (tf) {
    case VFX_TRANSFER_ACESCC: return 1e-6;
    case VFX_TRANSFER_ACESPROXY10: return 0.002;
    case VFX_TRANSFER_CINEON:
    case VFX_TRANSFER_REDLOGFILM: return -0.0108;
    case VFX_TRANSFER_APPLE_LOG: return -0.0564;
    default: return -4.0;
    }
}

static double
domain_hi(vfx_transfer tf)
{
    switch (tf) {
    case VFX_TRANSFER_ACESPROXY10: return 200.0;
    case VFX_TRANSFER_HLG: return 4.0;
    default: return 1000.0;
    }
}

static void
transfer_round_trip(void **state)
{
    (void) state;
    int bad_decode = 0;
    for (int t = 0; t < VFX_TRANSFER_COUNT; t++) {
        vfx_transfer tf = (vfx_transfer) t;
        const char *name = vfx_transfer_name(tf);
        assert_non_null(name);
        vfx_transfer back;
        assert_int_equal(vfx_transfer_from_name(name, &back), VFX_OK);
        assert_int_equal(back, tf);
        double lo = domain_lo(tf), hi = domain_hi(tf);
        double worst = 0, worst_x = 0;
        float fx[4001], fy[4001];
        for (int i = 0; i <= 4000; i++) {
            /* dense near 0, then geometric up to hi */
            double u = i / 4000.0;
            double x = i < 2000 ? lo + (fmin(1.0, hi) - lo) * (u * 2.0)
                                : pow(hi, (u - 0.5) * 2.0);
            double y = vfx_transfer_decode(tf, vfx_transfer_encode(tf, x));
            double err = fabs(y - x) / (1e-6 + fabs(x)) ;
            if (!near(y, x, 1e-9, 1e-9) && err > worst) {
                worst = err;
                worst_x = x;
            }
            fx[i] = (float) x;
        }
        if (worst > 0) {
            print_error("%s: f64 round trip off by %g at %g\n", name, worst, worst_x);
            fail();
        }
        /* f32 spans: encode vs f64 reference, and round trip */
        assert_int_equal(vfx_transfer_encode_f32(tf, fx, fy, 4001), VFX_OK);
        for (int i = 0; i <= 4000; i++) {
            double ref = vfx_transfer_encode(tf, (double) fx[i]);
            if (!near(fy[i], ref, 1e-6, 1e-6)) {
                print_error("%s: f32 encode(%g) = %.9g, f64 %.9g\n", name, fx[i], fy[i], ref);
                fail();
            }
        }
        /* f32 decode vs the f64 decode of the same codes (the codes of the samples, and a
         * sweep over [-0.5, 1.6] that takes PQ past its code of 65504) */
        float codes[4001 + 2101], dec[4001 + 2101];
        memcpy(codes, fy, sizeof fy);
        for (int i = 0; i <= 2100; i++)
            codes[4001 + i] = (float) (-0.5 + i * 0.001);
        assert_int_equal(vfx_transfer_decode_f32(tf, codes, dec, 4001 + 2101), VFX_OK);
        for (int i = 0; i < 4001 + 2101; i++) {
            double ref = vfx_transfer_decode(tf, (double) codes[i]);
            if (fabs(ref) > 1e30 || !isfinite(ref))
                continue;
            if (!near(dec[i], ref, 1e-6, 1e-6)) {
                print_error("%s: f32 decode(%.9g) = %.9g, f64 %.9g\n", name, codes[i], dec[i], ref);
                bad_decode++;
                break;
            }
        }
        assert_int_equal(vfx_transfer_decode_f32(tf, fy, fy, 4001), VFX_OK);
        for (int i = 0; i <= 4000; i++) {
            if (!near(fy[i], fx[i], 1e-6, 1e-5)) {
                print_error("%s: f32 round trip %g -> %.9g\n", name, fx[i], fy[i]);
                fail();
            }
        }
    }
    assert_int_equal(bad_decode, 0);
    /* the f64-accurate span kernels pass NaN through, at any length (vector body and tail) */
    static const vfx_transfer nan_tf[] = { VFX_TRANSFER_PQ, VFX_TRANSFER_HLG, VFX_TRANSFER_LOGC3,
                                           VFX_TRANSFER_SLOG3, VFX_TRANSFER_LOGC4, VFX_TRANSFER_BT709 };
    for (size_t k = 0; k < sizeof nan_tf / sizeof nan_tf[0]; k++) {
        float buf[13];
        for (int i = 0; i < 13; i++)
            buf[i] = i == 5 || i == 12 ? NAN : 0.1f * (float) i;
        assert_int_equal(vfx_transfer_encode_f32(nan_tf[k], buf, buf, 13), VFX_OK);
        assert_int_equal(vfx_transfer_decode_f32(nan_tf[k], buf, buf, 13), VFX_OK);
        for (int i = 0; i < 13; i++) {
            if (i == 5 || i == 12)
                assert_true(isnan(buf[i]));
            else
                assert_true(near(buf[i], 0.1 * i, 1e-6, 1e-5));
        }
    }
    float v = 0;
    assert_int_equal(vfx_transfer_encode_f32((vfx_transfer) 99, &v, &v, 1), VFX_ERR_ARG);
    assert_true(isnan(vfx_transfer_encode((vfx_transfer) 99, 0.5)));
}

static void
transfer_non_bijective_behaviour(void **state)
{
    (void) state;
    /* ACEScc: negatives clamp to the log of 2^-16 */
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_ACESCC, -1.0), (-16.0 + 9.72) / 17.52, 1e-12);
    ASSERT_NEAR(vfx_transfer_decode(VFX_TRANSFER_ACESCC, 10.0), 65504.0, 0);
    /* Apple Log: below R0 encodes to 0 */
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_APPLE_LOG, -1.0), 0.0, 0);
    /* PQ codes above 1 follow the formula up to the code of 65504, then stay at 65504 (OCIO's
     * inverse of its PQ encode); never NaN */
    ASSERT_NEAR(vfx_transfer_decode(VFX_TRANSFER_PQ, 1.0), 100.0, 1e-9);
    double c12 = vfx_transfer_decode(VFX_TRANSFER_PQ, 1.2);
    assert_true(c12 > 100.0 && c12 < 65504.0);
    ASSERT_NEAR(vfx_transfer_encode(VFX_TRANSFER_PQ, c12), 1.2, 1e-9);
    ASSERT_NEAR(vfx_transfer_decode(VFX_TRANSFER_PQ, 1.6), 65504.0, 0);
    ASSERT_NEAR(vfx_transfer_decode(VFX_TRANSFER_PQ, 2.5), 65504.0, 0);
    ASSERT_NEAR(vfx_transfer_decode(VFX_TRANSFER_PQ, -10.0), -65504.0, 0);
    assert_true(isnan(vfx_transfer_decode(VFX_TRANSFER_PQ, NAN)));
    float codes[4] = { 1.2f, 1.6f, 2.5f, 100.0f };
    assert_int_equal(vfx_transfer_decode_f32(VFX_TRANSFER_PQ, codes, codes, 4), VFX_OK);
    for (int i = 0; i < 4; i++)
        assert_true(isfinite(codes[i]) && codes[i] <= 65504.0f);
    assert_false(vfx_transfer_is_bijective(VFX_TRANSFER_PQ));
    assert_false(vfx_transfer_is_bijective(VFX_TRANSFER_ACESCC));
    assert_true(vfx_transfer_is_bijective(VFX_TRANSFER_ACESCCT));
    assert_true(isfinite(vfx_transfer_encode(VFX_TRANSFER_CINEON, -1.0)));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transfer_reference_values),
        cmocka_unit_test(transfer_round_trip),
        cmocka_unit_test(transfer_non_bijective_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
