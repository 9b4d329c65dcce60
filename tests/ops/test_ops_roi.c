/* RoI tests for the image ops: rendering any sub-rect (odd tile sizes, rects straddling the
 * RoD, partly or wholly outside it) gives exactly the same pixels as that rect of a full
 * render. One builder per op case; each builds a fresh node over a noise source. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "vfx/ops.h"

static vfx_image *
noise(vfx_rect data, vfx_rect display, int nc, uint64_t seed)
{
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, 1, 1, nc == 4 ? "R,G,B,A" : "R,G,B", VFX_PIXEL_F32),
                     VFX_OK);
    s.data = data;
    s.display = display;
    vfx_image *im = NULL;
    assert_int_equal(vfx_image_noise(&s, seed, 0.0f, 1.0f, &im), VFX_OK);
    vfx_spec_clear(&s);
    return im;
}

typedef vfx_image *(*builder)(int nc);

static vfx_image *
src_img(int nc)
{
    return noise((vfx_rect){ 3, 2, 90, 77 }, (vfx_rect){ 0, 0, 93, 80 }, nc, 5);
}

#define BUILD(name, call)                                                                    \
    static vfx_image *name(int nc)                                                           \
    {                                                                                        \
        vfx_image *in = src_img(nc), *out = NULL;                                            \
        assert_int_equal(call, VFX_OK);                                                      \
        vfx_image_unref(in);                                                                 \
        return out;                                                                          \
    }

BUILD(b_resize_down, vfx_image_resize(in, vfx_rect_make(0, 0, 41, 37), "lanczos3", 0, &out))
BUILD(b_resize_up, vfx_image_resize(in, vfx_rect_make(5, 7, 200, 150), "mitchell", 0, &out))
BUILD(b_resize_disk, vfx_image_resize(in, vfx_rect_make(0, 0, 46, 40), "disk", 0, &out))
BUILD(b_fit_tall, vfx_image_fit(in, vfx_rect_make(0, 0, 150, 400), NULL, NULL, 1, &out))
BUILD(b_fit_exact, vfx_image_fit_ex(in, vfx_rect_make(3, 2, 151, 97), "mitchell", NULL, 0, 1,
                                    &out))
BUILD(b_resample, vfx_image_resample(in, vfx_rect_make(0, 0, 70, 50), 1, &out))
BUILD(b_blur, vfx_image_blur(in, NULL, 9, 5, &out))
BUILD(b_blur_disk, vfx_image_blur(in, "disk", 5, 5, &out))
BUILD(b_unsharp, vfx_image_unsharp(in, "gaussian", 5, 1.5f, 0.01f, &out))
BUILD(b_laplacian, vfx_image_laplacian(in, &out))BUILD(b_rot90, vfx_image_rotate90(in, &out))
BUILD(b_rot270, vfx_image_rotate270(in, &out))
BUILD(b_transpose, vfx_image_transpose(in, &out))
BUILD(b_flip, vfx_image_flip(in, &out))
BUILD(b_cut, vfx_image_cut(in, vfx_rect_make(50, 40, 60, 50), &out))
BUILD(b_rotate, vfx_image_rotate(in, 27.0f, NULL, NULL, 0, 1, &out))
BUILD(b_rotate_ctr, vfx_image_rotate(in, -61.0f, (const float[2]){ 10.0f, 70.0f }, "mitchell", 0,
                                     0, &out))
BUILD(b_warp_shrink, vfx_image_warp(in, (const float[9]){ 0.4f, 0.1f, 0, -0.1f, 0.3f, 0, 5, 9, 1 },
                                    "lanczos3", 0, 1, &out))
BUILD(b_warp_proj, vfx_image_warp(in, (const float[9]){ 1.2f, 0.1f, 0.002f, -0.1f, 1.1f, 0.001f,
                                                        -4, 3, 1 }, "catmull-rom", 0, 1, &out))
BUILD(b_warp_disk, vfx_image_warp(in, (const float[9]){ 0.7f, 0.2f, 0, -0.2f, 0.7f, 0, 20, 9, 1 },
                                  "disk", 0, 0, &out))

static vfx_image *
b_st_warp(int nc)
{
    vfx_image *in = src_img(nc), *out = NULL;
    vfx_image *st = noise((vfx_rect){ 10, 5, 70, 60 }, (vfx_rect){ 0, 0, 93, 80 }, 3, 9);
    assert_int_equal(vfx_image_st_warp(in, st, "triangle", 0, 1, 0, 1, 0, &out), VFX_OK);
    vfx_image_unref(in);
    vfx_image_unref(st);
    return out;
}
BUILD(b_median, vfx_image_median(in, 4, 3, &out))
BUILD(b_dilate, vfx_image_dilate(in, 5, 2, &out))
BUILD(b_erode, vfx_image_erode(in, 1, 6, &out))

static vfx_image *
b_fixnan(int nc)
{
    /* sqrt(x - 0.5) of noise in [0, 1): NaN in about half of the values */
    vfx_image *in = src_img(nc), *m = NULL, *nan = NULL, *out = NULL;
    float      one[4] = { 1, 1, 1, 1 }, sub[4] = { -0.5f, -0.5f, -0.5f, -0.5f };
    float      half[4] = { 0.5f, 0.5f, 0.5f, 0.5f };
    assert_int_equal(vfx_image_mad(in, one, sub, &m), VFX_OK);
    assert_int_equal(vfx_image_pow(m, half, &nan), VFX_OK);
    assert_int_equal(vfx_image_fixnan(nan, VFX_FIXNAN_BOX3, &out), VFX_OK);
    vfx_image_unref(in);
    vfx_image_unref(m);
    vfx_image_unref(nan);
    return out;
}

