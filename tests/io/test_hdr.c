/* Radiance HDR: files of ../shared/testdata/images/hdr against OpenImageIO, old RLE (which
 * OIIO 2.4 cannot decode) through a round trip, orientation strings, EXPOSURE, damaged and
 * truncated files, out-of-order rows, and writing read back by oiiotool. */
#include <unistd.h>

#include "img_ref.h"

static void
files_match_oiiotool(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    assert_int_equal(0, img_ref_compare(img("hdr/image1.hdr"), 0, NULL, 0));
    assert_int_equal(0, img_ref_compare(img("hdr/rgbr4x4.hdr"), 0, NULL, 0));
}

static vfx_status
open_text(const char *text, size_t n, vfx_reader **r)
{
    return vfx_reader_open_memory(text, n, "t.hdr", NULL, r);
}

static void
orientation_and_headers(void **state)
{
    (void) state;
    static const struct {
        const char *res;
        int32_t     w, h, orient;
    } cases[] = {
        { "-Y 2 +X 3", 3, 2, 1 }, { "-Y 2 -X 3", 3, 2, 2 }, { "+Y 2 -X 3", 3, 2, 3 },
        { "+Y 2 +X 3", 3, 2, 4 }, { "+X 2 -Y 3", 3, 2, 5 }, { "+X 2 +Y 3", 3, 2, 6 },
        { "-X 2 +Y 3", 3, 2, 7 }, { "-X 2 -Y 3", 3, 2, 8 },
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        char buf[256];
        int n = snprintf(buf, sizeof buf,
                         "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\nEXPOSURE=2\nEXPOSURE=1.5\n\n%s\n",
                         cases[i].res);
        /* flat pixels: mantissa 128 exponent 129 -> 1.0 */
        for (int k = 0; k < cases[i].w * cases[i].h; k++) {
            memcpy(buf + n, "\x80\x40\x20\x81", 4);
            n += 4;
        }
        vfx_reader *r = NULL;
        if (open_text(buf, (size_t) n, &r) != VFX_OK)
            fail_msg("%s: %s", cases[i].res, vfx_error_message());
        const vfx_spec *sp = NULL;
        assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
        assert_int_equal(cases[i].w, sp->data.x1);
        assert_int_equal(cases[i].h, sp->data.y1);
        int32_t o = 0;
        float e = 0;
        assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "Orientation", &o));
        assert_int_equal(cases[i].orient, o);
        assert_int_equal(VFX_OK, vfx_attrs_get_float(sp->attrs, "hdr:exposure", &e));
        assert_float_equal(3.0, e, 1e-6);
        float px[3 * 3 * 2];
        assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, sp->data, NULL, 0,
                                                      VFX_PIXEL_F32, px, 12, 12 * cases[i].w));
        assert_float_equal(1.0, px[0], 0);
        assert_float_equal(0.5, px[1], 0);
        assert_float_equal(0.25, px[2], 0);
        vfx_reader_close(r);
    }
    static const char *const bad[] = {
        "#?RADIANCE\n\n-Y 2 +Z 3\n",        "#?RADIANCE\n\n-Y 0 +X 3\n",
        "#?RADIANCE\n\n-Y 2 +X 3 junk\n",   "#?RADIANCE\n\n-Y 2 -Y 3\n",
        "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 99999999 +X 99999999\n",
        "#?RADIANCE\n\n-Y 1 +X 2\n\x01\x01\x01\x05\x10\x10\x10\x80", /* run with no pixel */
    };
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        vfx_reader *r = NULL;
        vfx_status s = open_text(bad[i], strlen(bad[i]), &r);
        if (s == VFX_OK) {
            float px[8];
            s = vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 2, 1 }, NULL, 0,
                                     VFX_PIXEL_F32, px, 12, 24);
            vfx_reader_close(r);
        }
        if (s != VFX_ERR_CORRUPT && s != VFX_ERR_LIMIT)
            fail_msg("bad header %zu: %s %s", i, vfx_status_name(s), vfx_error_message());
        assert_true(message_names("hdr", "t.hdr"));
    }
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    vfx_status s = open_and_read_all(img("hdr/crash-res.hdr"));
    assert_true(s == VFX_ERR_CORRUPT);
    assert_true(message_names("hdr", "crash-res.hdr"));
    size_t n = 0;
    uint8_t *data = test_read_file(img("hdr/image1.hdr"), &n);
    assert_non_null(data);
    for (size_t k = 0; k < n; k += 211) {
        vfx_reader *r = NULL;
        s = vfx_reader_open_memory(data, k, "cut.hdr", NULL, &r);
        if (s == VFX_OK) {
            double *a = NULL;
            int32_t w = 0, h = 0, nc = 0;
            s = vfx_load_f64(r, 0, &a, &w, &h, &nc);
            free(a);
            vfx_reader_close(r);
        }
        if (s != VFX_ERR_CORRUPT && s != VFX_ERR_UNSUPPORTED)
            fail_msg("cut at %zu: %s: %s", k, vfx_status_name(s), vfx_error_message());
    }
    free(data);
}

