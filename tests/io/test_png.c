/* PNG: every valid file of ../shared/testdata/images/png against OpenImageIO's decode
 * (straight alpha, exact), damaged files, restarts of the sequential decoder, concurrent
 * reads, metadata, and round trips checked by oiiotool and exiftool. */
#include <pthread.h>
#include <unistd.h>

#include "img_ref.h"

static const char *const good_files[] = {
    "png/alphagamma.png",    "png/basn0g01.png",           "png/basn0g16.png",
    "png/basn2c08.png",      "png/basn2c16.png",           "png/basn3p01.png",
    "png/basn3p08.png",      "png/basn4a16.png",           "png/basn6a08.png",
    "png/basn6a16.png",      "png/cicp-display-p3_reencoded.png", "png/ftbrn2c08.png",
    "png/gray-16-linear.png", "png/gray-alpha-16.png",     "png/ibasn2c16.png",
    "png/icc_profile.png",   "png/oiio-logo-with-alpha.png", "png/palette-8-tRNS.png",
    "png/rgb-16-sRGB.png",   "png/rgb-8-linear.png",       "png/rgb-alpha-8-1.8.png",
};

#define STRAIGHT "--iconfig oiio:UnassociatedAlpha 1"


static void
every_file_matches_oiiotool(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    for (size_t i = 0; i < COUNT_OF(good_files); i++) {
        long bad = img_ref_compare(img(good_files[i]), 0, STRAIGHT, 0);
        if (bad != 0)
            fail_msg("%s: %ld values differ from oiiotool", good_files[i], bad);
    }
}

static void
channels_and_access(void **state)
{
    (void) state;
    static const struct {
        const char *file, *names;
        vfx_pixel_type type;
        vfx_access access;
    } cases[] = {
        { "png/basn0g01.png", "Y", VFX_PIXEL_U8, VFX_ACCESS_SEQUENTIAL_ROWS },
        { "png/basn4a16.png", "Y,A", VFX_PIXEL_U16, VFX_ACCESS_SEQUENTIAL_ROWS },
        { "png/basn3p08.png", "R,G,B", VFX_PIXEL_U8, VFX_ACCESS_SEQUENTIAL_ROWS },
        { "png/palette-8-tRNS.png", "R,G,B,A", VFX_PIXEL_U8, VFX_ACCESS_SEQUENTIAL_ROWS },
        { "png/ftbrn2c08.png", "R,G,B,A", VFX_PIXEL_U8, VFX_ACCESS_SEQUENTIAL_ROWS },
        { "png/ibasn2c16.png", "R,G,B", VFX_PIXEL_U16, VFX_ACCESS_WHOLE_IMAGE },
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        vfx_reader *r = NULL;
        assert_int_equal(VFX_OK, vfx_reader_open(img(cases[i].file), NULL, &r));
        assert_string_equal("png", vfx_reader_format_name(r));
        const vfx_spec *sp = NULL;
        assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
        char names[64] = "";
        for (int32_t c = 0; c < vfx_channels_count(sp->channels); c++) {
            vfx_channel_info ci;
            assert_int_equal(VFX_OK, vfx_channels_get(sp->channels, c, &ci));
            assert_int_equal(cases[i].type, ci.type);
            if (c)
                strcat(names, ",");
            strcat(names, ci.name);
        }
        assert_string_equal(cases[i].names, names);
        vfx_chunking ch;
        assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ch));
        assert_int_equal(cases[i].access, ch.access);
        vfx_reader_close(r);
    }
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    static const char *const bad[] = { "png/badadler.png", "png/badcrc.png",
                                       "png/huge_iCCP_chunk.png" };
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        vfx_status s = open_and_read_all(img(bad[i]));
        if (s != VFX_ERR_CORRUPT)
            fail_msg("%s: %s (%s)", bad[i], vfx_status_name(s), vfx_error_message());
        assert_true(message_names("png", bad[i]));
    }
    /* found by libFuzzer: an iTXt chunk claiming 1.7 GB must not be allocated */
    char oom[4096];
    snprintf(oom, sizeof oom, "%s/fuzz/corpus/png/oom-huge-chunk.png", VFX_SOURCE_DIR);
    vfx_reader *big = NULL;
    assert_int_equal(VFX_ERR_CORRUPT, vfx_reader_open(oom, NULL, &big));
    assert_non_null(strstr(vfx_error_message(), "claims"));
    /* every truncation of a valid file fails cleanly or reads */
    size_t n = 0;
    uint8_t *data = test_read_file(img("png/basn6a16.png"), &n);
    assert_non_null(data);
    for (size_t k = 0; k < n; k += 7) {
        vfx_reader *r = NULL;
        vfx_status s = vfx_reader_open_memory(data, k, "cut.png", NULL, &r);
        if (s == VFX_OK) {
            uint8_t px[32 * 32 * 4 * 2];
            s = vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 32, 32 }, NULL, 0,
                                     VFX_PIXEL_U16, px, 8, 8 * 32);
            vfx_reader_close(r);
        }
        /* only the IEND chunk missing: every pixel is there */
        if (s == VFX_OK && k >= n - 12)
            continue;
        if (s != VFX_ERR_CORRUPT && s != VFX_ERR_UNSUPPORTED)
            fail_msg("cut at %zu of %zu: %s: %s", k, n, vfx_status_name(s), vfx_error_message());
    }
    free(data);
}

