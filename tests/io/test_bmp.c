/* BMP: every valid file of ../shared/testdata/images/bmp against OpenImageIO, damaged files,
 * an OOM sweep, and our writer (24-bit, 32-bit with alpha in a V5 header) read back by
 * oiiotool. */
#include <unistd.h>

#include "img_ref.h"

static const char *const good_files[] = {
    "bmp/g01bg2-v5.bmp", "bmp/pal1.bmp",    "bmp/pal4rle.bmp",     "bmp/pal8.bmp",
    "bmp/pal8os2.bmp",   "bmp/pal8topdown.bmp", "bmp/pal8v5.bmp",  "bmp/rgb16-565.bmp",
    "bmp/rgb24.bmp",
};

static void
files_match_oiiotool(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    int failures = 0;
    for (size_t i = 0; i < COUNT_OF(good_files); i++) {
        long bad = img_ref_compare(img(good_files[i]), 0, NULL, 0);
        if (bad != 0) {
            fprintf(stderr, "%s: %ld values differ from oiiotool\n", good_files[i], bad);
            failures++;
        }
    }
    assert_int_equal(0, failures);
}

/* bmpsuite's rgb32bf.bmp stores the rgb24.bmp picture with unusual bit fields (R in the top
 * byte, G in bits 4..11, B in bits 16..23); OIIO 2.4 ignores the masks, so it is checked
 * against rgb24.bmp instead. */
static void
unusual_bitfields_match_rgb24(void **state)
{
    (void) state;
    vfx_reader *a = NULL, *b = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("bmp/rgb32bf.bmp"), NULL, &a));
    assert_int_equal(VFX_OK, vfx_reader_open(img("bmp/rgb24.bmp"), NULL, &b));
    static uint8_t pa[127 * 64 * 4], pb[127 * 64 * 3];
    const int32_t rgb[3] = { 0, 1, 2 };
    assert_int_equal(VFX_OK, vfx_reader_read_rect(a, 0, 0, 0, (vfx_rect){ 0, 0, 127, 64 }, rgb, 3,
                                                  VFX_PIXEL_U8, pa, 3, 3 * 127));
    assert_int_equal(VFX_OK, vfx_reader_read_rect(b, 0, 0, 0, (vfx_rect){ 0, 0, 127, 64 }, NULL,
                                                  0, VFX_PIXEL_U8, pb, 3, 3 * 127));
    assert_memory_equal(pa, pb, 127 * 64 * 3);
    vfx_reader_close(a);
    vfx_reader_close(b);
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    static const char *const bad[] = { "bmp/badrle.bmp", "bmp/shortfile.bmp" };
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        vfx_status s = open_and_read_all(img(bad[i]));
        if (s != VFX_ERR_CORRUPT)
            fail_msg("%s: %s (%s)", bad[i], vfx_status_name(s), vfx_error_message());
        assert_true(message_names("bmp", bad[i]));
    }
    size_t n = 0;
    uint8_t *data = test_read_file(img("bmp/pal4rle.bmp"), &n);
    for (size_t k = 0; k < n; k += 97) {
        vfx_reader *r = NULL;
        vfx_status s = vfx_reader_open_memory(data, k, "cut.bmp", NULL, &r);
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

static void
oom_sweep_open_and_read(void **state)
{
    (void) state;
    size_t n = 0;
    uint8_t *data = test_read_file(img("bmp/pal4rle.bmp"), &n);
    assert_true(oom_sweep(data, n, "t.bmp") > 2);
    free(data);
}

static void
write_one(const char *names)
{
    const int32_t w = 31, h = 9;
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, names, VFX_PIXEL_U8));
    int32_t nc = vfx_channels_count(spec.channels);
    size_t n = (size_t) w * (size_t) h * (size_t) nc;
    uint8_t *px = malloc(n);
    for (size_t i = 0; i < n; i++)
        px[i] = (uint8_t) (i * 7 + 3);
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("w.bmp"));
    unlink(path);
    vfx_writer *wr = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open(path, &spec, NULL, &wr));
    for (int32_t y = 0; y < h; y += 4)
        assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, y, w, MIN_OF(h, y + 4) },
                                                       VFX_PIXEL_U8, px + (size_t) y * (size_t) w * (size_t) nc,
                                                       nc, nc * w));
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));
    size_t fsize = 0;
    uint8_t *bytes = test_read_file(path, &fsize);
    assert_true(fsize > 30);
    /* alpha goes into a BITMAPV5 header (124 bytes) with 32 bits per pixel */
    assert_int_equal(nc == 4 ? 124 : 40, bytes[14] | bytes[15] << 8);
    assert_int_equal(nc == 4 ? 32 : 24, bytes[28]);
    free(bytes);
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    int32_t rc = vfx_channels_count(sp->channels);
    uint8_t *back = malloc((size_t) w * (size_t) h * (size_t) rc);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL, 0,
                                                  VFX_PIXEL_U8, back, rc, rc * w));
    for (size_t p = 0; p < (size_t) w * (size_t) h; p++)
        for (int32_t c = 0; c < rc; c++)
            assert_int_equal(px[p * (size_t) nc + (size_t) (nc == 1 ? 0 : c)],
                             back[p * (size_t) rc + (size_t) c]);
    vfx_reader_close(r);
    if (test_have_tool("oiiotool"))
        assert_int_equal(0, img_ref_compare(path, 0, NULL, 0));
    free(px);
    free(back);
    vfx_spec_clear(&spec);
}

static void
writer_round_trips(void **state)
{
    (void) state;
    write_one("R,G,B");
    write_one("R,G,B,A");
    write_one("Y");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_match_oiiotool),
        cmocka_unit_test(unusual_bitfields_match_rgb24),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(oom_sweep_open_and_read),
        cmocka_unit_test(writer_round_trips),
    };
    return cmocka_run_group_tests_name("bmp", tests, NULL, NULL);
}