static vfx_image *
b_fillholes(int nc)
{
    /* holes: alpha of the noise is anywhere in [0, 1); 3-channel cases get an alpha */
    vfx_image *in = src_img(4), *a = NULL, *out = NULL;
    if (nc == 4)
        a = vfx_image_ref(in);
    else
        assert_int_equal(vfx_image_channels(in, "R,G,A", &a), VFX_OK);
    assert_int_equal(vfx_image_fillholes(a, &out), VFX_OK);
    vfx_image_unref(a);
    vfx_image_unref(in);
    return out;
}
BUILD(b_cshift, vfx_image_circular_shift(in, 30, -1000, &out))
BUILD(b_croptofull, vfx_image_croptofull(in, &out))

static vfx_image *
b_paste(int nc)
{
    vfx_image *bg = src_img(nc), *out = NULL;
    vfx_image *fg = noise((vfx_rect){ 3, 4, 40, 30 }, (vfx_rect){ 0, 0, 93, 80 }, 3, 11);
    assert_int_equal(vfx_image_paste(bg, fg, 50, 47, 0, &out), VFX_OK);
    vfx_image_unref(bg);
    vfx_image_unref(fg);
    return out;
}

static vfx_image *
b_paste_merge(int nc)
{
    vfx_image *bg = src_img(nc), *out = NULL;
    vfx_image *fg = noise((vfx_rect){ 3, 4, 40, 30 }, (vfx_rect){ 0, 0, 93, 80 }, 3, 11);
    assert_int_equal(vfx_image_paste_ex(bg, fg, 80, -20, 0, 1, &out), VFX_OK);
    vfx_image_unref(bg);
    vfx_image_unref(fg);
    return out;
}

static vfx_image *
b_mosaic(int nc)
{
    vfx_image *im[4] = { src_img(nc), noise((vfx_rect){ 3, 4, 40, 30 }, (vfx_rect){ 0, 0, 50, 40 }, nc, 11),
                         noise((vfx_rect){ 0, 0, 20, 20 }, (vfx_rect){ 0, 0, 20, 20 }, nc, 12),
                         src_img(nc) };
    vfx_image *out = NULL, *app = NULL;
    assert_int_equal(vfx_image_mosaic(im, 2, 2, 3, &out), VFX_OK);
    assert_int_equal(vfx_image_channel_append(out, im[1], &app), VFX_OK);
    for (int i = 0; i < 4; i++)
        vfx_image_unref(im[i]);
    vfx_image_unref(out);
    /* keep the channel count the test renders: the first nc channels */
    vfx_image *sel = NULL;
    assert_int_equal(vfx_image_channels(app, nc == 4 ? "R,G,B,channel4" : "R,G,channel3", &sel),
                     VFX_OK);
    vfx_image_unref(app);
    return sel;
}

