/* Blend modes against the W3C formulas evaluated here in double precision on the same input
 * pixels (opaque and with alpha, overlapping and offset data windows), tolerance 1e-5. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "vfx/ops.h"

static vfx_image *
noise(vfx_rect data, int nc, uint64_t seed, float lo, float hi)
{
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, 1, 1, nc == 4 ? "R,G,B,A" : "R,G,B", VFX_PIXEL_F32),
                     VFX_OK);
    s.data = data;
    s.display = (vfx_rect){ 0, 0, 64, 48 };
    vfx_image *im = NULL;
    assert_int_equal(vfx_image_noise(&s, seed, lo, hi, &im), VFX_OK);
    vfx_spec_clear(&s);
    return im;
}

static float *
pixels(vfx_image *im, vfx_rect r)
{
    int32_t nc = vfx_image_n_channels(im);
    size_t  row = (size_t) vfx_rect_width(r) * (size_t) nc * 4;
    float  *p = malloc(row * (size_t) vfx_rect_height(r));
    assert_non_null(p);
    assert_int_equal(vfx_image_render(im, r, p, VFX_PIXEL_F32, nc * 4, (ptrdiff_t) row, nc, NULL),
                     VFX_OK);
    return p;
}

static double
hl(double cb, double cs)
{
    return cs <= 0.5 ? cb * 2 * cs : cb + (2 * cs - 1) - cb * (2 * cs - 1);
}

static double
ref(vfx_blend_mode m, double cb, double cs)
{
    switch (m) {
    case VFX_BLEND_MULTIPLY: return cb * cs;
    case VFX_BLEND_SCREEN: return 1 - (1 - cb) * (1 - cs);
    case VFX_BLEND_OVERLAY: return hl(cs, cb);
    case VFX_BLEND_HARDLIGHT: return hl(cb, cs);
    case VFX_BLEND_SOFTLIGHT: {
        double d = cb <= 0.25 ? ((16 * cb - 12) * cb + 4) * cb : sqrt(cb);
        return cs <= 0.5 ? cb - (1 - 2 * cs) * cb * (1 - cb) : cb + (2 * cs - 1) * (d - cb);
    }
    case VFX_BLEND_DARKEN: return fmin(cb, cs);
    case VFX_BLEND_LIGHTEN: return fmax(cb, cs);
    case VFX_BLEND_DIFFERENCE: return fabs(cb - cs);
    case VFX_BLEND_EXCLUSION: return cb + cs - 2 * cb * cs;
    default: return cb + cs;
    }
}

static void
blend_matches_formulas(void **state)
{
    (void) state;
    static const char *const names[] = { "multiply", "screen", "overlay", "softlight", "hardlight",
                                         "darken", "lighten", "difference", "exclusion", "add" };
    vfx_rect u = { 0, 0, 64, 48 };
    for (int nc = 3; nc <= 4; nc++) {
        vfx_image *a = noise((vfx_rect){ 0, 0, 40, 48 }, nc, 1, 0.0f, 1.0f);
        vfx_image *b = noise((vfx_rect){ 10, 5, 64, 40 }, nc, 2, 0.0f, 1.0f);
        float     *pa = pixels(a, u), *pb = pixels(b, u);
        for (int m = 0; m < 10; m++) {
            assert_int_equal(vfx_blend_mode_from_name(names[m]), m);
            vfx_image *o = NULL;
            assert_int_equal(vfx_image_blend(a, b, (vfx_blend_mode) m, &o), VFX_OK);
            vfx_rect rod = vfx_image_rod(o);
            assert_memory_equal(&rod, &u, sizeof u); /* union of the data windows */
            float *po = pixels(o, u);
            for (size_t i = 0; i < (size_t) vfx_rect_area(u); i++) {
                const float *A = pa + i * (size_t) nc, *B = pb + i * (size_t) nc;
                const float *O = po + i * (size_t) nc;
                for (int c = 0; c < nc; c++) {
                    double want;
                    if (m == VFX_BLEND_ADD) {
                        want = (double) A[c] + B[c];
                    } else if (nc == 3) {
                        want = ref((vfx_blend_mode) m, B[c], A[c]);
                    } else if (c == 3) {
                        want = (double) A[3] + B[3] - (double) A[3] * B[3];
                    } else {
                        double as = A[3], ab = B[3];
                        double Cs = as ? A[c] / as : 0, Cb = ab ? B[c] / ab : 0;
                        want = A[c] * (1 - ab) + B[c] * (1 - as) +
                               as * ab * ref((vfx_blend_mode) m, Cb, Cs);
                    }
                    if (fabs(want - O[c]) > 1e-5)
                        fail_msg("%s nc %d pixel %zu ch %d: %g, want %g", names[m], nc, i, c,
                                 (double) O[c], want);
                }
            }
            free(po);
            vfx_image_unref(o);
        }
        free(pa);
        free(pb);
        vfx_image_unref(a);
        vfx_image_unref(b);
    }
    /* errors */
    vfx_image *a = noise(u, 3, 1, 0, 1), *b = noise(u, 4, 2, 0, 1), *o = NULL;
    assert_int_equal(vfx_image_blend(a, b, VFX_BLEND_SCREEN, &o), VFX_ERR_ARG);
    assert_null(o);
    assert_int_equal(vfx_image_blend(a, a, (vfx_blend_mode) 42, &o), VFX_ERR_ARG);
    assert_int_equal((int) vfx_blend_mode_from_name("nope"), -1);
    vfx_image_unref(a);
    vfx_image_unref(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(blend_matches_formulas) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
