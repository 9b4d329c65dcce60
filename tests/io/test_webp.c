/* WebP: the testdata files against dwebp's decode (the same libwebp: exact), round trips
 * (lossless exact, lossy within a PSNR bound and exactly dwebp's decode), metadata through
 * the mux API (checked with webpmux and exiftool too), animations as parts, damaged files. */
#include "whole_test.h"

static void
need_tools(void)
{
    test_require(test_have_tool("dwebp") && test_have_tool("oiiotool"),
                 "dwebp / oiiotool not installed");
}

static double
vs_dwebp(const char *path)
{
    char png[4096], cmd[8192];
    snprintf(png, sizeof png, "%s", test_tmp("dwebp_ref.png"));
    snprintf(cmd, sizeof cmd, "dwebp -quiet '%s' -o '%s'", path, png);
    assert_int_equal(0, test_run(cmd, NULL, 0));
    return max_diff_vs_png(path, png, 0);
}

static void
testdata_matches_dwebp(void **state)
{
    (void) state;
    need_tools();
    static const char *const files[] = { "webp/1.webp", "webp/transparent.webp" };
    static const int32_t nch[] = { 3, 4 };
    for (size_t i = 0; i < COUNT_OF(files); i++) {
        const char *p = img(files[i]);
        vfx_reader *r = NULL;
        assert_int_equal(VFX_OK, vfx_reader_open(p, NULL, &r));
        const vfx_spec *sp = NULL;
        assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
        assert_int_equal(nch[i], vfx_channels_count(sp->channels));
        vfx_chunking ch;
        assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ch));
        assert_int_equal(VFX_ACCESS_WHOLE_IMAGE, ch.access);
        vfx_reader_close(r);
        double d = vs_dwebp(p);
        if (d < 0 || d > EXACT)
            fail_msg("%s: differs from dwebp by %g", files[i], d);
        /* and OpenImageIO's reading of it, within one code value (OIIO 2.4's WebP reader
         * premultiplies alpha whatever it is told, so only the opaque file compares) */
        if (nch[i] == 3)
            assert_int_equal(0, img_ref_compare(p, 0, NULL, 1));
    }
}

static void
round_trips(void **state)
{
    (void) state;
    need_tools();
    const int32_t w = 97, h = 61;
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("rt.webp"));
    for (int32_t nc = 1; nc <= 4; nc++) {
        static const char *const names[] = { "Y", "Y,A", "R,G,B", "R,G,B,A" };
        float *src = pattern_f32(w, h, nc);
        quantise(src, (size_t) w * (size_t) h * (size_t) nc, VFX_PIXEL_U8);
        /* lossless: exact, alpha-0 pixels keep their colour */
        assert_int_equal(VFX_OK, write_image(path, names[nc - 1], VFX_PIXEL_U8, w, h, src,
                                             "lossless", -1, NULL));
        int32_t rw = 0, rh = 0, rnc = 0;
        float *back = read_all_f32(path, 0, &rw, &rh, &rnc);
        assert_non_null(back);
        assert_int_equal(nc == 2 || nc == 4 ? 4 : 3, rnc);
        size_t bad = 0;
        for (size_t i = 0; i < (size_t) w * (size_t) h; i++)
            for (int32_t c = 0; c < rnc; c++) {
                int32_t sc = nc <= 2 ? (c < 3 ? 0 : 1) : c;
                bad += back[i * (size_t) rnc + (size_t) c] != src[i * (size_t) nc + (size_t) sc];
            }
        assert_int_equal(0, bad);
        assert_true(vs_dwebp(path) < EXACT);
        free(back);
        /* lossy at quality 90: close to the source, exactly dwebp's decode */
        assert_int_equal(VFX_OK, write_image(path, names[nc - 1], VFX_PIXEL_U8, w, h, src,
                                             "webp,method=6,exact", 90, NULL));
        back = read_all_f32(path, 0, &rw, &rh, &rnc);
        assert_non_null(back);
        if (nc >= 3) {
            float *col = malloc((size_t) w * (size_t) h * 3 * sizeof(float));
            float *scol = malloc((size_t) w * (size_t) h * 3 * sizeof(float));
            for (size_t i = 0; i < (size_t) w * (size_t) h; i++)
                for (int c = 0; c < 3; c++) {
                    col[i * 3 + (size_t) c] = back[i * (size_t) rnc + (size_t) c];
                    scol[i * 3 + (size_t) c] = src[i * (size_t) nc + (size_t) c];
                }
            double q = psnr(col, scol, (size_t) w * (size_t) h * 3);
            fprintf(stderr, "lossy WebP q90, %d channels: PSNR %.1f dB\n", (int) nc, q);
            if (q < 30.0)
                fail_msg("lossy WebP: PSNR %.1f dB < 30", q);
            free(col);
            free(scol);
        }
        assert_true(vs_dwebp(path) < EXACT);
        free(back);
        free(src);
    }
    /* options are checked */
    float *src = pattern_f32(w, h, 3);
    assert_int_equal(VFX_ERR_ARG, write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src, "jpeg", -1,
                                              NULL));
    assert_int_equal(VFX_ERR_ARG, write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src,
                                              "webp,method=9", -1, NULL));
    free(src);
}

