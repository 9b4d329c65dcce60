/* TGA: every valid file of ../shared/testdata/images/tga against OpenImageIO (straight alpha),
 * the TGA 2.0 extension area, origin bits, damaged and truncated files, an OOM sweep, and our
 * writer (raw and RLE, 1-4 channels) read back by us and by oiiotool. */
#include <unistd.h>

#include "img_ref.h"

#define UNASSOC "--iconfig oiio:UnassociatedAlpha 1"

static const char *const good_files[] = {
    "tga/200x32_la_bl_raw.tga", "tga/200x32_rgba_tl_rle.tga", "tga/CBW8.TGA", "tga/CTC24.TGA",
    "tga/UCM8.TGA",             "tga/UTC32.TGA",              "tga/rgba.tga",
};

static void
files_match_oiiotool(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    int failures = 0;
    for (size_t i = 0; i < COUNT_OF(good_files); i++) {
        long bad = img_ref_compare(img(good_files[i]), 0, UNASSOC, 0);
        if (bad != 0) {
            fprintf(stderr, "%s: %ld values differ from oiiotool\n", good_files[i], bad);
            failures++;
        }
    }
    assert_int_equal(0, failures);
}

static void
extension_area_metadata(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("tga/UCM8.TGA"), NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    const char *s = NULL;
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "Artist", &s));
    assert_string_equal("Ricky True", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "DateTime", &s));
    assert_string_equal("1990:02:24 10:00:00", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "ImageDescription", &s));
    assert_string_equal("Sample 8 bit uncompressed color mapped image", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "targa:ImageID", &s));
    assert_string_equal("Truevision(R) Sample Image", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "Software", &s));
    assert_string_equal("TGAEdit 1.40", s);
    vfx_chunking ck;
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ck));
    assert_int_equal(VFX_ACCESS_RANDOM_STRIPS, ck.access); /* raw: strips */
    vfx_reader_close(r);
    assert_int_equal(VFX_OK, vfx_reader_open(img("tga/CTC24.TGA"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ck));
    assert_int_equal(VFX_ACCESS_WHOLE_IMAGE, ck.access); /* RLE: whole image */
    vfx_reader_close(r);
}

/* A strip read from the middle of a bottom-up raw file equals the same rows of a full read. */
static void
strip_read_matches_full_read(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("tga/UTC32.TGA"), NULL, &r));
    static uint8_t full[128 * 128 * 4], part[128 * 50 * 4];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 128, 128 }, NULL,
                                                  0, VFX_PIXEL_U8, full, 4, 4 * 128));
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 5, 70, 105, 120 }, NULL,
                                                  0, VFX_PIXEL_U8, part, 4, 4 * 100));
    for (int y = 0; y < 50; y++)
        assert_memory_equal(part + y * 400, full + ((70 + y) * 128 + 5) * 4, 400);
    vfx_reader_close(r);
}

/* Hand-made 3x2 files: origin bits (right-to-left, top-to-bottom), 16-bit 5-5-5 with an
 * alpha bit, and a colour map whose first index is not 0. */
