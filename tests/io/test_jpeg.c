/* JPEG: every valid file of ../shared/testdata/images/jpeg against OpenImageIO's decode
 * (within 1/255: IDCTs may differ), EXIF orientation, CMYK, truncated files, restarts, and
 * round trips read back by vfx, oiiotool and exiftool. */
#include <unistd.h>

#include "img_ref.h"

static const char *const good_files[] = {
    "jpeg/YCbCrK.jpg",          "jpeg/corrupt-exif.jpg",    "jpeg/hopper_orientation_2.jpg",
    "jpeg/hopper_orientation_3.jpg", "jpeg/hopper_orientation_4.jpg",
    "jpeg/hopper_orientation_5.jpg", "jpeg/hopper_orientation_6.jpg",
    "jpeg/hopper_orientation_7.jpg", "jpeg/hopper_orientation_8.jpg",
    "jpeg/pil_sample_cmyk.jpg", "jpeg/tahoe-gps.jpg",       "jpeg/testimgari.jpg",
    "jpeg/testimgint.jpg",      "jpeg/testorig.jpg",
};

static void
every_file_matches_oiiotool(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    int failures = 0;
    for (size_t i = 0; i < COUNT_OF(good_files); i++) {
        long bad = img_ref_compare(img(good_files[i]), 0, NULL, 1);
        if (bad != 0) {
            fprintf(stderr, "%s: %ld values differ from oiiotool by more than 1\n",
                    good_files[i], bad);
            failures++;
        }
    }
    assert_int_equal(0, failures);
}

static void
orientation_and_metadata(void **state)
{
    (void) state;
    for (int o = 2; o <= 8; o++) {
        char rel[64];
        snprintf(rel, sizeof rel, "jpeg/hopper_orientation_%d.jpg", o);
        vfx_reader *r = NULL;
        assert_int_equal(VFX_OK, vfx_reader_open(img(rel), NULL, &r));
        const vfx_spec *sp = NULL;
        assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
        int32_t v = 0;
        assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "Orientation", &v));
        assert_int_equal(o, v);
        /* reported, not applied: the stored size */
        assert_int_equal(128, sp->data.x1);
        vfx_reader_close(r);
    }
    vfx_reader *r = NULL;
    const vfx_spec *sp = NULL;
    const char *s = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("jpeg/tahoe-gps.jpg"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "Make", &s));
    assert_non_null(s);
    vfx_chunking ch;
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ch));
    assert_int_equal(VFX_ACCESS_SEQUENTIAL_ROWS, ch.access);
    vfx_reader_close(r);
    /* the only progressive file of testdata is truncated_jpeg.jpg (MANIFEST calls
     * testimgint.jpg progressive, exiftool says baseline); progressive decoding is covered
     * by the round trips below */
    assert_int_equal(VFX_OK, vfx_reader_open(img("jpeg/truncated_jpeg.jpg"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    int32_t prog = 0;
    assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "jpeg:progressive", &prog));
    assert_int_equal(1, prog);
    vfx_reader_close(r);
    assert_int_equal(VFX_OK, vfx_reader_open(img("jpeg/pil_sample_cmyk.jpg"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(3, vfx_channels_count(sp->channels));
    vfx_reader_close(r);
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    vfx_status s = open_and_read_all(img("jpeg/truncated_jpeg.jpg"));
    assert_int_equal(VFX_ERR_CORRUPT, s);
    assert_true(message_names("jpeg", "truncated_jpeg.jpg"));
    size_t n = 0;
    uint8_t *data = test_read_file(img("jpeg/testimgint.jpg"), &n);
    assert_non_null(data);
    for (size_t k = 0; k + 2 < n; k += 37) {
        vfx_reader *r = NULL;
        s = vfx_reader_open_memory(data, k, "cut.jpg", NULL, &r);
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
rows_out_of_order(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("jpeg/testorig.jpg"), NULL, &r));
    static uint8_t all[227 * 149 * 3], row[227 * 3];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 227, 149 }, NULL,
                                                  0, VFX_PIXEL_U8, all, 3, 3 * 227));
    static const int32_t ys[] = { 148, 0, 77, 76, 140, 1 };
    for (size_t i = 0; i < COUNT_OF(ys); i++) {
        assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0,
                                                      (vfx_rect){ 0, ys[i], 227, ys[i] + 1 },
                                                      NULL, 0, VFX_PIXEL_U8, row, 3, 3 * 227));
        assert_memory_equal(all + (size_t) ys[i] * 227 * 3, row, sizeof row);
    }
    vfx_reader_close(r);
}

