/* DPX: files of ../shared/testdata/images/dpx against OpenImageIO, variants written by
 * oiiotool (10-bit packed / method A / method B, 12-bit packed, both byte orders, luma, RGBA),
 * damaged and truncated files, metadata, and our writer read back by oiiotool. */
#include <unistd.h>

#include "img_ref.h"

/* bars_cinepaint_10.dpx is checked against the Nuke bars instead: its element data offset
 * is 0 (meaning "see the file header"), and OIIO 2.4 then decodes the header bytes as pixels */
static const char *const good_files[] = {
    "dpx/bars_nuke_10_be.dpx", "dpx/bars_nuke_10_le.dpx",
    "dpx/bars_nuke_16_be.dpx",   "dpx/bars_nuke_8_le.dpx",
};

static void
files_match_oiiotool(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    for (size_t i = 0; i < COUNT_OF(good_files); i++) {
        if (access(img(good_files[i]), R_OK) != 0) { /* see bars16() */
            fprintf(stderr, "%s: missing from testdata, skipped\n", good_files[i]);
            continue;
        }
        long bad = img_ref_compare(img(good_files[i]), 0, NULL, 0);
        if (bad != 0)
            fail_msg("%s: %ld values differ from oiiotool", good_files[i], bad);
    }
}

/* A 16-bit big-endian RGB DPX: testdata's bars_nuke_16_be.dpx, or (it went missing from the
 * shared testdata) the 10-bit Nuke bars rewritten by oiiotool. Returns a static path. */
static const char *
bars16(void)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s", img("dpx/bars_nuke_16_be.dpx"));
    if (access(path, R_OK) == 0)
        return path;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    snprintf(path, sizeof path, "%s", test_tmp("bars16be.dpx"));
    assert_int_equal(0, run_fmt(NULL, 0, "oiiotool '%s' -d uint16 --attrib oiio:Endian big "
                                         "-o '%s' 2>&1", img("dpx/bars_nuke_10_be.dpx"), path));
    return path;
}

static void
cinepaint_matches_the_nuke_bars(void **state)
{
    (void) state;
    vfx_reader *a = NULL, *b = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("dpx/bars_cinepaint_10.dpx"), NULL, &a));
    assert_int_equal(VFX_OK, vfx_reader_open(img("dpx/bars_nuke_10_be.dpx"), NULL, &b));
    double *pa = NULL, *pb = NULL;
    int32_t w = 0, h = 0, nc = 0, w2 = 0, h2 = 0, nc2 = 0;
    assert_int_equal(VFX_OK, vfx_load_f64(a, 0, &pa, &w, &h, &nc));
    assert_int_equal(VFX_OK, vfx_load_f64(b, 0, &pb, &w2, &h2, &nc2));
    assert_int_equal(w, w2);
    assert_int_equal(h, h2);
    /* the same bars rendered by two programs: equal within one 10-bit code value */
    size_t far = 0;
    for (size_t i = 0; i < (size_t) w * (size_t) h * (size_t) nc; i++)
        far += fabs(pa[i] - pb[i]) * 1023.0 > 1.0 + 1e-6;
    assert_int_equal(0, far);
    free(pa);
    free(pb);
    vfx_reader_close(a);
    vfx_reader_close(b);
}