/* Rows asked for out of order restart the decoder and still give the same pixels. */
static void
random_rows_restart_the_decoder(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("png/rgb-16-sRGB.png"), NULL, &r));
    static uint16_t all[256 * 256 * 3], part[256 * 3];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 256, 256 }, NULL,
                                                  0, VFX_PIXEL_U16, all, 6, 6 * 256));
    vfx_reader_stats st0;
    vfx_reader_get_stats(r, &st0);
    static const int32_t rows[] = { 200, 3, 255, 0, 128, 129, 10 };
    for (size_t i = 0; i < COUNT_OF(rows); i++) {
        int32_t y = rows[i];
        const int32_t ch[] = { 2, 0 };
        assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 5, y, 100, y + 1 },
                                                      ch, 2, VFX_PIXEL_U16, part, 4, 4 * 95));
        for (int32_t x = 5; x < 100; x++) {
            assert_int_equal(all[((size_t) y * 256 + (size_t) x) * 3 + 2], part[(x - 5) * 2]);
            assert_int_equal(all[((size_t) y * 256 + (size_t) x) * 3 + 0], part[(x - 5) * 2 + 1]);
        }
    }
    /* a rect partly outside the image is zero-filled there */
    uint8_t px[4 * 3] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 254, 255, 256, 257 },
                                                  NULL, 0, VFX_PIXEL_U8, px, 3, 6));
    assert_int_equal(0, px[6] | px[7] | px[8] | px[9] | px[10] | px[11]);
    vfx_reader_close(r);
}

typedef struct thread_arg {
    vfx_reader     *r;
    const uint16_t *all;
    int             seed, bad;
} thread_arg;

static void *
reader_thread(void *p)
{
    thread_arg *a = p;
    uint16_t row[256 * 3];
    unsigned s = (unsigned) a->seed;
    for (int i = 0; i < 200; i++) {
        s = s * 1103515245u + 12345u;
        int32_t y = (int32_t) ((s >> 8) % 256);
        if (vfx_reader_read_rect(a->r, 0, 0, 0, (vfx_rect){ 0, y, 256, y + 1 }, NULL, 0,
                                 VFX_PIXEL_U16, row, 6, 6 * 256) != VFX_OK ||
            memcmp(row, a->all + (size_t) y * 256 * 3, sizeof row) != 0)
            a->bad++;
    }
    return NULL;
}

static void
concurrent_reads_agree(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("png/rgb-16-sRGB.png"), NULL, &r));
    static uint16_t all[256 * 256 * 3];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 256, 256 }, NULL,
                                                  0, VFX_PIXEL_U16, all, 6, 6 * 256));
    pthread_t t[4];
    thread_arg a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (thread_arg){ r, all, i + 1, 0 };
        assert_int_equal(0, pthread_create(&t[i], NULL, reader_thread, &a[i]));
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(0, a[i].bad);
    }
    vfx_reader_close(r);
}