static void
metadata_survives(void **state)
{
    (void) state;
    const int32_t w = 40, h = 30;
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("meta.webp"));
    vfx_attrs *a = NULL;
    assert_int_equal(VFX_OK, vfx_attrs_new(&a));
    const uint8_t *icc = add_metadata(a);
    float *src = pattern_f32(w, h, 3);
    assert_int_equal(VFX_OK, write_image(path, "R,G,B", VFX_PIXEL_U8, w, h, src, NULL, 80, a));
    check_metadata(path, icc);
    char out[8192] = "";
    if (test_have_tool("webpmux")) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "webpmux -info '%s'", path);
        assert_int_equal(0, test_run(cmd, out, sizeof out));
        assert_non_null(strstr(out, "ICC profile"));
        assert_non_null(strstr(out, "EXIF metadata"));
        assert_non_null(strstr(out, "XMP metadata"));
    }
    if (test_have_tool("exiftool")) {
        assert_int_equal(0, run_fmt(out, sizeof out, "exiftool -s -n -Orientation '%s'", path));
        assert_non_null(strstr(out, ": 6"));
    }
    /* vfx -> vfx keeps it too */
    char path2[4096];
    snprintf(path2, sizeof path2, "%s", test_tmp("meta2.webp"));
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "'%s' convert -q '%s' '%s' --compression lossless", getenv("VFX_CLI"),
             path, path2);
    assert_int_equal(0, test_run(cmd, NULL, 0));
    check_metadata(path2, icc);
    vfx_attrs_free(a);
    free(src);
}

static void
animation_frames_are_parts(void **state)
{
    (void) state;
    test_require(test_have_tool("img2webp"), "img2webp not installed");
    const int32_t w = 48, h = 32;
    char f[3][1024], anim[1024], cmd[8192];
    float *src[3];
    for (int k = 0; k < 3; k++) {
        char name[32];
        snprintf(name, sizeof name, "frame%d.png", k);
        snprintf(f[k], sizeof f[k], "%s", test_tmp(name));
        src[k] = pattern_f32(w, h, 4);
        for (size_t i = 0; i < (size_t) w * h * 4; i++) /* each frame different, alpha 1 */
            src[k][i] = i % 4 == 3 ? 1.0f : (float) fmod(src[k][i] + 0.3 * k, 1.0);
        quantise(src[k], (size_t) w * h * 4, VFX_PIXEL_U8);
        assert_int_equal(VFX_OK, write_image(f[k], "R,G,B,A", VFX_PIXEL_U8, w, h, src[k], NULL,
                                             -1, NULL));
    }
    snprintf(anim, sizeof anim, "%s", test_tmp("anim.webp"));
    snprintf(cmd, sizeof cmd, "img2webp -lossless -d 40 '%s' '%s' '%s' -o '%s' 2>/dev/null",
             f[0], f[1], f[2], anim);
    assert_int_equal(0, test_run(cmd, NULL, 0));
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(anim, NULL, &r));
    assert_int_equal(3, vfx_reader_part_count(r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 1, &sp));
    int32_t dur = 0;
    assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "webp:duration", &dur));
    assert_int_equal(40, dur);
    /* out of order: the decoder restarts */
    static const int order[] = { 2, 0, 1, 1 };
    for (size_t i = 0; i < COUNT_OF(order); i++) {
        float *buf = NULL;
        vfx_rect rc;
        int32_t nc = 0;
        assert_int_equal(VFX_OK, read_level_f32(r, order[i], 0, 0, &buf, &rc, &nc));
        assert_int_equal(4, nc);
        assert_int_equal(0, count_diffs(buf, src[order[i]], (size_t) w * h * 4, 0.0, "frame"));
        free(buf);
    }
    vfx_reader_close(r);
    for (int k = 0; k < 3; k++)
        free(src[k]);
}