/* oiiotool writes the layouts testdata lacks; its own reading of them is the oracle. */
static void
oiiotool_variants_match(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    static const struct {
        const char *args, *packing;
        int         bits;
    } v[] = {
        { "--attrib dpx:Packing Packed -d uint10", "Packed", 10 },
        { "--attrib dpx:Packing 'Filled, method A' -d uint10", "Filled, method A", 10 },
        { "--attrib dpx:Packing 'Filled, method B' -d uint10", "Filled, method B", 10 },
        { "--attrib dpx:Packing Packed -d uint10 --attrib oiio:Endian big", "Packed", 10 },
        { "--attrib dpx:Packing 'Filled, method B' -d uint10 --attrib oiio:Endian big",
          "Filled, method B", 10 },
        { "-d uint12", "Packed", 12 },
        { "-d uint12 --attrib oiio:Endian big", "Packed", 12 },
        { "--ch R,G,B,G --chnames R,G,B,A -d uint10", NULL, 10 },
        { "--ch R,G,B,G --chnames R,G,B,A -d uint8", NULL, 8 },
        { "--ch G -d uint10", NULL, 10 },
        { "--ch B -d uint16 --attrib oiio:Endian big", NULL, 16 },
        { "--cut 0,0,238,134 -d uint10 --attrib dpx:Packing Packed", "Packed", 10 },
        { "--cut 0,0,238,134 -d uint12", "Packed", 12 },
    };
    char out[4096]; /* a copy: test_tmp() buffers rotate with test_data() ones */
    snprintf(out, sizeof out, "%s", test_tmp("variant.dpx"));
    for (size_t i = 0; i < COUNT_OF(v); i++) {
        unlink(out);
        assert_int_equal(0, run_fmt(NULL, 0, "oiiotool '%s' %s -o '%s' 2>&1",
                                    bars16(), v[i].args, out));
        long bad = img_ref_compare(out, 0, NULL, 0);
        if (bad != 0)
            fail_msg("oiiotool %s: %ld values differ", v[i].args, bad);
        vfx_reader *r = NULL;
        assert_int_equal(VFX_OK, vfx_reader_open(out, NULL, &r));
        const vfx_spec *sp = NULL;
        assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
        int32_t bits = 0;
        assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "BitsPerSample", &bits));
        assert_int_equal(v[i].bits, bits);
        const char *pk = NULL;
        if (v[i].packing) {
            assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "dpx:Packing", &pk));
            assert_string_equal(v[i].packing, pk);
        }
        vfx_reader_close(r);
    }
}

static void
metadata_is_reported(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    const vfx_spec *sp = NULL;
    const char *s = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("dpx/bars_cinepaint_10.dpx"), NULL, &r));
    assert_string_equal("dpx", vfx_reader_format_name(r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "Software", &s));
    assert_string_equal("David's DPX writer", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "DateTime", &s));
    assert_string_equal("2009:07:29 21:33:36", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "dpx:ImageDescriptor", &s));
    assert_string_equal("RGB", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "dpx:Packing", &s));
    assert_string_equal("Filled, method A", s);
    vfx_chunking ch;
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ch));
    assert_int_equal(VFX_ACCESS_RANDOM_STRIPS, ch.access);
    vfx_reader_close(r);
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    vfx_status s = open_and_read_all(img("dpx/crash-badusersize.dpx"));
    if (s != VFX_ERR_CORRUPT && s != VFX_ERR_UNSUPPORTED)
        fail_msg("%s: %s", vfx_status_name(s), vfx_error_message());
    assert_true(message_names("dpx", "crash-badusersize.dpx"));
    size_t n = 0;
    uint8_t *data = test_read_file(img("dpx/bars_nuke_10_le.dpx"), &n);
    assert_non_null(data);
    for (size_t k = 0; k < n; k += 997) {
        s = VFX_OK;
        vfx_reader *r = NULL;
        s = vfx_reader_open_memory(data, k, "cut.dpx", NULL, &r);
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
    /* absurd element fields */
    uint8_t *bad = malloc(n);
    memcpy(bad, data, n);
    bad[780 + 23] = 11; /* 11-bit */
    vfx_reader *r = NULL;
    assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_reader_open_memory(bad, n, "b.dpx", NULL, &r));
    memcpy(bad, data, n);
    bad[776] = 0xFF; /* lines per element (LE) far beyond the data */
    bad[777] = 0xFF;
    s = vfx_reader_open_memory(bad, n, "b.dpx", NULL, &r);
    assert_true(s == VFX_ERR_CORRUPT || s == VFX_ERR_LIMIT);
    free(bad);
    free(data);
}

