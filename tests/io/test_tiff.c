/* TIFF: every valid file of ../shared/testdata/images/tiff against OpenImageIO's decode (every
 * page), chunking and MIP levels, damaged files, concurrent tile reads, and round trips over
 * types x compressions x strips/tiles read back by vfx, oiiotool and tiffinfo. */
#include <pthread.h>
#include <unistd.h>

#include "img_ref.h"

#define STRAIGHT "--iconfig oiio:UnassociatedAlpha 1"

/* tol: code values for integer files (0 = exact), relative for float files */
static const struct {
    const char *file;
    double      tol;
} good_files[] = {
    { "tiff/10ct_32bit_128.tiff", 0 },
    { "tiff/16bit.MM.deflate.tif", 0 },
    { "tiff/bars_photoshop_16_be_planar.tif", 0 },
    { "tiff/bars_photoshop_32_le_interleaved.tif", 0 },
    { "tiff/checker.tif", 0 },
    { "tiff/checker.tx", 0 },
    { "tiff/deflate-last-strip-extra-data.tiff", 0 },
    { "tiff/hopper_bigtiff.tif", 0 },
    { "tiff/lzw-single-strip.tiff", 0 },
    { "tiff/minisblack-1c-16b.tiff", 0 },
    { "tiff/minisblack-1c-8b.tiff", 0 },
    { "tiff/miniswhite-1c-1b.tiff", 0 },
    { "tiff/mip.tif", 0 },
    { "tiff/multipage.tiff", 0 },
    { "tiff/palette-1c-4b.tiff", 0 },
    { "tiff/palette-1c-8b.tiff", 0 },
    { "tiff/quad-tile.jpg.tiff", 1 },
    { "tiff/rgb-3c-16b.tiff", 0 },
    { "tiff/rgb-3c-8b.tiff", 0 },
    { "tiff/separate.tif", 0 },
    { "tiff/subimage.tif", 0 },
    { "tiff/tahoe-tiny.tif", 0 },
    { "tiff/test_float64_predictor2_le_lzw.tif", 0 },
    { "tiff/tiff_16bit_RGBa.tiff", 0 },
    { "tiff/tiff_strip_cmyk_jpeg.tif", 1 },
    { "tiff/tiff_strip_ycbcr_jpeg_2x2_sampling.tif", 1 },
    { "tiff/tiff_tiled_planar_lzw.tiff", 0 },
    { "tiff/with_nans.tif", 0 },
};


static void
every_file_matches_oiiotool(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    int failures = 0;
    for (size_t i = 0; i < COUNT_OF(good_files); i++) {
        const char *path = img(good_files[i].file);
        vfx_reader *r = NULL;
        if (vfx_reader_open(path, NULL, &r) != VFX_OK) {
            fprintf(stderr, "%s: %s\n", good_files[i].file, vfx_error_message());
            failures++;
            continue;
        }
        int32_t np = vfx_reader_part_count(r);
        vfx_reader_close(r);
        for (int32_t p = 0; p < np; p++) {
            long bad = img_ref_compare(path, p, STRAIGHT, good_files[i].tol);
            if (bad != 0) {
                fprintf(stderr, "%s part %d: %ld values differ from oiiotool\n",
                        good_files[i].file, p, bad);
                failures++;
            }
        }
    }
    assert_int_equal(0, failures);
}