static void
round_trip(const char *names, const char *subsampling, int progressive, int quality)
{
    const int32_t w = 77, h = 45;
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, names, VFX_PIXEL_U8));
    int32_t nc = vfx_channels_count(spec.channels);
    assert_int_equal(VFX_OK, vfx_attrs_set_string(spec.attrs, "jpeg:subsampling", subsampling));
    assert_int_equal(VFX_OK, vfx_attrs_set_int(spec.attrs, "jpeg:progressive", progressive));
    assert_int_equal(VFX_OK, vfx_attrs_set_int(spec.attrs, "Orientation", 6));
    /* a fake ICC profile big enough to need two APP2 segments */
    size_t icc_n = 70000;
    uint8_t *icc = malloc(icc_n);
    for (size_t i = 0; i < icc_n; i++)
        icc[i] = (uint8_t) (i * 7);
    vfx_attr_value bv;
    bv.type = VFX_ATTR_BLOB;
    bv.u.blob.type_name = "icc";
    bv.u.blob.data = icc;
    bv.u.blob.size = icc_n;
    assert_int_equal(VFX_OK, vfx_attrs_set(spec.attrs, "ICCProfile", &bv));
    size_t n = (size_t) w * (size_t) h * (size_t) nc;
    uint8_t *px = malloc(n);
    for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++)
            for (int32_t c = 0; c < nc; c++)
                px[((size_t) y * (size_t) w + (size_t) x) * (size_t) nc + (size_t) c] =
                    (uint8_t) (x * 2 + y + c * 20); /* smooth, no wrap */
    char path[4096]; /* a copy: test_tmp() buffers rotate with test_data() ones */
    snprintf(path, sizeof path, "%s", test_tmp("rt.jpg"));
    unlink(path);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.level = quality;
    vfx_writer *wr = NULL;
    if (vfx_writer_open(path, &spec, &o, &wr) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    for (int32_t y = 0; y < h; y += 9)
        assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, y, w, MIN_OF(h, y + 9) },
                                                       VFX_PIXEL_U8, px + (size_t) y * (size_t) w * (size_t) nc,
                                                       nc, nc * w));
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    const vfx_attr_value *v = vfx_attrs_get(sp->attrs, "ICCProfile");
    assert_non_null(v);
    assert_int_equal(icc_n, v->u.blob.size);
    assert_memory_equal(icc, v->u.blob.data, icc_n);
    int32_t ori = 0;
    assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "Orientation", &ori));
    assert_int_equal(6, ori);
    const char *ss = NULL;
    if (nc == 3) {
        assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "jpeg:subsampling", &ss));
        assert_string_equal(subsampling, ss);
    }
    uint8_t *back = malloc(n);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL, 0,
                                                  VFX_PIXEL_U8, back, nc, nc * w));
    long far = 0;
    for (size_t i = 0; i < n; i++)
        far += abs((int) px[i] - (int) back[i]) > 12;
    assert_true(far < (long) (n / 50)); /* a smooth ramp survives lossy coding */
    vfx_reader_close(r);
    if (test_have_tool("oiiotool"))
        assert_int_equal(0, img_ref_compare(path, 0, NULL, 1));
    if (test_have_tool("exiftool")) {
        char out[4096] = "";
        assert_int_equal(0, run_fmt(out, sizeof out, "exiftool -s -n -Orientation -EncodingProcess "
                                                     "'%s'", path));
        assert_non_null(strstr(out, "Orientation                     : 6"));
        assert_non_null(strstr(out, progressive ? ": 2" : ": 0"));
    }
    free(back);
    free(px);
    free(icc);
    vfx_spec_clear(&spec);
}

static void
round_trips(void **state)
{
    (void) state;
    round_trip("R,G,B", "4:2:0", 0, -1);
    round_trip("R,G,B", "4:4:4", 1, 98);
    round_trip("R,G,B", "4:2:2", 0, 90);
    round_trip("Y", "4:4:4", 1, 80);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_file_matches_oiiotool),
        cmocka_unit_test(orientation_and_metadata),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(rows_out_of_order),
        cmocka_unit_test(round_trips),
    };
    return cmocka_run_group_tests_name("jpeg", tests, NULL, NULL);
}