static vfx_image *
b_over(int nc)
{
    vfx_image *a = noise((vfx_rect){ 3, 2, 50, 40 }, (vfx_rect){ 0, 0, 93, 80 }, nc, 7);
    vfx_image *b = noise((vfx_rect){ 20, 30, 93, 80 }, (vfx_rect){ 0, 0, 93, 80 }, nc, 8);
    vfx_image *out = NULL;
    vfx_status s = nc == 4 ? vfx_image_over(a, b, &out) : vfx_image_arith(a, b, VFX_ARITH_ADD, &out);
    assert_int_equal(s, VFX_OK);
    vfx_image_unref(a);
    vfx_image_unref(b);
    return out;
}

/* tone and remap (op_tone.c): pointwise chains, and color_map (3 channels, + alpha for 4) */
static vfx_image *
b_tone(int nc)
{
    vfx_image *in = src_img(nc), *a = NULL, *b = NULL, *c = NULL, *out = NULL;
    vfx_contrast_params cp;
    vfx_contrast_params_init(&cp);
    cp.scontrast[0] = cp.scontrast[1] = 4.0f;
    cp.max[2] = 0.7f;
    assert_int_equal(vfx_image_contrast(in, &cp, &a), VFX_OK);
    assert_int_equal(vfx_image_saturate(a, 1.7f, 0, &b), VFX_OK);
    assert_int_equal(vfx_image_rangecompress(b, 1, &c), VFX_OK);
    assert_int_equal(vfx_image_repremult(c, &out), VFX_OK);
    vfx_image_unref(in);
    vfx_image_unref(a);
    vfx_image_unref(b);
    vfx_image_unref(c);
    return out;
}

static vfx_image *
b_colormap(int nc)
{
    vfx_image *in = src_img(nc), *m = NULL, *out = NULL;
    assert_int_equal(vfx_image_color_map(in, -1, "turbo", NULL, 0, &m), VFX_OK);
    assert_int_equal(vfx_image_channels(m, nc == 4 ? "R,G,B,A=1" : "R,G,B", &out), VFX_OK);
    vfx_image_unref(in);
    vfx_image_unref(m);
    return out;
}

/* drawing and noise (op_draw.c): fill gradient, box, polyline, noise, fused */
static vfx_image *
b_draw(int nc)
{
    vfx_image  *in = src_img(nc), *a = NULL, *b = NULL, *c = NULL, *out = NULL;
    float       red[4] = { 1, 0, 0, 0.5f }, blue[4] = { 0, 0, 1, 1 };
    const float *cols[2] = { red, blue };
    int32_t     xy[8] = { -5, 3, 80, 70, 20, 75, 91, 0 };
    assert_int_equal(vfx_image_fill(in, vfx_rect_make(10, 12, 30, 20), cols, 2, 1, &a), VFX_OK);
    assert_int_equal(vfx_image_draw_box(a, 60, 50, 5, 5, red, 0, &b), VFX_OK);
    assert_int_equal(vfx_image_draw_lines(b, xy, 4, 1, blue, &c), VFX_OK);
    assert_int_equal(vfx_image_add_noise(c, VFX_NOISE_GAUSSIAN, 0, 0.1f, 0, 7, &out), VFX_OK);
    vfx_image_unref(in);
    vfx_image_unref(a);
    vfx_image_unref(b);
    vfx_image_unref(c);
    return out;
}

static vfx_image *
b_blend(int nc)
{
    vfx_image *a = noise((vfx_rect){ 3, 2, 50, 40 }, (vfx_rect){ 0, 0, 93, 80 }, nc, 7);
    vfx_image *b = noise((vfx_rect){ 20, 30, 93, 80 }, (vfx_rect){ 0, 0, 93, 80 }, nc, 8);
    vfx_image *out = NULL;
    assert_int_equal(vfx_image_blend(a, b, VFX_BLEND_SOFTLIGHT, &out), VFX_OK);
    vfx_image_unref(a);
    vfx_image_unref(b);
    return out;
}

/* fft then polar (whole-input op: every sub-rect comes from the one cached transform) */
static vfx_image *
b_fft(int nc)
{
    vfx_image *in = src_img(nc), *f = NULL, *p = NULL, *out = NULL;
    assert_int_equal(vfx_image_fft(in, &f), VFX_OK);
    assert_int_equal(vfx_image_polar(f, &p), VFX_OK);
    assert_int_equal(vfx_image_channels(p, nc == 4 ? "real,imag,X=0.5,A=1" : "real,imag,X=0.5",
                                        &out), VFX_OK);
    vfx_image_unref(in);
    vfx_image_unref(f);
    vfx_image_unref(p);
    return out;
}