static void
origin_bits_and_small_variants(void **state)
{
    (void) state;
    /* 24-bit raw, right-to-left and top-to-bottom: file pixel order is (2,0),(1,0),(0,0),... */
    uint8_t f[18 + 3 * 2 * 3];
    memset(f, 0, sizeof f);
    f[2] = 2;
    f[12] = 3;
    f[14] = 2;
    f[16] = 24;
    f[17] = 0x30;
    for (int i = 0; i < 6; i++) { /* B, G, R of file pixel i = (i, 10 + i, 20 + i) */
        f[18 + i * 3 + 0] = (uint8_t) i;
        f[18 + i * 3 + 1] = (uint8_t) (10 + i);
        f[18 + i * 3 + 2] = (uint8_t) (20 + i);
    }
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open_memory(f, sizeof f, "o.tga", NULL, &r));
    uint8_t px[6 * 3];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 3, 2 }, NULL, 0,
                                                  VFX_PIXEL_U8, px, 3, 9));
    /* image (0,0) is file pixel 2: R = 22, G = 12, B = 2 */
    assert_int_equal(22, px[0]);
    assert_int_equal(12, px[1]);
    assert_int_equal(2, px[2]);
    /* image (2,1) is file pixel 3 */
    assert_int_equal(23, px[15]);
    vfx_reader_close(r);

    /* 16-bit with one alpha bit, bottom-up: two rows of one pixel */
    uint8_t g[18 + 4];
    memset(g, 0, sizeof g);
    g[2] = 2;
    g[12] = 1;
    g[14] = 2;
    g[16] = 16;
    g[17] = 0x01;
    g[18] = 0x1F; /* file row 0 = image row 1: blue 31, alpha bit 0 */
    g[19] = 0x00;
    g[20] = 0x00; /* file row 1 = image row 0: red 31, alpha bit 1 */
    g[21] = 0xFC;
    assert_int_equal(VFX_OK, vfx_reader_open_memory(g, sizeof g, "a.tga", NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(4, vfx_channels_count(sp->channels));
    uint8_t q[8];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 1, 2 }, NULL, 0,
                                                  VFX_PIXEL_U8, q, 4, 4));
    const uint8_t want[8] = { 255, 0, 0, 255, 0, 0, 255, 0 };
    assert_memory_equal(want, q, 8);
    vfx_reader_close(r);

    /* colour map of 2 24-bit entries starting at index 5; pixels 5, 6, 9 (out of map) */
    uint8_t m[18 + 6 + 3];
    memset(m, 0, sizeof m);
    m[1] = 1;
    m[2] = 1;
    m[3] = 5;
    m[5] = 2;
    m[7] = 24;
    m[12] = 3;
    m[14] = 1;
    m[16] = 8;
    m[17] = 0x20;
    const uint8_t map[6] = { 1, 2, 3, 4, 5, 6 };
    memcpy(m + 18, map, 6);
    m[24] = 5;
    m[25] = 6;
    m[26] = 9;
    assert_int_equal(VFX_OK, vfx_reader_open_memory(m, sizeof m, "m.tga", NULL, &r));
    uint8_t c[9];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 3, 1 }, NULL, 0,
                                                  VFX_PIXEL_U8, c, 3, 9));
    const uint8_t cw[9] = { 3, 2, 1, 6, 5, 4, 0, 0, 0 };
    assert_memory_equal(cw, c, 9);
    vfx_reader_close(r);
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    vfx_status s = open_and_read_all(img("tga/crash1.tga"));
    if (s != VFX_ERR_CORRUPT)
        fail_msg("crash1.tga: %s (%s)", vfx_status_name(s), vfx_error_message());
    assert_true(message_names("tga", "crash1.tga"));
    static const char *const cut_files[] = { "tga/CTC24.TGA", "tga/UCM8.TGA",
                                             "tga/200x32_la_bl_raw.tga" };
    for (size_t f = 0; f < COUNT_OF(cut_files); f++) {
        size_t n = 0;
        uint8_t *data = test_read_file(img(cut_files[f]), &n);
        /* a cut after the end of the pixel data (in the TGA 2.0 extension area, postage
         * stamp or footer) still leaves a whole image: once a cut reads, every longer one
         * must too, and every shorter one must fail cleanly */
        size_t first_ok = 0;
        for (size_t k = 0; k < n; k += 211) {
            vfx_reader *r = NULL;
            vfx_read_options o = VFX_READ_OPTIONS_INIT;
            o.format = "targa";
            s = vfx_reader_open_memory(data, k, "cut.tga", &o, &r);
            if (s == VFX_OK) {
                double *a = NULL;
                int32_t w = 0, h = 0, nc = 0;
                s = vfx_load_f64(r, 0, &a, &w, &h, &nc);
                free(a);
                vfx_reader_close(r);
            }
            if (s == VFX_OK && !first_ok)
                first_ok = k;
            if (first_ok) {
                if (s != VFX_OK)
                    fail_msg("%s cut at %zu fails after %zu read: %s", cut_files[f], k,
                             first_ok, vfx_error_message());
                continue;
            }
            if (s != VFX_ERR_CORRUPT)
                fail_msg("%s cut at %zu: %s: %s", cut_files[f], k, vfx_status_name(s),
                         vfx_error_message());
            assert_true(message_names("tga", "cut.tga"));
        }
        assert_true(first_ok == 0 || first_ok > 1000); /* 0: only the whole file reads */
        free(data);
    }
}

static void
oom_sweep_open_and_read(void **state)
{
    (void) state;
    size_t n = 0;
    uint8_t *data = test_read_file(img("tga/CTC24.TGA"), &n);
    assert_true(oom_sweep(data, n, "t.tga") > 2);
    free(data);
    data = test_read_file(img("tga/UCM8.TGA"), &n);
    assert_true(oom_sweep(data, n, "t.tga") > 2);
    free(data);
}

static void
write_one(const char *names, const char *compression)
{
    const int32_t w = 37, h = 11;
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, names, VFX_PIXEL_U8));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(spec.attrs, "Artist", "A. Tester"));
    int32_t nc = vfx_channels_count(spec.channels);
    size_t n = (size_t) w * (size_t) h * (size_t) nc;
    uint8_t *px = malloc(n);
    for (size_t i = 0; i < n; i++) /* runs and noise, so both packet kinds appear */
        px[i] = (uint8_t) ((i / (size_t) nc) % 13 < 6 ? 77 + i % (size_t) nc : i * 7 + 3);
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("w.tga"));
    unlink(path);
    vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
    wo.compression = compression;
    vfx_writer *wr = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open(path, &spec, &wo, &wr));
    for (int32_t y = 0; y < h; y += 4)
        assert_int_equal(VFX_OK,
                         vfx_writer_write_rect(wr, (vfx_rect){ 0, y, w, MIN_OF(h, y + 4) },
                                               VFX_PIXEL_U8,
                                               px + (size_t) y * (size_t) w * (size_t) nc, nc,
                                               nc * w));
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(nc, vfx_channels_count(sp->channels));
    const char *s = NULL;
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "Artist", &s));
    assert_string_equal("A. Tester", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "compression", &s));
    assert_string_equal(compression ? compression : "rle", s);
    uint8_t *back = malloc(n);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL, 0,
                                                  VFX_PIXEL_U8, back, nc, nc * w));
    assert_memory_equal(px, back, n);
    vfx_reader_close(r);
    if (test_have_tool("oiiotool"))
        assert_int_equal(0, img_ref_compare(path, 0, UNASSOC, 0));
    free(px);
    free(back);
    vfx_spec_clear(&spec);
}

static void
writer_round_trips(void **state)
{
    (void) state;
    const char *const layouts[] = { "Y", "Y,A", "R,G,B", "R,G,B,A" };
    for (size_t i = 0; i < COUNT_OF(layouts); i++) {
        write_one(layouts[i], NULL);
        write_one(layouts[i], "none");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_match_oiiotool),
        cmocka_unit_test(extension_area_metadata),
        cmocka_unit_test(strip_read_matches_full_read),
        cmocka_unit_test(origin_bits_and_small_variants),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(oom_sweep_open_and_read),
        cmocka_unit_test(writer_round_trips),
    };
    return cmocka_run_group_tests_name("tga", tests, NULL, NULL);
}
