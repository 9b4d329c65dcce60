/* Statistics sinks and compare against a brute-force scan of the same pixels rendered into a
 * buffer, for several thread counts and tile sizes (the results must not change), and with a
 * sub-region (a region's result equals the result of the cropped image). */
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
    s.display = (vfx_rect){ 0, 0, 300, 200 };
    vfx_image *im = NULL;
    assert_int_equal(vfx_image_noise(&s, seed, lo, hi, &im), VFX_OK);
    vfx_spec_clear(&s);
    return im;
}

/* The pixels of rect r (0 outside the RoD), nc floats each. */
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

static vfx_sink_options
sink(int threads, int tile)
{
    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    o.threads = threads;
    o.tile_width = tile;
    o.tile_height = tile + 3;
    return o;
}

static void
compare_matches_scan(void **state)
{
    (void) state;
    vfx_image *a = noise((vfx_rect){ 10, 5, 250, 190 }, 4, 1, 0.0f, 1.0f);
    vfx_image *b = noise((vfx_rect){ 0, 20, 260, 200 }, 4, 2, 0.0f, 1.1f);
    vfx_rect   u = { 0, 5, 260, 200 };
    float     *pa = pixels(a, u), *pb = pixels(b, u);
    /* brute force, OIIO's rules */
    double sum = 0, sq = 0, mx = 0, peak = 1;
    int    mxx = 0, mxy = 0, mxc = 0;
    long long nw = 0, nf = 0;
    for (int y = u.y0; y < u.y1; y++)
        for (int x = u.x0; x < u.x1; x++) {
            int w = 0, f = 0;
            for (int c = 0; c < 4; c++) {
                size_t i = ((size_t) (y - u.y0) * 260 + (size_t) (x - u.x0)) * 4 + (size_t) c;
                double d = fabs((double) pa[i] - pb[i]);
                peak = fmax(peak, fmax(fabs(pa[i]), fabs(pb[i])));
                sum += d;
                sq += d * d;
                if (d > mx) {
                    mx = d;
                    mxx = x;
                    mxy = y;
                    mxc = c;
                }
                w |= d > 0.5;
                f |= d > 0.9;
            }
            nw += w;
            nf += f;
        }
    vfx_compare_options co = VFX_COMPARE_OPTIONS_INIT;
    co.warn_thresh = 0.5f;
    co.fail_thresh = 0.9f;
    for (int t = 1; t <= 4; t += 3)
        for (int tile = 16; tile <= 128; tile *= 8) {
            vfx_sink_options   so = sink(t, tile);
            vfx_compare_result r;
            assert_int_equal(vfx_image_compare(a, b, &co, &so, &r), VFX_OK);
            double nv = 260.0 * 195.0 * 4.0;
            assert_true(fabs(r.mean_error - sum / nv) < 1e-12);
            assert_true(fabs(r.rms_error - sqrt(sq / nv)) < 1e-12);
            assert_true(fabs(r.psnr - 20 * log10(peak / sqrt(sq / nv))) < 1e-9);
            assert_true(r.max_error == mx);
            assert_int_equal(r.max_x, mxx);
            assert_int_equal(r.max_y, mxy);
            assert_int_equal(r.max_c, mxc);
            assert_int_equal(r.n_warn, nw);
            assert_int_equal(r.n_fail, nf);
            assert_int_equal(r.n_pixels, 260 * 195);
        }
    /* a region gives the same as the cropped images */
    vfx_rect sub = { 40, 30, 170, 111 };
    vfx_image *ca = NULL, *cb = NULL;
    assert_int_equal(vfx_image_crop(a, sub, &ca), VFX_OK);
    assert_int_equal(vfx_image_crop(b, sub, &cb), VFX_OK);
    vfx_sink_options so = sink(2, 32);
    so.flags = VFX_SINK_REGION;
    so.region = sub;
    vfx_compare_result r1, r2;
    assert_int_equal(vfx_image_compare(a, b, &co, &so, &r1), VFX_OK);
    assert_int_equal(vfx_image_compare(ca, cb, &co, NULL, &r2), VFX_OK);
    assert_true(r1.mean_error == r2.mean_error && r1.max_error == r2.max_error);
    assert_int_equal(r1.n_fail, r2.n_fail);
    assert_int_equal(r1.max_x, r2.max_x);
    /* identical: no error, PSNR infinite */
    assert_int_equal(vfx_image_compare(a, a, NULL, NULL, &r1), VFX_OK);
    assert_true(r1.max_error == 0 && r1.n_fail == 0 && isinf(r1.psnr));
    vfx_image_unref(ca);
    vfx_image_unref(cb);
    free(pa);
    free(pb);
    vfx_image_unref(a);
    vfx_image_unref(b);
}