static const struct {
    const char *name;
    builder     fn;
} cases[] = {
    { "fft polar", b_fft },
    { "fill box line noise", b_draw },
    { "blend softlight", b_blend },
    { "contrast saturate rangecompress repremult", b_tone },
    { "colormap", b_colormap },
    { "resize down lanczos3", b_resize_down },
    { "resize up mitchell", b_resize_up },
    { "resize disk", b_resize_disk },
    { "fit by width, padded", b_fit_tall },
    { "fit exact=1", b_fit_exact },
    { "resample bilinear", b_resample },
    { "blur gaussian 9x5", b_blur },
    { "blur disk", b_blur_disk },
    { "unsharp", b_unsharp },
    { "laplacian", b_laplacian },
    { "over", b_over },
    { "rotate90", b_rot90 },
    { "rotate270", b_rot270 },
    { "transpose", b_transpose },
    { "flip", b_flip },
    { "cut", b_cut },
    { "rotate recompute_roi", b_rotate },
    { "rotate about a point", b_rotate_ctr },
    { "warp shrink", b_warp_shrink },
    { "warp projective", b_warp_proj },
    { "warp disk", b_warp_disk },
    { "st_warp", b_st_warp },
    { "median 4x3", b_median },
    { "dilate 5x2", b_dilate },
    { "erode 1x6", b_erode },
    { "fixnan box3", b_fixnan },
    { "fillholes", b_fillholes },
    { "cshift", b_cshift },
    { "croptofull", b_croptofull },
    { "paste", b_paste },
    { "paste mergeroi", b_paste_merge },
    { "mosaic + chappend", b_mosaic },
};

static float *
render(vfx_image *im, vfx_rect r, int nc, int tw, int th)
{
    size_t n = (size_t) vfx_rect_area(r) * (size_t) nc;
    float *buf = malloc(n * sizeof(float) + 4);
    assert_non_null(buf);
    vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
    so.tile_width = tw;
    so.tile_height = th;
    vfx_status s = vfx_image_render(im, r, buf, VFX_PIXEL_F32, (ptrdiff_t) nc * 4,
                                    (ptrdiff_t) vfx_rect_width(r) * nc * 4, nc, &so);
    if (s != VFX_OK)
        fail_msg("render: %s", vfx_error_message());
    return buf;
}

static void
test_roi(void **state)
{
    (void) state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (int nc = 3; nc <= 4; nc++) {
            vfx_image *im = cases[c].fn(nc);
            vfx_rect   rod = vfx_image_rod(im);
            vfx_rect   big = vfx_rect_grow(rod, 3, 2);
            float     *full = render(im, big, nc, 0, 0);
            vfx_image_unref(im);
            srand(1234);
            for (int k = 0; k < 6; k++) {
                int32_t x0 = big.x0 + rand() % (int) vfx_rect_width(big);
                int32_t y0 = big.y0 + rand() % (int) vfx_rect_height(big);
                int32_t w = 1 + rand() % (int) (big.x1 - x0), h = 1 + rand() % (int) (big.y1 - y0);
                vfx_rect r = vfx_rect_make(x0, y0, w, h);
                im = cases[c].fn(nc); /* fresh node: nothing cached */
                float *part = render(im, r, nc, 1 + rand() % 40, 1 + rand() % 40);
                vfx_image_unref(im);
                for (int32_t y = r.y0; y < r.y1; y++) {
                    const float *a = part + (size_t) (y - r.y0) * (size_t) w * (size_t) nc;
                    const float *b = full + ((size_t) (y - big.y0) * (size_t) vfx_rect_width(big) +
                                             (size_t) (x0 - big.x0)) * (size_t) nc;
                    if (memcmp(a, b, (size_t) w * (size_t) nc * sizeof(float)) != 0)
                        fail_msg("%s (%d ch): rect %dx%d+%d+%d row %d differs", cases[c].name,
                                 nc, (int) w, (int) h, (int) x0, (int) y0, (int) y);
                }
                free(part);
            }
            free(full);
        }
}

int
main(void)
{
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = 2;
    if (vfx_init(&o) != VFX_OK)
        return 1;
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_roi) };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    vfx_shutdown();
    return rc;
}
