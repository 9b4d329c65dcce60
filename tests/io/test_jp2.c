/* JPEG 2000 (OpenJPEG): the files of ../shared/testdata/images/jpeg2000 against OpenImageIO,
 * tiled region reads that decode only the tiles touched, damaged and truncated files,
 * lossless round trips (JP2 and J2K, u8 and u16, 1-4 channels, tiled) checked by us and by
 * oiiotool, and lossy writes within a stated error. */
#include <unistd.h>

#include "img_ref.h"

#define UNASSOC "--iconfig oiio:UnassociatedAlpha 1"

static void
files_match_oiiotool(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    static const struct {
        const char *file;
        double      tol;
    } files[] = {
        { "jpeg2000/16bit.cropped.j2k", 0 },
        { "jpeg2000/test-card-lossless.jp2", 0 },
        { "jpeg2000/rgb_trns_ycbc.jp2", 0 },
    };
    int failures = 0;
    for (size_t i = 0; i < COUNT_OF(files); i++) {
        long bad = img_ref_compare(img(files[i].file), 0, UNASSOC, files[i].tol);
        if (bad != 0) {
            fprintf(stderr, "%s: %ld values differ from oiiotool\n", files[i].file, bad);
            failures++;
        }
    }
    assert_int_equal(0, failures);
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    vfx_status s = open_and_read_all(img("jpeg2000/unbound_variable.jp2"));
    if (s != VFX_ERR_CORRUPT)
        fail_msg("unbound_variable.jp2: %s (%s)", vfx_status_name(s), vfx_error_message());
    assert_true(message_names("jp2", "unbound_variable.jp2"));
    static const char *const cut_files[] = { "jpeg2000/16bit.cropped.j2k",
                                             "jpeg2000/test-card-lossless.jp2" };
    for (size_t f = 0; f < COUNT_OF(cut_files); f++) {
        size_t n = 0;
        uint8_t *data = test_read_file(img(cut_files[f]), &n);
        for (size_t k = 0; k < n; k += n / 23 + 1) {
            vfx_reader *r = NULL;
            vfx_read_options o = VFX_READ_OPTIONS_INIT;
            o.format = "jpeg2000";
            s = vfx_reader_open_memory(data, k, "cut.jp2", &o, &r);
            if (s == VFX_OK) {
                double *a = NULL;
                int32_t w = 0, h = 0, nc = 0;
                s = vfx_load_f64(r, 0, &a, &w, &h, &nc);
                free(a);
                vfx_reader_close(r);
            }
            /* OpenJPEG decodes what a truncated codestream holds (lower quality layers are
             * legal), so a late cut may still read; an early one must fail cleanly */
            if (s == VFX_OK && k > n / 2)
                continue;
            if (s != VFX_ERR_CORRUPT)
                fail_msg("%s cut at %zu: %s: %s", cut_files[f], k, vfx_status_name(s),
                         vfx_error_message());
            assert_true(message_names("jp2", "cut.jp2"));
        }
        free(data);
    }
    /* garbage after a valid signature */
    uint8_t junk[200] = { 0, 0, 0, 12, 'j', 'P', ' ', ' ', 13, 10, 0x87, 10 };
    for (size_t i = 12; i < sizeof junk; i++)
        junk[i] = (uint8_t) (i * 37);
    vfx_reader *r = NULL;
    assert_int_equal(VFX_ERR_CORRUPT, vfx_reader_open_memory(junk, sizeof junk, "junk.jp2", NULL, &r));
    assert_null(r);
    assert_true(message_names("jp2", "junk.jp2"));
}