static void
metadata_is_reported(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    const vfx_spec *sp = NULL;
    const char *s = NULL;
    float f = 0;

    assert_int_equal(VFX_OK, vfx_reader_open(img("png/icc_profile.png"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    const vfx_attr_value *v = vfx_attrs_get(sp->attrs, "ICCProfile");
    assert_non_null(v);
    assert_int_equal(VFX_ATTR_BLOB, v->type);
    assert_int_equal(3144, v->u.blob.size); /* as oiiotool --info -v reports */
    int32_t ua = 0;
    assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "UnassociatedAlpha", &ua));
    assert_int_equal(1, ua);
    vfx_reader_close(r);

    assert_int_equal(VFX_OK, vfx_reader_open(img("png/gray-16-linear.png"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "colorspace", &s));
    assert_string_equal("linear", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_float(sp->attrs, "gamma", &f));
    assert_float_equal(1.0, f, 1e-4);
    vfx_reader_close(r);

    assert_int_equal(VFX_OK, vfx_reader_open(img("png/rgb-alpha-8-1.8.png"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(VFX_OK, vfx_attrs_get_float(sp->attrs, "gamma", &f));
    assert_float_equal(1.52, f, 1e-2); /* 1 / gAMA, as oiio:Gamma */
    vfx_reader_close(r);

    assert_int_equal(VFX_OK, vfx_reader_open(img("png/rgb-16-sRGB.png"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "colorspace", &s));
    assert_string_equal("sRGB", s);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "Copyright", &s));
    assert_non_null(strstr(s, "John Cunningham Bowler"));
    vfx_reader_close(r);

    assert_int_equal(VFX_OK, vfx_reader_open(img("png/cicp-display-p3_reencoded.png"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    v = vfx_attrs_get(sp->attrs, "CICP");
    assert_non_null(v);
    assert_int_equal(4, v->u.iv.n);
    assert_int_equal(12, v->u.iv.p[0]); /* Display P3 primaries */
    assert_int_equal(13, v->u.iv.p[1]); /* sRGB transfer */
    vfx_reader_close(r);
}

/* Write an image with metadata; read it back with vfx, oiiotool and exiftool. */
static void
round_trip(vfx_pixel_type type, const char *names, int level)
{
    const int32_t w = 61, h = 37;
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, names, type));
    int32_t nc = vfx_channels_count(spec.channels);
    assert_int_equal(VFX_OK, vfx_attrs_set_string(spec.attrs, "ImageDescription", "vfx test"));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(spec.attrs, "Artist", "A. Tester"));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(spec.attrs, "colorspace", "sRGB"));
    size_t tsz = vfx_pixel_type_size(type);
    size_t n = (size_t) w * (size_t) h * (size_t) nc;
    uint8_t *px = malloc(n * tsz);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t) (i * 2654435761u >> 7);
        if (tsz == 1)
            px[i] = (uint8_t) v;
        else
            ((uint16_t *) px)[i] = (uint16_t) v;
    }
    char path[4096]; /* a copy: test_tmp() buffers rotate with test_data() ones */
    snprintf(path, sizeof path, "%s", test_tmp("rt.png"));
    unlink(path);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.level = level;
    vfx_writer *wr = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open(path, &spec, &o, &wr));
    ptrdiff_t xs = (ptrdiff_t) (tsz * (size_t) nc);
    /* rows in uneven batches */
    for (int32_t y = 0; y < h;) {
        int32_t k = MIN_OF(h - y, 1 + y % 5);
        assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, y, w, y + k }, type,
                                                       px + (size_t) y * (size_t) xs * (size_t) w,
                                                       xs, xs * w));
        y += k;
    }
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));

    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    uint8_t *back = malloc(n * tsz);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL, 0,
                                                  type, back, xs, xs * w));
    assert_memory_equal(px, back, n * tsz);
    const vfx_spec *sp = NULL;
    const char *s = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "ImageDescription", &s));
    assert_string_equal("vfx test", s);
    vfx_reader_close(r);
    if (test_have_tool("oiiotool"))
        assert_int_equal(0, img_ref_compare(path, 0, STRAIGHT, 0));
    if (test_have_tool("exiftool")) {
        char out[4096] = "";
        assert_int_equal(0, run_fmt(out, sizeof out, "exiftool -s -Description -Author "
                                    "-SRGBRendering -BitDepth '%s'", path));
        assert_non_null(strstr(out, "vfx test"));
        assert_non_null(strstr(out, "A. Tester"));
        assert_non_null(strstr(out, "Perceptual"));
        assert_non_null(strstr(out, tsz == 1 ? ": 8" : ": 16"));
    }
    free(back);
    free(px);
    vfx_spec_clear(&spec);
}

static void
round_trips(void **state)
{
    (void) state;
    round_trip(VFX_PIXEL_U8, "R,G,B,A", -1);
    round_trip(VFX_PIXEL_U16, "Y", 9);
    round_trip(VFX_PIXEL_U8, "Y,A", 0);
    round_trip(VFX_PIXEL_U16, "R,G,B", 1);
}

