/* AVIF: round trips at 8, 10 and 12 bits in 4:4:4 / 4:2:2 / 4:2:0 / 4:0:0 (lossless exact,
 * lossy within a PSNR bound and exactly avifdec's decode), the three AV1 encoders of Debian's
 * libavif, CICP (PQ, HLG), clli / mdcv boxes (written by libheif), ICC / EXIF / XMP, damaged
 * files. */
#include <libheif/heif.h>

#include "whole_test.h"

static double
vs_avifdec(const char *path)
{
    char png[1024], cmd[4096];
    snprintf(png, sizeof png, "%s", test_tmp("avifdec_ref.png"));
    snprintf(cmd, sizeof cmd, "avifdec '%s' '%s' >/dev/null", path, png);
    assert_int_equal(0, test_run(cmd, NULL, 0));
    return max_diff_vs_png(path, png, 0);
}

static void
check_spec(const char *path, int bits, const char *sub, int32_t nc)
{
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(nc, vfx_channels_count(sp->channels));
    vfx_channel_info ci;
    assert_int_equal(VFX_OK, vfx_channels_get(sp->channels, 0, &ci));
    assert_int_equal(bits > 8 ? VFX_PIXEL_U16 : VFX_PIXEL_U8, ci.type);
    int32_t b = 0;
    assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "BitsPerSample", &b));
    assert_int_equal(bits, b);
    const char *s = NULL;
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "avif:subsampling", &s));
    assert_string_equal(sub, s);
    vfx_chunking ch;
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ch));
    assert_int_equal(VFX_ACCESS_WHOLE_IMAGE, ch.access);
    vfx_reader_close(r);
}

static void
round_trips(void **state)
{
    (void) state;
    test_require(test_have_tool("avifdec") && test_have_tool("oiiotool"),
                 "avifdec / oiiotool not installed");
    const int32_t w = 90, h = 64;
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("rt.avif"));
    /* lossless 8-bit: exact, with and without alpha */
    for (int32_t nc = 3; nc <= 4; nc++) {
        float *src = pattern_f32(w, h, nc);
        quantise(src, (size_t) w * h * (size_t) nc, VFX_PIXEL_U8);
        assert_int_equal(VFX_OK, write_image(path, nc == 4 ? "R,G,B,A" : "R,G,B", VFX_PIXEL_U8, w,
                                             h, src, "avif,lossless,speed=8", -1, NULL));
        check_spec(path, 8, "4:4:4", nc);
        int32_t rw, rh, rnc = 0;
        float *back = read_all_f32(path, 0, &rw, &rh, &rnc);
        assert_non_null(back);
        assert_int_equal(0, count_diffs(back, src, (size_t) w * h * (size_t) nc, 0.0, "lossless"));
        assert_true(vs_avifdec(path) < EXACT);
        free(back);
        free(src);
    }
    /* lossy: 8/10/12 bits x subsampling; PSNR against the source, exact against avifdec */
    static const struct {
        int bits;
        const char *sub, *name;
    } cases[] = { { 8, "420", "4:2:0" },  { 10, "444", "4:4:4" }, { 10, "422", "4:2:2" },
                  { 10, "420", "4:2:0" }, { 12, "420", "4:2:0" } };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        float *src = pattern_f32(w, h, 3);
        vfx_pixel_type t = cases[i].bits > 8 ? VFX_PIXEL_U16 : VFX_PIXEL_U8;
        quantise(src, (size_t) w * h * 3, t);
        char comp[64];
        snprintf(comp, sizeof comp, "avif,speed=8,sub=%s,bits=%d", cases[i].sub, cases[i].bits);
        assert_int_equal(VFX_OK, write_image(path, "R,G,B", t, w, h, src, comp, 80, NULL));
        check_spec(path, cases[i].bits, cases[i].name, 3);
        int32_t rw, rh, rnc = 0;
        float *back = read_all_f32(path, 0, &rw, &rh, &rnc);
        assert_non_null(back);
        double q = psnr(back, src, (size_t) w * h * 3);
        fprintf(stderr, "AVIF q80 %d-bit %s: PSNR %.1f dB\n", cases[i].bits, cases[i].sub, q);
        if (q < 32.0)
            fail_msg("%s: PSNR %.1f dB < 32", comp, q);
        double d = vs_avifdec(path);
        if (d < 0 || d > EXACT)
            fail_msg("%s: differs from avifdec by %g", comp, d);
        free(back);
        free(src);
    }
    /* 12-bit lossless of 16-bit data: within half a 12-bit step */
    float *src = pattern_f32(w, h, 3);
    quantise(src, (size_t) w * h * 3, VFX_PIXEL_U16);
    assert_int_equal(VFX_OK, write_image(path, "R,G,B", VFX_PIXEL_U16, w, h, src,
                                         "avif,bits=12,speed=9", 100, NULL));
    int32_t rw, rh, rnc = 0;
    float *back = read_all_f32(path, 0, &rw, &rh, &rnc);
    assert_non_null(back);
    assert_int_equal(0, count_diffs(back, src, (size_t) w * h * 3, 0.5 / 4095 + 2.0 / 65535,
                                    "12-bit lossless"));
    free(back);
    /* grey: 4:0:0 */
    float *grey = pattern_f32(w, h, 1);
    assert_int_equal(VFX_OK, write_image(path, "Y", VFX_PIXEL_U8, w, h, grey, "avif,speed=9", 90,
                                         NULL));
    check_spec(path, 8, "4:0:0", 3);
    free(grey);
    /* bad options */
    assert_int_equal(VFX_ERR_ARG, write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src,
                                              "avif,speed=11", -1, NULL));
    assert_int_equal(VFX_ERR_ARG, write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src,
                                              "avif,bits=9", -1, NULL));
    assert_int_equal(VFX_ERR_ARG, write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src,
                                              "avif,sub=411", -1, NULL));
    free(src);
}