static void
pages_levels_and_chunking(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    vfx_chunking ch;
    vfx_level_mode mode;
    int32_t nx = 0, ny = 0;

    assert_int_equal(VFX_OK, vfx_reader_open(img("tiff/multipage.tiff"), NULL, &r));
    assert_string_equal("tiff", vfx_reader_format_name(r));
    assert_int_equal(3, vfx_reader_part_count(r));
    vfx_reader_close(r);

    assert_int_equal(VFX_OK, vfx_reader_open(img("tiff/checker.tx"), NULL, &r));
    assert_int_equal(1, vfx_reader_part_count(r));
    assert_int_equal(VFX_OK, vfx_reader_levels(r, 0, &mode, &nx, &ny));
    assert_int_equal(VFX_LEVELS_MIPMAP, mode);
    assert_int_equal(10, nx); /* 512 .. 1 */
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ch));
    assert_int_equal(VFX_ACCESS_RANDOM_TILES, ch.access);
    vfx_rect lr;
    assert_int_equal(VFX_OK, vfx_reader_level_rect(r, 0, 3, 3, &lr));
    assert_int_equal(64, lr.x1);
    /* a level reads */
    uint8_t px[64 * 64 * 3];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 3, 3, lr, NULL, 0, VFX_PIXEL_U8, px, 3,
                                                  3 * 64));
    vfx_reader_close(r);

    assert_int_equal(VFX_OK, vfx_reader_open(img("tiff/rgb-3c-8b.tiff"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ch));
    assert_int_equal(VFX_ACCESS_RANDOM_STRIPS, ch.access);
    assert_int_equal(157, ch.chunk_w);
    /* reading one row decodes one strip only */
    vfx_reader_stats st;
    uint8_t row[157 * 3];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 100, 157, 101 },
                                                  NULL, 0, VFX_PIXEL_U8, row, 3, 3 * 157));
    vfx_reader_get_stats(r, &st);
    assert_int_equal(1, st.chunks_read);
    vfx_reader_close(r);

    assert_int_equal(VFX_OK, vfx_reader_open(img("tiff/tiff_16bit_RGBa.tiff"), NULL, &r));
    const vfx_spec *sp = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(3, vfx_channels_find(sp->channels, "A"));
    const vfx_attr_value *v = vfx_attrs_get(sp->attrs, "ICCProfile");
    assert_non_null(v);
    int32_t ua = -1;
    assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "UnassociatedAlpha", &ua));
    vfx_reader_close(r);
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    static const char *const bad[] = { "tiff/corrupt1.tif",
                                       "tiff/crash-0c7e0e8e11ce787078f00b5b0ca409a167f070e0.tif" };
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        vfx_status s = open_and_read_all(img(bad[i]));
        if (s != VFX_ERR_CORRUPT && s != VFX_ERR_UNSUPPORTED)
            fail_msg("%s: %s (%s)", bad[i], vfx_status_name(s), vfx_error_message());
        assert_true(message_names("tiff", bad[i]));
    }
    /* an IFD chain looping to itself must not hang: either outcome is fine */
    (void) open_and_read_all(img("tiff/test_ifd_loop_to_self.tif"));
    /* truncations */
    size_t n = 0;
    uint8_t *data = test_read_file(img("tiff/tiff_tiled_planar_lzw.tiff"), &n);
    assert_non_null(data);
    for (size_t k = 0; k < n; k += n / 97 + 1) {
        vfx_reader *r = NULL;
        vfx_status s = vfx_reader_open_memory(data, k, "cut.tif", NULL, &r);
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

typedef struct thread_arg {
    vfx_reader    *r;
    const uint8_t *all;
    int            seed, bad;
} thread_arg;

static void *
reader_thread(void *p)
{
    thread_arg *a = p;
    static _Thread_local uint8_t buf[64 * 64 * 3];
    unsigned s = (unsigned) a->seed;
    for (int i = 0; i < 100; i++) {
        s = s * 1103515245u + 12345u;
        int32_t x = (int32_t) ((s >> 8) % 200), y = (int32_t) ((s >> 16) % 300);
        vfx_rect rc = { x, y, x + 64, y + 64 };
        if (vfx_reader_read_rect(a->r, 0, 0, 0, rc, NULL, 0, VFX_PIXEL_U8, buf, 3, 3 * 64) !=
            VFX_OK) {
            a->bad++;
            continue;
        }
        for (int32_t yy = 0; yy < 64; yy++)
            if (memcmp(buf + yy * 64 * 3, a->all + ((size_t) (y + yy) * 278 + (size_t) x) * 3,
                       64 * 3) != 0)
                a->bad++;
    }
    return NULL;
}

static void
concurrent_tile_reads_agree(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("tiff/tiff_tiled_planar_lzw.tiff"), NULL, &r));
    static uint8_t all[278 * 374 * 3];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, 278, 374 }, NULL,
                                                  0, VFX_PIXEL_U8, all, 3, 3 * 278));
    pthread_t t[4];
    thread_arg a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (thread_arg){ r, all, i + 7, 0 };
        assert_int_equal(0, pthread_create(&t[i], NULL, reader_thread, &a[i]));
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(0, a[i].bad);
    }
    vfx_reader_close(r);
}

