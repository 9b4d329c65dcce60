/* HEIF / HEIC: round trips through x265 (lossless exact, lossy within a PSNR bound and equal
 * to heif-convert's decode), 8 and 10 bits, alpha, several top-level images as parts,
 * nclx + ICC, clli / mdcv, EXIF / XMP, damaged files. */
#include "whole_test.h"

static double
vs_heif_convert(const char *path)
{
    char png[1024], cmd[4096];
    snprintf(png, sizeof png, "%s", test_tmp("heif_ref.png"));
    snprintf(cmd, sizeof cmd, "heif-convert '%s' '%s' >/dev/null", path, png);
    assert_int_equal(0, test_run(cmd, NULL, 0));
    return max_diff_vs_png(path, png, 0);
}

static void
need_tools(void)
{
    test_require(test_have_tool("heif-convert") && test_have_tool("oiiotool"),
                 "heif-convert / oiiotool not installed");
}

static void
round_trips(void **state)
{
    (void) state;
    need_tools();
    const int32_t w = 96, h = 64;
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("rt.heic"));
    for (int32_t nc = 3; nc <= 4; nc++) {
        float *src = pattern_f32(w, h, nc);
        quantise(src, (size_t) w * h * (size_t) nc, VFX_PIXEL_U8);
        assert_int_equal(VFX_OK, write_image(path, nc == 4 ? "R,G,B,A" : "R,G,B", VFX_PIXEL_U8, w,
                                             h, src, "heic,lossless", -1, NULL));
        int32_t rw, rh, rnc = 0;
        float *back = read_all_f32(path, 0, &rw, &rh, &rnc);
        assert_non_null(back);
        assert_int_equal(nc, rnc);
        assert_int_equal(0, count_diffs(back, src, (size_t) w * h * (size_t) nc, 0.0, "lossless"));
        assert_true(vs_heif_convert(path) < EXACT);
        free(back);
        free(src);
    }
    static const struct {
        int bits;
        const char *sub;
    } cases[] = { { 8, "420" }, { 8, "444" }, { 8, "422" }, { 10, "420" }, { 10, "444" } };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        float *src = pattern_f32(w, h, 3);
        vfx_pixel_type t = cases[i].bits > 8 ? VFX_PIXEL_U16 : VFX_PIXEL_U8;
        quantise(src, (size_t) w * h * 3, t);
        char comp[64];
        snprintf(comp, sizeof comp, "heic,sub=%s,bits=%d", cases[i].sub, cases[i].bits);
        assert_int_equal(VFX_OK, write_image(path, "R,G,B", t, w, h, src, comp, 85, NULL));
        vfx_reader *r = NULL;
        assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
        const vfx_spec *sp = NULL;
        assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
        int32_t b = 0;
        assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "BitsPerSample", &b));
        assert_int_equal(cases[i].bits, b);
        vfx_reader_close(r);
        int32_t rw, rh, rnc = 0;
        float *back = read_all_f32(path, 0, &rw, &rh, &rnc);
        assert_non_null(back);
        double q = psnr(back, src, (size_t) w * h * 3);
        fprintf(stderr, "HEIC q85 %d-bit %s: PSNR %.1f dB\n", cases[i].bits, cases[i].sub, q);
        if (q < 32.0)
            fail_msg("%s: PSNR %.1f dB < 32", comp, q);
        /* heif-convert writes 10-bit samples into 16-bit PNG by shifting; vfx scales to the
         * full range: they agree within one 10-bit step */
        double d = vs_heif_convert(path), tol = cases[i].bits > 8 ? 1.0 / 1023 : EXACT;
        if (d < 0 || d > tol)
            fail_msg("%s: differs from heif-convert by %g", comp, d);
        free(back);
        free(src);
    }
    float *src = pattern_f32(w, h, 3);
    assert_int_equal(VFX_ERR_ARG, write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src,
                                              "heic,sub=411", -1, NULL));
    assert_int_equal(VFX_ERR_ARG, write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src,
                                              "heic,speed=3", -1, NULL));
    free(src);
}