static void
encoders(void **state)
{
    (void) state;
    /* Debian 12's libavif 0.11.1 encodes with aom, rav1e and SVT-AV1 (4:2:0 only) */
    const int32_t w = 64, h = 64;
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("enc.avif"));
    float *src = pattern_f32(w, h, 3);
    static const char *const comps[] = { "aom,speed=9", "rav1e,speed=10", "svt,sub=420,speed=10" };
    for (size_t i = 0; i < COUNT_OF(comps); i++) {
        if (write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src, comps[i], 70, NULL) != VFX_OK)
            fail_msg("%s: %s", comps[i], vfx_error_message());
        int32_t rw, rh, rnc = 0;
        float *back = read_all_f32(path, 0, &rw, &rh, &rnc);
        assert_non_null(back);
        double q = psnr(back, src, (size_t) w * h * 3);
        fprintf(stderr, "AVIF %s q70: PSNR %.1f dB\n", comps[i], q);
        assert_true(q > 25.0);
        free(back);
    }
    assert_int_equal(VFX_ERR_ARG, write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src, "x264", 70,
                                              NULL));
    free(src);
}

static void
check_cicp(const char *path, int p, int t, int m, int full)
{
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    const vfx_attr_value *v = vfx_attrs_get(sp->attrs, "CICP");
    assert_non_null(v);
    assert_int_equal(VFX_ATTR_INT_VEC, v->type);
    assert_int_equal(4, v->u.iv.n);
    assert_int_equal(p, v->u.iv.p[0]);
    assert_int_equal(t, v->u.iv.p[1]);
    assert_int_equal(m, v->u.iv.p[2]);
    assert_int_equal(full, v->u.iv.p[3]);
    vfx_reader_close(r);
}

static void
cicp_pq_hlg(void **state)
{
    (void) state;
    const int32_t w = 32, h = 24;
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("cicp.avif"));
    float *src = pattern_f32(w, h, 3);
    static const int32_t pq[4] = { 9, 16, 9, 0 }, hlg[4] = { 9, 18, 9, 1 };
    const int32_t *cs[2] = { pq, hlg };
    for (int k = 0; k < 2; k++) {
        vfx_attrs *a = NULL;
        assert_int_equal(VFX_OK, vfx_attrs_new(&a));
        vfx_attr_value v;
        v.type = VFX_ATTR_INT_VEC;
        v.u.iv.p = cs[k];
        v.u.iv.n = 4;
        assert_int_equal(VFX_OK, vfx_attrs_set(a, "CICP", &v));
        assert_int_equal(VFX_OK, write_image(path, "R,G,B", VFX_PIXEL_U16, w, h, src,
                                             "avif,speed=9", 80, a));
        check_cicp(path, cs[k][0], cs[k][1], cs[k][2], cs[k][3]);
        vfx_attrs_free(a);
    }
    /* a file made by avifenc */
    if (test_have_tool("avifenc")) {
        char png[1024], cmd[4096];
        snprintf(png, sizeof png, "%s", test_tmp("cicp_src.png"));
        assert_int_equal(VFX_OK, write_image(png, "R,G,B", VFX_PIXEL_U16, w, h, src, NULL, -1,
                                             NULL));
        snprintf(cmd, sizeof cmd, "avifenc -s 9 -d 10 --cicp 9/18/9 -r limited '%s' '%s' "
                                  ">/dev/null", png, path);
        assert_int_equal(0, test_run(cmd, NULL, 0));
        check_cicp(path, 9, 18, 9, 0);
    }
    free(src);
}

static struct heif_error
heif_file_write(struct heif_context *ctx, const void *data, size_t size, void *user)
{
    (void) ctx;
    FILE *f = user;
    struct heif_error ok = { heif_error_Ok, heif_suberror_Unspecified, "" };
    struct heif_error bad = { heif_error_Encoding_error, heif_suberror_Cannot_write_output_data,
                              "write" };
    return fwrite(data, 1, size, f) == size ? ok : bad;
}

