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

/* A stand-in for pngcheck (not in Debian 12): every chunk's CRC, IHDR first, IEND last, and
 * the IDAT data inflated by Python's zlib (which checks the adler32), giving one filter byte
 * 0..4 and the row bytes per row. Prints "ok" on success. */
static const char png_check_py[] =
    "import sys, struct, zlib\n"
    "d = open(sys.argv[1], 'rb').read()\n"
    "assert d[:8] == b'\\x89PNG\\r\\n\\x1a\\n'\n"
    "i, names, idat = 8, [], b''\n"
    "while i < len(d):\n"
    "    n, t = struct.unpack('>I4s', d[i:i + 8])\n"
    "    body = d[i + 8:i + 8 + n]\n"
    "    assert zlib.crc32(t + body) == struct.unpack('>I', d[i + 8 + n:i + 12 + n])[0], t\n"
    "    names.append(t)\n"
    "    if t == b'IHDR': w, h, bits, ct = struct.unpack('>IIBB', body[:10])\n"
    "    if t == b'IDAT': idat += body\n"
    "    i += 12 + n\n"
    "assert names[0] == b'IHDR' and names[-1] == b'IEND' and i == len(d)\n"
    "raw = zlib.decompress(idat)\n"
    "rb = w * {0: 1, 4: 2, 2: 3, 6: 4}[ct] * bits // 8\n"
    "assert len(raw) == h * (rb + 1), (len(raw), h, rb)\n"
    "assert all(raw[y * (rb + 1)] <= 4 for y in range(h))\n"
    "print('ok')\n";

/* Pixels with some structure (gradients, flat runs, noise) so the adaptive filter choice
 * varies from row to row. */
static void
fill_mixed(uint8_t *px, size_t tsz, int32_t w, int32_t h, int32_t nc)
{
    for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++)
            for (int32_t c = 0; c < nc; c++) {
                size_t i = ((size_t) y * (size_t) w + (size_t) x) * (size_t) nc + (size_t) c;
                uint32_t hsh = (uint32_t) (i * 2654435761u) >> 9;
                int kind = (y / 3 + x / 50 + c) % 4;
                uint32_t v = kind == 0 ? (uint32_t) (x * 7 + y * 3 + c * 50)
                             : kind == 1 ? 1000u * (uint32_t) c + 77u
                             : kind == 2 ? hsh
                                         : (uint32_t) (x * y) + (hsh & 15);
                if (tsz == 1)
                    px[i] = (uint8_t) v;
                else
                    ((uint16_t *) px)[i] = (uint16_t) (v * 37u);
            }
}

/* Write w x h pixels of `names` with compression `comp` (NULL = default) and check them:
 * read back by vfx (libpng) exactly, by oiiotool exactly, chunks and zlib stream by Python. */
static void
deflate_case(int32_t w, int32_t h, vfx_pixel_type type, const char *names, const char *comp,
             int level)
{
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, names, type));
    int32_t nc = vfx_channels_count(spec.channels);
    size_t tsz = vfx_pixel_type_size(type);
    size_t n = (size_t) w * (size_t) h * (size_t) nc;
    uint8_t *px = malloc(n * tsz), *back = malloc(n * tsz);
    assert_non_null(px);
    assert_non_null(back);
    fill_mixed(px, tsz, w, h, nc);
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("deflate.png"));
    unlink(path);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.compression = comp;
    o.level = level;
    vfx_writer *wr = NULL;
    if (vfx_writer_open(path, &spec, &o, &wr) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    ptrdiff_t xs = (ptrdiff_t) (tsz * (size_t) nc);
    for (int32_t y = 0; y < h;) { /* uneven batches of rows */
        int32_t k = MIN_OF(h - y, 1 + (y * 7) % 40);
        assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, y, w, y + k }, type,
                                                       px + (size_t) y * (size_t) xs * (size_t) w,
                                                       xs, xs * w));
        y += k;
    }
    if (vfx_writer_close(wr, 0) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    if (vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL, 0, type, back, xs,
                             xs * w) != VFX_OK)
        fail_msg("%dx%d %s %s: %s", w, h, names, comp ? comp : "default", vfx_error_message());
    vfx_reader_close(r);
    if (memcmp(px, back, n * tsz) != 0)
        fail_msg("%dx%d %s %s: pixels differ", w, h, names, comp ? comp : "default");
    if (test_have_tool("oiiotool"))
        assert_int_equal(0, img_ref_compare(path, 0, STRAIGHT, 0));
    if (test_have_tool("python3")) {
        char script[4096], out[256] = "";
        snprintf(script, sizeof script, "%s", test_tmp("png_check.py"));
        FILE *f = fopen(script, "w");
        assert_non_null(f);
        fputs(png_check_py, f);
        fclose(f);
        if (run_fmt(out, sizeof out, "python3 '%s' '%s' 2>&1", script, path) != 0 ||
            !strstr(out, "ok"))
            fail_msg("%dx%d %s: %s", w, h, names, out);
    }
    free(px);
    free(back);
    vfx_spec_clear(&spec);
}

/* The parallel deflate (bands of ~1 MiB primed with the 32 KiB before them): tiny images,
 * one-pixel rows and columns, heights that are not a multiple of the band, dictionaries of
 * many short rows or of part of one long row, every filter, levels 0, 1 and 9. */