/* Write, read back (vfx exact), check the file with tiffinfo and oiiotool. */
static void
round_trip(vfx_pixel_type type, const char *names, const char *comp, int tile, int32_t w,
           int32_t h)
{
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, names, type));
    int32_t nc = vfx_channels_count(spec.channels);
    assert_int_equal(VFX_OK, vfx_attrs_set_string(spec.attrs, "ImageDescription", "vfx tiff"));
    assert_int_equal(VFX_OK, vfx_attrs_set_int(spec.attrs, "Orientation", 1));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(spec.attrs, "XMP", "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>"));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(spec.attrs, "XResolution", 300.0f));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(spec.attrs, "YResolution", 300.0f));
    assert_int_equal(VFX_OK, vfx_attrs_set_int(spec.attrs, "UnassociatedAlpha", 1));
    static uint8_t icc[200];
    for (size_t i = 0; i < sizeof icc; i++)
        icc[i] = (uint8_t) i;
    vfx_attr_value bv;
    bv.type = VFX_ATTR_BLOB;
    bv.u.blob.type_name = "icc";
    bv.u.blob.data = icc;
    bv.u.blob.size = sizeof icc;
    assert_int_equal(VFX_OK, vfx_attrs_set(spec.attrs, "ICCProfile", &bv));
    size_t ts = vfx_pixel_type_size(type);
    size_t n = (size_t) w * (size_t) h * (size_t) nc;
    uint8_t *px = malloc(n * ts);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t) (i * 2654435761u >> 5);
        switch (type) {
        case VFX_PIXEL_U8: px[i] = (uint8_t) v; break;
        case VFX_PIXEL_U16: ((uint16_t *) px)[i] = (uint16_t) v; break;
        case VFX_PIXEL_U32: ((uint32_t *) px)[i] = v * 977u; break;
        case VFX_PIXEL_HALF: ((uint16_t *) px)[i] = vfx_float_to_half((float) (v % 1000) / 7.0f); break;
        default: ((float *) px)[i] = (float) (v % 100000) / 13.0f - 50.0f; break;
        }
    }
    char path[4096]; /* a copy: test_tmp() buffers rotate with test_data() ones */
    snprintf(path, sizeof path, "%s", test_tmp("rt.tif"));
    unlink(path);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.compression = comp;
    o.tile_w = o.tile_h = tile;
    vfx_writer *wr = NULL;
    if (vfx_writer_open(path, &spec, &o, &wr) != VFX_OK)
        fail_msg("%s", vfx_error_message());
    vfx_chunking ch;
    assert_int_equal(VFX_OK, vfx_writer_chunking(wr, &ch));
    ptrdiff_t xs = (ptrdiff_t) (ts * (size_t) nc);
    if (tile) {
        assert_int_equal(VFX_ACCESS_RANDOM_TILES, ch.access);
        /* tiles in reverse order */
        for (int32_t ty = ch.n_y - 1; ty >= 0; ty--)
            for (int32_t tx = ch.n_x - 1; tx >= 0; tx--) {
                vfx_rect rc = { tx * tile, ty * tile, MIN_OF(w, (tx + 1) * tile),
                                MIN_OF(h, (ty + 1) * tile) };
                assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, rc, type,
                                     px + ((size_t) rc.y0 * (size_t) w + (size_t) rc.x0) * (size_t) xs,
                                     xs, xs * w));
            }
    } else {
        for (int32_t y = 0; y < h;) {
            int32_t k = MIN_OF(h - y, 1 + y % 7);
            assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, y, w, y + k }, type,
                                                           px + (size_t) y * (size_t) xs * (size_t) w,
                                                           xs, xs * w));
            y += k;
        }
    }
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));

    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    uint8_t *back = malloc(n * ts);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL, 0,
                                                  type, back, xs, xs * w));
    if (memcmp(px, back, n * ts) != 0)
        fail_msg("%s %s %s tile %d: pixels differ", vfx_pixel_type_name(type), names, comp, tile);
    const vfx_spec *sp = NULL;
    const char *s = NULL;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "ImageDescription", &s));
    assert_string_equal("vfx tiff", s);
    const vfx_attr_value *iv = vfx_attrs_get(sp->attrs, "ICCProfile");
    assert_non_null(iv);
    assert_int_equal(sizeof icc, iv->u.blob.size);
    assert_memory_equal(icc, iv->u.blob.data, sizeof icc);
    assert_int_equal(VFX_OK, vfx_attrs_get_string(sp->attrs, "XMP", &s));
    assert_non_null(strstr(s, "xmpmeta"));
    if (vfx_channels_find(sp->channels, "A") >= 0) {
        int32_t ua = 0;
        assert_int_equal(VFX_OK, vfx_attrs_get_int(sp->attrs, "UnassociatedAlpha", &ua));
        assert_int_equal(1, ua);
    }
    vfx_reader_close(r);
    if (test_have_tool("tiffinfo")) {
        char out[8192] = "";
        assert_int_equal(0, run_fmt(out, sizeof out, "tiffinfo '%s' 2>&1", path));
        static const struct {
            const char *name, *tiffinfo;
        } cn[] = { { "none", "None" }, { "lzw", "LZW" }, { "zip", "AdobeDeflate" },
                   { "zstd", "ZSTD" }, { "packbits", "PackBits" } };
        for (size_t i = 0; i < COUNT_OF(cn); i++)
            if (!strcmp(cn[i].name, comp) && !strstr(out, cn[i].tiffinfo))
                fail_msg("tiffinfo does not report %s:\n%s", cn[i].tiffinfo, out);
        assert_non_null(strstr(out, tile ? "Tile Width" : "Rows/Strip"));
        assert_non_null(strstr(out, "vfx tiff"));
        assert_non_null(strstr(out, "ICC Profile: <present>, 200 bytes"));
        assert_non_null(strstr(out, "XMLPacket"));
        assert_non_null(strstr(out, "Resolution: 300, 300"));
        if (strstr(names, ",A"))
            assert_non_null(strstr(out, "unassoc-alpha"));
        if (strcmp(comp, "none") && strcmp(comp, "packbits"))
            assert_non_null(strstr(out, "Predictor"));
    }
    if (test_have_tool("oiiotool")) {
        long bad = img_ref_compare(path, 0, STRAIGHT, 0);
        if (bad != 0)
            fail_msg("%s: oiiotool disagrees (%ld)", comp, bad);
    }
    free(back);
    free(px);
    vfx_spec_clear(&spec);
}

static void
round_trips(void **state)
{
    (void) state;
    round_trip(VFX_PIXEL_U8, "R,G,B", "lzw", 0, 97, 61);
    round_trip(VFX_PIXEL_U8, "R,G,B,A", "none", 32, 97, 61);
    round_trip(VFX_PIXEL_U16, "Y", "zip", 0, 300, 200);
    round_trip(VFX_PIXEL_U16, "R,G,B,A", "zstd", 64, 130, 70);
    round_trip(VFX_PIXEL_U32, "Y", "packbits", 0, 33, 17);
    round_trip(VFX_PIXEL_HALF, "R,G,B", "zip", 16, 50, 40);
    round_trip(VFX_PIXEL_F32, "R,G,B,A", "lzw", 0, 80, 45);
    round_trip(VFX_PIXEL_F32, "Y,A", "zstd", 32, 80, 45);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_file_matches_oiiotool),
        cmocka_unit_test(pages_levels_and_chunking),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(concurrent_tile_reads_agree),
        cmocka_unit_test(round_trips),
    };
    return cmocka_run_group_tests_name("tiff", tests, NULL, NULL);
}