static void
write_one(const char *src, const char *channels, int bits, vfx_pixel_type type, int exact)
{
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(src, NULL, &r));
    const vfx_spec *sp0 = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp0));
    int32_t w = sp0->data.x1, h = sp0->data.y1;
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, channels, type));
    int32_t nc = vfx_channels_count(spec.channels);
    assert_int_equal(VFX_OK, vfx_attrs_set_int(spec.attrs, "BitsPerSample", bits));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(spec.attrs, "FramesPerSecond", 24.0f));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(spec.attrs, "dpx:Transfer", "Logarithmic"));
    vfx_attr_value tc;
    tc.type = VFX_ATTR_TIMECODE;
    tc.u.timecode.time_and_flags = 0x01020304;
    tc.u.timecode.user_data = 7;
    assert_int_equal(VFX_OK, vfx_attrs_set(spec.attrs, "smpte:TimeCode", &tc));
    /* source channels: R,G,B of the bars, the 4th a copy of G */
    int32_t map[4] = { 0, 1, 2, 1 };
    if (nc == 1)
        map[0] = 1;
    uint16_t *px = malloc((size_t) w * (size_t) h * 4 * 2);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, sp0->data, map, nc, VFX_PIXEL_U16,
                                                  px, 2 * nc, 2 * nc * w));
    vfx_reader_close(r);
    char path[4096]; /* a copy: test_tmp() buffers rotate with test_data() ones */
    snprintf(path, sizeof path, "%s", test_tmp("w.dpx"));
    unlink(path);
    vfx_writer *wr = NULL;
    if (vfx_writer_open(path, &spec, NULL, &wr) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    for (int32_t y = 0; y < h; y += 50)
        assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, y, w, MIN_OF(h, y + 50) },
                                                       VFX_PIXEL_U16, px + (size_t) y * (size_t) w * (size_t) nc,
                                                       2 * nc, 2 * nc * w));
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));
    /* exact when the source depth fits the written one */
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    uint16_t *back = malloc((size_t) w * (size_t) h * 4 * 2);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL, 0,
                                                  VFX_PIXEL_U16, back, 2 * nc, 2 * nc * w));
    if (exact)
        assert_memory_equal(px, back, (size_t) w * (size_t) h * (size_t) nc * 2);
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    const vfx_attr_value *v = vfx_attrs_get(sp->attrs, "smpte:TimeCode");
    assert_non_null(v);
    assert_int_equal(0x01020304, v->u.timecode.time_and_flags);
    float fps = 0;
    assert_int_equal(VFX_OK, vfx_attrs_get_float(sp->attrs, "FramesPerSecond", &fps));
    assert_float_equal(24.0, fps, 0);
    const char *s = NULL;
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "dpx:Transfer", &s));
    assert_string_equal("Logarithmic", s);
    vfx_reader_close(r);
    if (test_have_tool("oiiotool")) {
        long bad = img_ref_compare(path, 0, NULL, 0);
        if (bad != 0)
            fail_msg("%s %d-bit: oiiotool disagrees (%ld)", channels, bits, bad);
        char out[8192] = "";
        assert_int_equal(0, run_fmt(out, sizeof out, "oiiotool --info -v '%s' 2>&1", path));
        assert_non_null(strstr(out, "Logarithmic"));
    }
    free(px);
    free(back);
    vfx_spec_clear(&spec);
}

static void
writer_round_trips(void **state)
{
    (void) state;
    write_one(img("dpx/bars_nuke_10_be.dpx"), "R,G,B", 10, VFX_PIXEL_U16, 1);
    write_one(bars16(), "R,G,B,A", 16, VFX_PIXEL_U16, 1);
    write_one(img("dpx/bars_nuke_10_le.dpx"), "Y", 10, VFX_PIXEL_U16, 1);
    write_one(img("dpx/bars_nuke_8_le.dpx"), "R,G,B", 8, VFX_PIXEL_U8, 1);
    write_one(bars16(), "R,G,B,A", 12, VFX_PIXEL_U16, 0);
}

static void
oom_sweep_open_and_read(void **state)
{
    (void) state;
    size_t n = 0;
    uint8_t *data = test_read_file(img("dpx/bars_nuke_10_le.dpx"), &n);
    assert_non_null(data);
    int64_t swept = oom_sweep(data, n, "t.dpx");
    assert_true(swept > 3);
    free(data);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oom_sweep_open_and_read),
        cmocka_unit_test(files_match_oiiotool),
        cmocka_unit_test(cinepaint_matches_the_nuke_bars),
        cmocka_unit_test(oiiotool_variants_match),
        cmocka_unit_test(metadata_is_reported),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(writer_round_trips),
    };
    return cmocka_run_group_tests_name("dpx", tests, NULL, NULL);
}