static void
parallel_deflate_is_exact(void **state)
{
    (void) state;
    deflate_case(1, 1, VFX_PIXEL_U8, "Y", NULL, -1);
    deflate_case(1, 1, VFX_PIXEL_U16, "R,G,B,A", NULL, -1);
    deflate_case(1, 333, VFX_PIXEL_U8, "Y,A", NULL, -1);
    deflate_case(333, 1, VFX_PIXEL_U16, "R,G,B", NULL, -1);
    deflate_case(7, 100003, VFX_PIXEL_U8, "R,G,B", NULL, -1);    /* 3 bands, 1490-row dict */
    deflate_case(1, 600001, VFX_PIXEL_U8, "Y", NULL, -1);        /* 2 bands, 16384-row dict */
    deflate_case(4096, 101, VFX_PIXEL_U16, "R,G,B,A", NULL, -1); /* 4 bands, 1-row dict */
    deflate_case(3001, 263, VFX_PIXEL_U8, "R,G,B,A", NULL, -1);  /* 4 bands, 3-row dict */
    deflate_case(20000, 70, VFX_PIXEL_U16, "Y,A", NULL, 9);      /* 80 KB rows, 13 per band */
    static const char *const comps[] = { "zip,filter=none", "zip,filter=sub", "png,filter=up",
                                         "zip,filter=avg", "zip,filter=paeth",
                                         "zip,filter=adaptive" };
    static const int levels[] = { 0, 1, 9 };
    deflate_case(301, 97, VFX_PIXEL_U8, "R,G,B", "none", -1); /* stored blocks */
    for (size_t i = 0; i < COUNT_OF(comps); i++)
        for (size_t k = 0; k < COUNT_OF(levels); k++)
            deflate_case(401, 157, i % 2 ? VFX_PIXEL_U16 : VFX_PIXEL_U8, i % 3 ? "R,G,B" : "Y",
                         comps[i], levels[k]);
    /* unknown names and filters are refused */
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, 4, 4, "R,G,B", VFX_PIXEL_U8));
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    vfx_writer *wr = NULL;
    o.compression = "zip,filter=median";
    assert_int_equal(VFX_ERR_ARG, vfx_writer_open(test_tmp("bad.png"), &spec, &o, &wr));
    o.compression = "piz";
    assert_int_equal(VFX_ERR_ARG, vfx_writer_open(test_tmp("bad.png"), &spec, &o, &wr));
    assert_null(wr);
    vfx_spec_clear(&spec);
}

/* The bytes written do not depend on the number of threads. */
static void
output_independent_of_threads(void **state)
{
    (void) state;
    const char *cli = getenv("VFX_CLI");
    test_require(cli != NULL, "VFX_CLI not set");
    char src[4096], a[4096], b[4096];
    snprintf(src, sizeof src, "%s", test_tmp("thr_src.png"));
    snprintf(a, sizeof a, "%s", test_tmp("thr_1.png"));
    snprintf(b, sizeof b, "%s", test_tmp("thr_4.png"));
    const int32_t w = 2000, h = 1500;
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, "R,G,B", VFX_PIXEL_U8));
    uint8_t *px = malloc((size_t) w * h * 3);
    assert_non_null(px);
    fill_mixed(px, 1, w, h, 3);
    vfx_writer *wr = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open(src, &spec, NULL, &wr));
    assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, 0, w, h }, VFX_PIXEL_U8,
                                                   px, 3, 3 * w));
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));
    assert_int_equal(0, run_fmt(NULL, 0, "VFX_THREADS=1 '%s' convert -q '%s' '%s'", cli, src, a));
    assert_int_equal(0, run_fmt(NULL, 0, "VFX_THREADS=4 '%s' convert -q '%s' '%s'", cli, src, b));
    size_t na = 0, nb = 0;
    uint8_t *da = test_read_file(a, &na), *db = test_read_file(b, &nb);
    assert_non_null(da);
    assert_non_null(db);
    assert_int_equal(na, nb);
    assert_memory_equal(da, db, na);
    free(da);
    free(db);
    free(px);
    vfx_spec_clear(&spec);
}

/* A tall image: rows still in the reader's row ring come from it, older ones restart the
 * decoder; both give the right pixels. */
static void
tall_image_rows_in_any_order(void **state)
{
    (void) state;
    const int32_t w = 16, h = 9000;
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, "Y", VFX_PIXEL_U8));
    uint8_t *px = malloc((size_t) w * h);
    assert_non_null(px);
    fill_mixed(px, 1, w, h, 1);
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("tall.png"));
    vfx_writer *wr = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open(path, &spec, NULL, &wr));
    assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, 0, w, h }, VFX_PIXEL_U8,
                                                   px, 1, w));
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    static const int32_t rows[] = { 8000, 10, 8999, 4000, 5000, 4999, 1000, 0, 8990, 4100 };
    uint8_t back[16 * 3];
    int64_t before = 0;
    for (size_t i = 0; i < COUNT_OF(rows); i++) {
        int32_t y0 = rows[i], y1 = MIN_OF(h, y0 + 3);
        vfx_reader_stats st;
        vfx_reader_get_stats(r, &st);
        before = st.chunks_read;
        assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, y0, w, y1 },
                                                      NULL, 0, VFX_PIXEL_U8, back, 1, w));
        assert_memory_equal(px + (size_t) y0 * w, back, (size_t) (y1 - y0) * w);
        vfx_reader_get_stats(r, &st);
        if (i == 5) /* 4999 was decoded on the way to 5000: no decoding at all */
            assert_int_equal(before, st.chunks_read);
        if (i == 7) /* row 0 after row 1000 (4096 rows held): a restart decodes 3 rows */
            assert_int_equal(before + 3, st.chunks_read);
    }
    vfx_reader_close(r);
    free(px);
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
        cmocka_unit_test(parallel_deflate_is_exact),
        cmocka_unit_test(output_independent_of_threads),
        cmocka_unit_test(tall_image_rows_in_any_order),
    };
    return cmocka_run_group_tests_name("png", tests, NULL, NULL);
}