static void
several_images_are_parts(void **state)
{
    (void) state;
    test_require(test_have_tool("heif-enc"), "heif-enc not installed");
    const int32_t w = 64, h = 48;
    char png[2][1024], path[1024], cmd[4096];
    float *src[2];
    for (int k = 0; k < 2; k++) {
        char name[32];
        snprintf(name, sizeof name, "multi%d.png", k);
        snprintf(png[k], sizeof png[k], "%s", test_tmp(name));
        src[k] = pattern_f32(w + 16 * k, h, 3);
        quantise(src[k], (size_t) (w + 16 * k) * h * 3, VFX_PIXEL_U8);
        assert_int_equal(VFX_OK, write_image(png[k], "R,G,B", VFX_PIXEL_U8, w + 16 * k, h,
                                             src[k], NULL, -1, NULL));
    }
    snprintf(path, sizeof path, "%s", test_tmp("multi.heic"));
    snprintf(cmd, sizeof cmd, "heif-enc -q 90 '%s' '%s' -o '%s' >/dev/null", png[0], png[1], path);
    assert_int_equal(0, test_run(cmd, NULL, 0));
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    assert_int_equal(2, vfx_reader_part_count(r));
    vfx_reader_close(r);
    for (int k = 0; k < 2; k++) {
        int32_t rw = 0, rh = 0, rnc = 0;
        float *back = read_all_f32(path, k, &rw, &rh, &rnc);
        assert_non_null(back);
        assert_int_equal(w + 16 * k, rw);
        double q = psnr(back, src[k], (size_t) rw * (size_t) rh * 3);
        fprintf(stderr, "HEIC image %d of 2: PSNR %.1f dB\n", k, q);
        assert_true(q > 30.0);
        free(back);
        free(src[k]);
    }
}

static void
colour_and_hdr_metadata(void **state)
{
    (void) state;
    const int32_t w = 32, h = 32;
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("hdr.heic"));
    vfx_attrs *a = NULL;
    assert_int_equal(VFX_OK, vfx_attrs_new(&a));
    const uint8_t *icc = add_metadata(a);
    static const int32_t cicp[4] = { 9, 16, 9, 0 }, clli[2] = { 4000, 1000 };
    static const float mdcv[10] = { 0.17f, 0.797f, 0.131f, 0.046f, 0.708f, 0.292f,
                                    0.3127f, 0.329f, 4000.0f, 0.0001f };
    vfx_attr_value v;
    v.type = VFX_ATTR_INT_VEC;
    v.u.iv.p = cicp;
    v.u.iv.n = 4;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "CICP", &v));
    v.u.iv.p = clli;
    v.u.iv.n = 2;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "CLLI", &v));
    v.type = VFX_ATTR_FLOAT_VEC;
    v.u.fv.p = mdcv;
    v.u.fv.n = 10;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "MDCV", &v));
    float *src = pattern_f32(w, h, 3);
    assert_int_equal(VFX_OK, write_image(path, "R,G,B", VFX_PIXEL_U16, w, h, src, NULL, 80, a));
    check_metadata(path, icc);
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    const vfx_attr_value *got = vfx_attrs_get(sp->attrs, "CICP");
    assert_non_null(got);
    assert_memory_equal(cicp, got->u.iv.p, sizeof cicp);
    got = vfx_attrs_get(sp->attrs, "CLLI");
    assert_non_null(got);
    assert_memory_equal(clli, got->u.iv.p, sizeof clli);
    got = vfx_attrs_get(sp->attrs, "MDCV");
    assert_non_null(got);
    for (int i = 0; i < 10; i++)
        assert_float_equal(mdcv[i], got->u.fv.p[i], i < 8 ? 2e-5 : 1e-4);
    int32_t bits = 0;
    assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "BitsPerSample", &bits));
    assert_int_equal(10, bits);
    vfx_reader_close(r);
    if (test_have_tool("exiftool")) {
        char out[8192] = "";
        assert_int_equal(0, run_fmt(out, sizeof out, "exiftool -s -n -Orientation '%s'", path));
        assert_non_null(strstr(out, ": 6"));
    }
    vfx_attrs_free(a);
    free(src);
}