static void
hdr_boxes(void **state)
{
    (void) state;
    /* libavif 0.11 writes no clli / mdcv: libheif's AV1 encoder makes the file */
    struct heif_context *ctx = heif_context_alloc();
    struct heif_encoder *enc = NULL;
    struct heif_error he = heif_context_get_encoder_for_format(ctx, heif_compression_AV1, &enc);
    if (he.code != heif_error_Ok) {
        heif_context_free(ctx);
        test_require(0, "libheif has no AV1 encoder");
    }
    heif_encoder_set_lossy_quality(enc, 50);
    struct heif_image *im = NULL;
    he = heif_image_create(64, 64, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &im);
    assert_int_equal(heif_error_Ok, he.code);
    he = heif_image_add_plane(im, heif_channel_interleaved, 64, 64, 8);
    assert_int_equal(heif_error_Ok, he.code);
    int stride = 0;
    uint8_t *p = heif_image_get_plane(im, heif_channel_interleaved, &stride);
    for (int y = 0; y < 64; y++)
        memset(p + y * stride, y * 4, 64 * 3);
    struct heif_content_light_level cll = { 1000, 400 };
    heif_image_set_content_light_level(im, &cll);
    struct heif_mastering_display_colour_volume m = { { 13250, 7500, 34000 },
                                                      { 34500, 3000, 16000 },
                                                      15635, 16450, 10000000, 50 };
    heif_image_set_mastering_display_colour_volume(im, &m);
    assert_int_equal(heif_error_Ok, heif_context_encode_image(ctx, im, enc, NULL, NULL).code);
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("hdr.avif"));
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    struct heif_writer wtr = { 1, heif_file_write };
    assert_int_equal(heif_error_Ok, heif_context_write(ctx, &wtr, f).code);
    fclose(f);
    heif_image_release(im);
    heif_encoder_release(enc);
    heif_context_free(ctx);

    vfx_reader *r = NULL;
    if (vfx_reader_open(path, NULL, &r) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    assert_string_equal("avif", vfx_reader_format_name(r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    const vfx_attr_value *v = vfx_attrs_get(sp->attrs, "CLLI");
    assert_non_null(v);
    assert_int_equal(2, v->u.iv.n);
    assert_int_equal(1000, v->u.iv.p[0]);
    assert_int_equal(400, v->u.iv.p[1]);
    v = vfx_attrs_get(sp->attrs, "MDCV");
    assert_non_null(v);
    assert_int_equal(10, v->u.fv.n);
    assert_float_equal(0.265, v->u.fv.p[0], 1e-5);  /* G x (file order G, B, R) */
    assert_float_equal(0.69, v->u.fv.p[1], 1e-5);
    assert_float_equal(0.3127, v->u.fv.p[6], 1e-5); /* white x */
    assert_float_equal(1000.0, v->u.fv.p[8], 1e-3); /* max cd/m^2 */
    assert_float_equal(0.005, v->u.fv.p[9], 1e-6);
    vfx_reader_close(r);
}

static void
metadata_survives(void **state)
{
    (void) state;
    const int32_t w = 40, h = 30;
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("meta.avif"));
    vfx_attrs *a = NULL;
    assert_int_equal(VFX_OK, vfx_attrs_new(&a));
    const uint8_t *icc = add_metadata(a);
    float *src = pattern_f32(w, h, 3);
    assert_int_equal(VFX_OK, write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src, "avif,speed=9",
                                         80, a));
    check_metadata(path, icc);
    char out[8192] = "";
    if (test_have_tool("exiftool")) {
        assert_int_equal(0, run_fmt(out, sizeof out, "exiftool -s -n -Orientation '%s'", path));
        assert_non_null(strstr(out, ": 6"));
    }
    vfx_attrs_free(a);
    free(src);
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    const int32_t w = 48, h = 40;
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("dmg.avif"));
    float *src = pattern_f32(w, h, 4);
    assert_int_equal(VFX_OK, write_image(path, "R,G,B,A", VFX_PIXEL_U8, w, h, src, "avif,speed=9",
                                         60, NULL));
    free(src);
    assert_int_equal(0, damage_sweep(path, "cut.avif", "avif"));
    static const uint8_t junk[] = "\0\0\0\x14" "ftypavif\0\0\0\0avif\0\0\0\x08meta";
    vfx_reader *r = NULL;
    assert_int_not_equal(VFX_OK,
                         vfx_reader_open_memory(junk, sizeof junk - 1, "junk.avif", NULL, &r));
    assert_true(message_names("avif", "junk.avif"));
    assert_null(r);
}

static void
oom_sweep_open_and_read(void **state)
{
    (void) state;
    size_t n = 0;
    uint8_t *data = test_read_file(VFX_SOURCE_DIR "/fuzz/corpus/avif/rgba8.avif", &n);
    assert_non_null(data);
    assert_true(oom_sweep(data, n, "t.avif") > 2);
    free(data);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trips),       cmocka_unit_test(encoders),
        cmocka_unit_test(cicp_pq_hlg),       cmocka_unit_test(hdr_boxes),
        cmocka_unit_test(metadata_survives), cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(oom_sweep_open_and_read), /* last: it restarts the library */
    };
    return cmocka_run_group_tests_name("avif", tests, NULL, NULL);
}