static void
stats_match_scan(void **state)
{
    (void) state;
    /* a checkerboard of two colours plus small noise on part of it (some pixels stay within
     * eps of the colours, some do not), and zero outside a sub-rect of another channel set */
    vfx_rect d = { 7, 3, 231, 170 };
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, 1, 1, "R,G,B", VFX_PIXEL_F32), VFX_OK);
    s.data = d;
    s.display = (vfx_rect){ 0, 0, 300, 200 };
    float      k1[3] = { 0, 0.25f, 0.5f }, k2[3] = { 1, 1, 1.25f };
    vfx_image *chk = NULL, *n = noise((vfx_rect){ 30, 40, 150, 120 }, 3, 9, -0.02f, 0.02f);
    vfx_image *im = NULL;
    assert_int_equal(vfx_image_checker(&s, 7, k1, k2, &chk), VFX_OK);
    assert_int_equal(vfx_image_arith(chk, n, VFX_ARITH_ADD, &im), VFX_OK);
    vfx_spec_clear(&s);
    float *p = pixels(im, d);
    size_t np = (size_t) vfx_rect_area(d);
    float col[2 * 3] = { 0, 0.25f, 0.5f, 1, 1, 1 };
    float lo[3] = { 0, 0, 0 }, hi[3] = { 1, 1, 1 };
    long long c0 = 0, c1 = 0, nl = 0, nh = 0, ni = 0;
    int64_t   hist_ref[5] = { 0 };
    vfx_rect  nz = { INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN };
    for (size_t i = 0; i < np; i++) {
        const float *v = p + i * 3;
        c0 += fabsf(v[0] - col[0]) <= 0.01f && fabsf(v[1] - col[1]) <= 0.01f &&
              fabsf(v[2] - col[2]) <= 0.01f;
        c1 += fabsf(v[0] - 1) <= 0.01f && fabsf(v[1] - 1) <= 0.01f && fabsf(v[2] - 1) <= 0.01f;
        int l = 0, h = 0;
        for (int c = 0; c < 3; c++) {
            l |= v[c] < 0;
            h |= v[c] > 1;
        }
        nl += l;
        nh += h;
        ni += !l && !h;
        if (v[1] >= -0.125f && v[1] <= 1.125f) {
            int b = (int) (((double) v[1] + 0.125) * (5.0 / 1.25));
            hist_ref[b < 5 ? b : 4]++;
        }
        if (v[0] != 0 || v[1] != 0 || v[2] != 0) {
            int x = d.x0 + (int) (i % (size_t) vfx_rect_width(d)),
                y = d.y0 + (int) (i / (size_t) vfx_rect_width(d));
            nz.x0 = x < nz.x0 ? x : nz.x0;
            nz.x1 = x + 1 > nz.x1 ? x + 1 : nz.x1;
            nz.y0 = y < nz.y0 ? y : nz.y0;
            nz.y1 = y + 1 > nz.y1 ? y + 1 : nz.y1;
        }
    }
    for (int t = 1; t <= 3; t += 2) {
        vfx_sink_options so = sink(t, t == 1 ? 19 : 64);
        int64_t cnt[2], l, h, in, bins[5];
        float eps[3] = { 0.01f, 0.01f, 0.01f };
        assert_int_equal(vfx_image_color_count(im, 2, col, eps, &so, cnt), VFX_OK);
        assert_int_equal(cnt[0], c0);
        assert_int_equal(cnt[1], c1);
        assert_int_equal(vfx_image_range_check(im, lo, hi, &so, &l, &h, &in), VFX_OK);
        assert_int_equal(l, nl);
        assert_int_equal(h, nh);
        assert_int_equal(in, ni);
        assert_int_equal(vfx_image_histogram(im, 1, 5, -0.125f, 1.125f, 0, &so, bins), VFX_OK);
        for (int b = 0; b < 5; b++)
            assert_int_equal(bins[b], hist_ref[b]);
        vfx_rect r, nd = { 30, 40, 150, 120 };
        assert_int_equal(vfx_image_nonzero_region(im, &so, &r), VFX_OK);
        assert_memory_equal(&r, &nz, sizeof r);
        vfx_sink_options sd = so;
        sd.flags = VFX_SINK_REGION;
        sd.region = (vfx_rect){ 0, 0, 300, 200 };
        assert_int_equal(vfx_image_nonzero_region(n, &sd, &r), VFX_OK);
        assert_memory_equal(&r, &nd, sizeof r);
        int yes = 0;
        assert_int_equal(vfx_image_is_constant_color(im, 0, &so, NULL, 0, &yes), VFX_OK);
        assert_false(yes);
        assert_int_equal(vfx_image_is_monochrome(im, 0, 0, &so, &yes), VFX_OK);
        assert_false(yes);
    }
    /* constant and grey images */
    vfx_spec cs = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&cs, 50, 40, "R,G,B", VFX_PIXEL_F32), VFX_OK);
    float      grey[3] = { 0.3f, 0.3f, 0.3f }, got[4] = { 9, 9, 9, 9 };
    vfx_image *cim = NULL, *g = NULL;
    assert_int_equal(vfx_image_new_constant(grey, &cs, &cim), VFX_OK);
    int yes = 0;
    assert_int_equal(vfx_image_is_constant_color(cim, 0, NULL, got, 4, &yes), VFX_OK);
    assert_true(yes);
    assert_true(got[0] == 0.3f && got[2] == 0.3f && got[3] == 0.0f);
    assert_int_equal(vfx_image_is_monochrome(cim, 0, 0, NULL, &yes), VFX_OK);
    assert_true(yes);
    /* a grey ramp is monochrome, not constant; threshold 0.5 makes it constant */
    float top[3] = { 0, 0, 0 }, bot[3] = { 0.4f, 0.4f, 0.4f };
    assert_int_equal(vfx_image_ramp(&cs, 1, top, bot, &g), VFX_OK);
    assert_int_equal(vfx_image_is_monochrome(g, 0, 0, NULL, &yes), VFX_OK);
    assert_true(yes);
    assert_int_equal(vfx_image_is_constant_color(g, 0, NULL, NULL, 0, &yes), VFX_OK);
    assert_false(yes);
    assert_int_equal(vfx_image_is_constant_color(g, 0.5f, NULL, NULL, 0, &yes), VFX_OK);
    assert_true(yes);
    int64_t bins[2];
    assert_int_equal(vfx_image_histogram(g, 3, 2, 0, 1, 0, NULL, bins), VFX_ERR_ARG);
    assert_int_equal(vfx_image_histogram(g, 0, 2, 1, 1, 0, NULL, bins), VFX_ERR_ARG);
    vfx_spec_clear(&cs);
    vfx_image_unref(g);
    vfx_image_unref(cim);
    vfx_image_unref(im);
    vfx_image_unref(chk);
    vfx_image_unref(n);
    free(p);
}