static void
depth_map_is_a_channel(void **state)
{
    (void) state;
    /* libheif 1.15 cannot encode a depth image: encode RGBA, then relabel the alpha
     * auxiliary image as a depth map (the two URNs have the same length). Lossless codes it
     * as RGB with the identity matrix (luma = G), lossy as YCbCr (luma = Y). */
    const int32_t w = 64, h = 40;
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("depth.heic"));
    float *src = pattern_f32(w, h, 4);
    quantise(src, (size_t) w * h * 4, VFX_PIXEL_U8);
    for (int lossless = 1; lossless >= 0; lossless--) {
        assert_int_equal(VFX_OK, write_image(path, "R,G,B,A", VFX_PIXEL_U8, w, h, src,
                                             lossless ? "heic,lossless" : "heic", 90, NULL));
        size_t n = 0;
        uint8_t *d = test_read_file(path, &n);
        assert_non_null(d);
        static const char urn[] = "urn:mpeg:hevc:2015:auxid:1";
        int found = 0;
        for (size_t i = 0; i + sizeof urn - 1 <= n; i++)
            if (memcmp(d + i, urn, sizeof urn - 1) == 0) {
                d[i + sizeof urn - 2] = '2';
                found++;
            }
        assert_int_equal(1, found);
        vfx_reader *r = NULL;
        assert_int_equal(VFX_OK, vfx_reader_open_memory(d, n, "depth.heic", NULL, &r));
        const vfx_spec *sp = NULL;
        assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
        assert_int_equal(4, vfx_channels_count(sp->channels));
        assert_int_equal(3, vfx_channels_find(sp->channels, "Z"));
        assert_int_equal(-1, vfx_channels_find(sp->channels, "A"));
        float *buf = NULL;
        vfx_rect rc;
        int32_t nc = 0;
        if (read_level_f32(r, 0, 0, 0, &buf, &rc, &nc) != VFX_OK)
            fail_msg("%s", vfx_error_message());
        if (lossless) {
            assert_int_equal(0, count_diffs(buf, src, (size_t) w * h * 4, 0.0, "RGBZ"));
        } else {
            float *z = malloc((size_t) w * h * sizeof(float));
            float *a = malloc((size_t) w * h * sizeof(float));
            for (size_t i = 0; i < (size_t) w * h; i++) {
                z[i] = buf[i * 4 + 3];
                a[i] = src[i * 4 + 3];
            }
            double q = psnr(z, a, (size_t) w * h);
            fprintf(stderr, "HEIC depth (lossy, luma plane): PSNR %.1f dB\n", q);
            assert_true(q > 30.0);
            free(z);
            free(a);
        }
        free(buf);
        vfx_reader_close(r);
        free(d);
    }
    free(src);
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    const int32_t w = 48, h = 40;
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("dmg.heic"));
    float *src = pattern_f32(w, h, 4);
    assert_int_equal(VFX_OK, write_image(path, "R,G,B,A", VFX_PIXEL_U8, w, h, src, NULL, 60, NULL));
    free(src);
    assert_int_equal(0, damage_sweep(path, "cut.heic", "heif"));
    static const uint8_t junk[] = "\0\0\0\x14" "ftypheic\0\0\0\0mif1\0\0\0\x08meta";
    vfx_reader *r = NULL;
    assert_int_not_equal(VFX_OK,
                         vfx_reader_open_memory(junk, sizeof junk - 1, "junk.heic", NULL, &r));
    assert_true(message_names("heif", "junk.heic"));
    assert_null(r);
}

static void
oom_sweep_open_and_read(void **state)
{
    (void) state;
    size_t n = 0;
    uint8_t *data = test_read_file(VFX_SOURCE_DIR "/fuzz/corpus/heif/rgba8.heic", &n);
    assert_non_null(data);
    assert_true(oom_sweep(data, n, "t.heic") > 2);
    free(data);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trips),
        cmocka_unit_test(several_images_are_parts),
        cmocka_unit_test(colour_and_hdr_metadata),
        cmocka_unit_test(depth_map_is_a_channel),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(oom_sweep_open_and_read), /* last: it restarts the library */
    };
    return cmocka_run_group_tests_name("heif", tests, NULL, NULL);
}