static uint8_t *
make_pixels(int32_t w, int32_t h, int32_t nc, size_t ts)
{
    size_t n = (size_t) w * (size_t) h * (size_t) nc;
    uint8_t *px = malloc(n * ts);
    for (size_t i = 0; i < n; i++) {
        size_t p = i / (size_t) nc, x = p % (size_t) w, y = p / (size_t) w;
        uint32_t v = (uint32_t) ((x * 5 + y * 3 + (i % (size_t) nc) * 40 + (x * y) % 17) & 0xFF);
        if (ts == 1) {
            px[i] = (uint8_t) v;
        } else {
            uint16_t u = (uint16_t) (v * 257 + (x & 7));
            memcpy(px + i * 2, &u, 2);
        }
    }
    return px;
}

static void
write_file(const char *path, int32_t w, int32_t h, const char *names, vfx_pixel_type t,
           const uint8_t *px, const char *compression, int32_t level, int32_t tile)
{
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, names, t));
    int32_t nc = vfx_channels_count(spec.channels);
    size_t ts = vfx_pixel_type_size(t);
    vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
    wo.compression = compression;
    wo.level = level;
    wo.tile_w = wo.tile_h = tile;
    unlink(path);
    vfx_writer *wr = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open(path, &spec, &wo, &wr));
    vfx_chunking ck;
    assert_int_equal(VFX_OK, vfx_writer_chunking(wr, &ck));
    ptrdiff_t xs = (ptrdiff_t) ((size_t) nc * ts);
    for (int32_t y = 0; y < h; y += ck.chunk_h)
        assert_int_equal(VFX_OK,
                         vfx_writer_write_rect(wr, (vfx_rect){ 0, y, w, MIN_OF(h, y + ck.chunk_h) },
                                               t, px + (size_t) y * (size_t) w * (size_t) xs, xs,
                                               xs * w));
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));
    vfx_spec_clear(&spec);
}

static void
lossless_round_trips(void **state)
{
    (void) state;
    static const struct {
        const char *ext, *names;
        vfx_pixel_type t;
        int32_t tile;
    } cases[] = {
        { "jp2", "Y", VFX_PIXEL_U8, 0 },       { "jp2", "Y,A", VFX_PIXEL_U8, 0 },
        { "jp2", "R,G,B", VFX_PIXEL_U8, 32 },  { "jp2", "R,G,B,A", VFX_PIXEL_U16, 0 },
        { "j2k", "R,G,B", VFX_PIXEL_U16, 16 }, { "j2k", "Y", VFX_PIXEL_U16, 0 },
    };
    const int32_t w = 71, h = 45;
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        char name[64];
        snprintf(name, sizeof name, "rt%zu.%s", i, cases[i].ext);
        char path[4096];
        snprintf(path, sizeof path, "%s", test_tmp(name));
        size_t ts = vfx_pixel_type_size(cases[i].t);
        int32_t nc = (int32_t) (strlen(cases[i].names) + 1) / 2;
        uint8_t *px = make_pixels(w, h, nc, ts);
        write_file(path, w, h, cases[i].names, cases[i].t, px, NULL, -1, cases[i].tile);
        vfx_reader *r = NULL;
        assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
        const vfx_spec *sp = NULL;
        assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
        assert_int_equal(nc, vfx_channels_count(sp->channels));
        vfx_chunking ck;
        assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ck));
        assert_int_equal(cases[i].tile ? VFX_ACCESS_RANDOM_TILES : VFX_ACCESS_WHOLE_IMAGE,
                         ck.access);
        uint8_t *back = malloc((size_t) w * (size_t) h * (size_t) nc * ts);
        ptrdiff_t xs = (ptrdiff_t) ((size_t) nc * ts);
        assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL,
                                                      0, cases[i].t, back, xs, xs * w));
        assert_memory_equal(px, back, (size_t) w * (size_t) h * (size_t) xs);
        vfx_reader_close(r);
        /* OIIO 2.4 cannot read 2-channel JP2 files (see testdata/MANIFEST.md) */
        if (test_have_tool("oiiotool") && nc != 2)
            assert_int_equal(0, img_ref_compare(path, 0, UNASSOC, 0));
        free(px);
        free(back);
    }
}