static void
strips_equal_whole(void **state)
{
    (void) state;
    const char *p = img("webp/1.webp");
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(p, NULL, &r));
    static uint8_t all[550 * 368 * 3], row[550 * 3 * 5];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 550, 368 }, NULL,
                                                  0, VFX_PIXEL_U8, all, 3, 3 * 550));
    static const int32_t ys[] = { 300, 0, 120, 363 };
    for (size_t i = 0; i < COUNT_OF(ys); i++) {
        assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0,
                                                      (vfx_rect){ 0, ys[i], 550, ys[i] + 5 },
                                                      NULL, 0, VFX_PIXEL_U8, row, 3, 3 * 550));
        assert_memory_equal(all + (size_t) ys[i] * 550 * 3, row, sizeof row);
    }
    vfx_reader_stats st;
    vfx_reader_get_stats(r, &st);
    assert_int_equal(2, st.chunks_read); /* the whole read, then one decode kept for strips */
    vfx_reader_close(r);
}

static void
decoded_once_into_the_cache(void **state)
{
    (void) state;
    /* the graph asks a whole-image source for strips: one decode, held by the tile cache
     * (counted in the budget), not once per strip */
    vfx_image *im = NULL;
    assert_int_equal(VFX_OK, vfx_image_open(img("webp/1.webp"), NULL, &im));
    char out[1024];
    snprintf(out, sizeof out, "%s", test_tmp("once.tif"));
    vfx_cache_reset_stats();
    assert_int_equal(VFX_OK, vfx_image_write(im, out, NULL, NULL));
    vfx_reader_stats rs = { 0, 0 };
    vfx_image_read_stats(im, &rs);
    assert_int_equal(1, rs.chunks_read);
    vfx_cache_info ci = VFX_CACHE_INFO_INIT;
    assert_int_equal(VFX_OK, vfx_cache_stats(&ci));
    assert_true(ci.peak_bytes >= (int64_t) 550 * 368 * 3 * 4);
    vfx_image_unref(im);
    if (test_have_tool("dwebp") && test_have_tool("oiiotool")) { /* the pixels are right */
        char png[1024], cmd[4096];
        snprintf(png, sizeof png, "%s", test_tmp("once_ref.png"));
        snprintf(cmd, sizeof cmd, "dwebp -quiet '%s' -o '%s'", img("webp/1.webp"), png);
        assert_int_equal(0, test_run(cmd, NULL, 0));
        double d = max_diff_vs_png(out, png, 0);
        assert_true(d >= 0 && d < EXACT);
    }
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    assert_int_equal(0, damage_sweep(img("webp/1.webp"), "cut.webp", "webp"));
    assert_int_equal(0, damage_sweep(img("webp/transparent.webp"), "cut.webp", "webp"));
    static const uint8_t junk[] = "RIFF\x10\0\0\0WEBPVP8 \x04\0\0\0abcd";
    vfx_reader *r = NULL;
    assert_int_not_equal(VFX_OK, vfx_reader_open_memory(junk, sizeof junk - 1, "junk.webp",
                                                        NULL, &r));
    assert_true(message_names("webp", "junk.webp"));
    assert_null(r);
}

static void
oom_sweep_open_and_read(void **state)
{
    (void) state;
    size_t n = 0;
    uint8_t *data = test_read_file(VFX_SOURCE_DIR "/fuzz/corpus/webp/anim.webp", &n);
    assert_non_null(data);
    assert_true(oom_sweep(data, n, "t.webp") > 2);
    free(data);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testdata_matches_dwebp),
        cmocka_unit_test(round_trips),
        cmocka_unit_test(metadata_survives),
        cmocka_unit_test(animation_frames_are_parts),
        cmocka_unit_test(strips_equal_whole),
        cmocka_unit_test(decoded_once_into_the_cache),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(oom_sweep_open_and_read), /* last: it restarts the library */
    };
    return cmocka_run_group_tests_name("webp", tests, NULL, NULL);
}