/* Write what we read; have oiiotool read the new file; compare. */
static void
write_and_compare(const char *src_path, const char *out_name, double tol)
{
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(src_path, NULL, &r));
    double *a = NULL;
    int32_t w = 0, h = 0, nc = 0;
    assert_int_equal(VFX_OK, vfx_load_f64(r, 0, &a, &w, &h, &nc));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    char path[4096]; /* a copy: test_tmp() buffers rotate with test_data() ones */
    snprintf(path, sizeof path, "%s", test_tmp(out_name));
    unlink(path);
    vfx_writer *wr = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open(path, sp, NULL, &wr));
    for (int32_t y = 0; y < h; y += 5) {
        int32_t y1 = MIN_OF(h, y + 5);
        assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, y, w, y1 }, VFX_PIXEL_F64,
                                                       a + (size_t) y * (size_t) w * 3, 24, 24 * w));
    }
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));
    vfx_reader_close(r);
    /* our reading of our file equals our reading of the source (RGBE is exact both ways) */
    vfx_reader *r2 = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r2));
    double *b = NULL;
    int32_t w2, h2, nc2;
    assert_int_equal(VFX_OK, vfx_load_f64(r2, 0, &b, &w2, &h2, &nc2));
    assert_int_equal(w, w2);
    assert_int_equal(h, h2);
    size_t n = (size_t) w * (size_t) h * 3, bad = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(a[i] - b[i]) > tol * fmax(fabs(a[i]), 1e-30))
            bad++;
    assert_int_equal(0, bad);
    vfx_reader_close(r2);
    if (test_have_tool("oiiotool"))
        assert_int_equal(0, img_ref_compare(path, 0, NULL, 0));
    free(a);
    free(b);
}

static void
old_rle_and_writing(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("hdr/old-rle.hdr"), NULL, &r));
    double *a = NULL;
    int32_t w = 0, h = 0, nc = 0;
    assert_int_equal(VFX_OK, vfx_load_f64(r, 0, &a, &w, &h, &nc));
    assert_int_equal(551, w);
    assert_int_equal(276, h);
    size_t nonzero = 0;
    for (size_t i = 0; i < (size_t) w * (size_t) h * 3; i++)
        nonzero += a[i] > 0;
    assert_true(nonzero > (size_t) w * (size_t) h);
    free(a);
    vfx_reader_close(r);
    write_and_compare(img("hdr/old-rle.hdr"), "old.hdr", 0);
    write_and_compare(img("hdr/image1.hdr"), "image1.hdr", 0);
    write_and_compare(img("hdr/rgbr4x4.hdr"), "small.hdr", 0);
}

static void
rows_out_of_order(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("hdr/old-rle.hdr"), NULL, &r));
    static float all[551 * 276 * 3], row[551 * 3];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 551, 276 }, NULL,
                                                  0, VFX_PIXEL_F32, all, 12, 12 * 551));
    static const int32_t ys[] = { 275, 0, 200, 64, 65, 63, 129, 128, 3 };
    for (size_t i = 0; i < COUNT_OF(ys); i++) {
        assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0,
                                                      (vfx_rect){ 0, ys[i], 551, ys[i] + 1 },
                                                      NULL, 0, VFX_PIXEL_F32, row, 12, 12 * 551));
        assert_memory_equal(all + (size_t) ys[i] * 551 * 3, row, sizeof row);
    }
    vfx_reader_close(r);
}

static void
oom_sweep_open_and_read(void **state)
{
    (void) state;
    size_t n = 0;
    uint8_t *data = test_read_file(img("hdr/image1.hdr"), &n);
    assert_non_null(data);
    int64_t swept = oom_sweep(data, n, "t.hdr");
    assert_true(swept > 3);
    free(data);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oom_sweep_open_and_read),
        cmocka_unit_test(files_match_oiiotool),
        cmocka_unit_test(orientation_and_headers),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(old_rle_and_writing),
        cmocka_unit_test(rows_out_of_order),
    };
    return cmocka_run_group_tests_name("hdr", tests, NULL, NULL);
}