/* A tiled file: reading one rect decodes only the tiles it touches (one decoder run per
 * read, counted as one chunk), and the pixels equal those of a full read. */
static void
tiled_region_reads(void **state)
{
    (void) state;
    const int32_t w = 512, h = 448;
    uint8_t *px = make_pixels(w, h, 3, 1);
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("tiled.jp2"));
    write_file(path, w, h, "R,G,B", VFX_PIXEL_U8, px, NULL, -1, 64);
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    vfx_chunking ck;
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ck));
    assert_int_equal(VFX_ACCESS_RANDOM_TILES, ck.access);
    assert_int_equal(64, ck.chunk_w);
    assert_int_equal(64, ck.chunk_h);
    assert_int_equal(8, ck.n_x);
    assert_int_equal(7, ck.n_y);
    static uint8_t part[40 * 30 * 3];
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 70, 100, 110, 130 },
                                                  NULL, 0, VFX_PIXEL_U8, part, 3, 3 * 40));
    for (int y = 0; y < 30; y++)
        assert_memory_equal(part + y * 120, px + ((100 + y) * w + 70) * 3, 120);
    vfx_reader_stats st;
    vfx_reader_get_stats(r, &st);
    assert_int_equal(1, st.chunks_read);
    /* the bytes read stay well below the file: tile (1, 1), the headers and the tile-part
     * headers OpenJPEG walks past (it seeks over the other tiles' data) */
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long fsize = ftell(f);
    fclose(f);
    fprintf(stderr, "one tile of 56: %lld of %ld bytes read\n", (long long) st.bytes_read, fsize);
    assert_true(st.bytes_read < fsize / 2);
    vfx_reader_close(r);
    free(px);
}

static void
lossy_write_is_close(void **state)
{
    (void) state;
    /* a real picture: the lossless test card, written lossy at ratio 10 */
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(img("jpeg2000/test-card-lossless.jp2"), NULL, &r));
    const int32_t w = 640, h = 480;
    uint8_t *px = malloc((size_t) w * (size_t) h * 3);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL, 0,
                                                  VFX_PIXEL_U8, px, 3, 3 * w));
    vfx_reader_close(r);
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("lossy.jp2"));
    write_file(path, w, h, "R,G,B", VFX_PIXEL_U8, px, "lossy", 10, 0);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long fsize = ftell(f);
    fclose(f);
    /* ratio 10: about a tenth of the raw bytes (headers add a little) */
    assert_true(fsize < w * h * 3 / 8);
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    uint8_t *back = malloc((size_t) w * (size_t) h * 3);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL, 0,
                                                  VFX_PIXEL_U8, back, 3, 3 * w));
    double se = 0;
    for (size_t i = 0; i < (size_t) w * (size_t) h * 3; i++)
        se += ((double) px[i] - back[i]) * ((double) px[i] - back[i]);
    double psnr = 10 * log10(255.0 * 255.0 / (se / (w * h * 3) + 1e-12));
    fprintf(stderr, "lossy ratio 10: %ld bytes, PSNR %.1f dB\n", fsize, psnr);
    assert_true(psnr > 35.0);
    vfx_reader_close(r);
    free(px);
    free(back);
    if (test_have_tool("oiiotool")) /* the reference decoder agrees with ours exactly */
        assert_int_equal(0, img_ref_compare(path, 0, UNASSOC, 0));
    /* unknown compression names are refused */
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, 4, 4, "Y", VFX_PIXEL_U8));
    vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
    wo.compression = "zip";
    vfx_writer *wr = NULL;
    assert_int_equal(VFX_ERR_ARG, vfx_writer_open(path, &spec, &wo, &wr));
    vfx_spec_clear(&spec);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_match_oiiotool),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(lossless_round_trips),
        cmocka_unit_test(tiled_region_reads),
        cmocka_unit_test(lossy_write_is_close),
    };
    return cmocka_run_group_tests_name("jp2", tests, NULL, NULL);
}