/* ICC, cICP, gAMA, cHRM, eXIf written and read back (and the ICC seen by exiftool). */
static void
colour_metadata_round_trip(void **state)
{
    (void) state;
    vfx_reader *src = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("png/icc_profile.png"), NULL, &src));
    const vfx_spec *ssp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(src, 0, &ssp));
    const vfx_attr_value *icc = vfx_attrs_get(ssp->attrs, "ICCProfile");
    assert_non_null(icc);
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, 8, 4, "R,G,B", VFX_PIXEL_U16));
    assert_int_equal(VFX_OK, vfx_attrs_set(spec.attrs, "ICCProfile", icc));
    int32_t cicp[4] = { 9, 16, 0, 1 }; /* BT.2020 primaries, PQ */
    vfx_attr_value v;
    v.type = VFX_ATTR_INT_VEC;
    v.u.iv.p = cicp;
    v.u.iv.n = 4;
    assert_int_equal(VFX_OK, vfx_attrs_set(spec.attrs, "CICP", &v));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(spec.attrs, "gamma", 2.2f));
    v.type = VFX_ATTR_CHROMATICITIES;
    const float ch[8] = { 0.64f, 0.33f, 0.30f, 0.60f, 0.15f, 0.06f, 0.3127f, 0.3290f };
    memcpy(v.u.chroma, ch, sizeof ch);
    assert_int_equal(VFX_OK, vfx_attrs_set(spec.attrs, "chromaticities", &v));
    static const uint8_t exif[] = { 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3,
                                    0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0 };
    v.type = VFX_ATTR_BLOB;
    v.u.blob.type_name = "exif";
    v.u.blob.data = exif;
    v.u.blob.size = sizeof exif;
    assert_int_equal(VFX_OK, vfx_attrs_set(spec.attrs, "exif", &v));
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("colour.png"));
    unlink(path);
    vfx_writer *wr = NULL;
    if (vfx_writer_open(path, &spec, NULL, &wr) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    uint16_t px[8 * 4 * 3] = { 0 };
    assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, 0, 8, 4 }, VFX_PIXEL_U16,
                                                   px, 6, 48));
    if (vfx_writer_close(wr, 0) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    const vfx_attr_value *b = vfx_attrs_get(sp->attrs, "ICCProfile");
    assert_non_null(b);
    assert_int_equal(icc->u.blob.size, b->u.blob.size);
    assert_memory_equal(icc->u.blob.data, b->u.blob.data, b->u.blob.size);
    b = vfx_attrs_get(sp->attrs, "CICP");
    assert_non_null(b);
    assert_memory_equal(cicp, b->u.iv.p, sizeof cicp);
    float g = 0;
    assert_int_equal(VFX_OK, vfx_attrs_get_float(sp->attrs, "gamma", &g));
    assert_float_equal(2.2, g, 1e-3);
    b = vfx_attrs_get(sp->attrs, "chromaticities");
    assert_non_null(b);
    assert_float_equal(0.3127, b->u.chroma[6], 1e-4);
    int32_t o = 0;
    assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "Orientation", &o));
    assert_int_equal(8, o);
    vfx_reader_close(r);
    if (test_have_tool("exiftool")) {
        char out[4096] = "";
        assert_int_equal(0, run_fmt(out, sizeof out,
                                    "exiftool -s -ProfileDescription -Orientation -n '%s'", path));
        assert_non_null(strstr(out, "sRGB IEC61966-2.1"));
        assert_non_null(strstr(out, "Orientation                     : 8"));
    }
    vfx_spec_clear(&spec);
    vfx_reader_close(src);
}

static void
writer_refuses_what_png_cannot_store(void **state)
{
    (void) state;
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, 4, 4, "R,G,B,A,Z", VFX_PIXEL_U8));
    vfx_writer *wr = NULL;
    assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_writer_open(test_tmp("no.png"), &spec, NULL, &wr));
    assert_null(wr);
    vfx_spec_clear(&spec);
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, 4, 4, "R,G,B", VFX_PIXEL_U8));
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.pixel_type = VFX_PIXEL_F32;
    assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_writer_open(test_tmp("no.png"), &spec, &o, &wr));
    /* a writer closed early leaves nothing behind */
    char path[4096]; /* a copy: test_tmp() buffers rotate with test_data() ones */
    snprintf(path, sizeof path, "%s", test_tmp("early.png"));
    unlink(path);
    assert_int_equal(VFX_OK, vfx_writer_open(path, &spec, NULL, &wr));
    assert_int_equal(VFX_ERR_STATE, vfx_writer_close(wr, 0));
    assert_int_not_equal(0, access(path, F_OK));
    vfx_spec_clear(&spec);
}

static void
oom_sweep_open_and_read(void **state)
{
    (void) state;
    size_t n = 0;
    uint8_t *data = test_read_file(img("png/basn6a16.png"), &n);
    assert_non_null(data);
    int64_t swept = oom_sweep(data, n, "t.png");
    assert_true(swept > 3);
    free(data);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oom_sweep_open_and_read),
        cmocka_unit_test(every_file_matches_oiiotool),
        cmocka_unit_test(channels_and_access),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(random_rows_restart_the_decoder),
        cmocka_unit_test(concurrent_reads_agree),
        cmocka_unit_test(metadata_is_reported),
        cmocka_unit_test(round_trips),
        cmocka_unit_test(colour_metadata_round_trip),
        cmocka_unit_test(writer_refuses_what_png_cannot_store),
    };
    return cmocka_run_group_tests_name("png", tests, NULL, NULL);
}