/* Low-frequency power (0 < radius <= 8 cycles) of the 64x64 FFT of noise added to black. */
static double
low_power(vfx_noise_type type, int64_t *bins16)
{
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, 64, 64, "Y", VFX_PIXEL_F32), VFX_OK);
    float      zero = 0;
    vfx_image *black = NULL, *n = NULL, *f = NULL;
    assert_int_equal(vfx_image_new_constant(&zero, &s, &black), VFX_OK);
    assert_int_equal(vfx_image_add_noise(black, type, 0.0f, 1.0f, 0, 3, &n), VFX_OK);
    if (bins16)
        assert_int_equal(vfx_image_histogram(n, 0, 16, 0.0f, 1.0f, 0, NULL, bins16), VFX_OK);
    assert_int_equal(vfx_image_fft(n, &f), VFX_OK);
    float *p = pixels(f, (vfx_rect){ 0, 0, 64, 64 });
    double sum = 0;
    for (int v = 0; v < 64; v++)
        for (int u = 0; u < 64; u++) {
            int du = u < 32 ? u : 64 - u, dv = v < 32 ? v : 64 - v;
            int r2 = du * du + dv * dv;
            if (r2 > 0 && r2 <= 64)
                sum += (double) p[(v * 64 + u) * 2] * p[(v * 64 + u) * 2] +
                       (double) p[(v * 64 + u) * 2 + 1] * p[(v * 64 + u) * 2 + 1];
        }
    free(p);
    vfx_image_unref(f);
    vfx_image_unref(n);
    vfx_image_unref(black);
    vfx_spec_clear(&s);
    return sum;
}

static void
blue_noise_is_blue(void **state)
{
    (void) state;
    int64_t bins[16];
    double  blue = low_power(VFX_NOISE_BLUE, bins), white = low_power(VFX_NOISE_UNIFORM, NULL);
    for (int b = 0; b < 16; b++) /* every value once per 64x64 tile: a flat histogram */
        assert_int_equal(bins[b], 256);
    if (!(blue < 0.2 * white))
        fail_msg("blue noise low-frequency power %g, white %g", blue, white);
}

int
main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(compare_matches_scan),
                                        cmocka_unit_test(stats_match_scan),
                                        cmocka_unit_test(blue_noise_is_blue) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
