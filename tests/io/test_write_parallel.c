/* Parallel writing: a file written through the graph (vfx_image_write: every worker
 * compresses its own tile before its turn, only the writes are ordered) is byte for byte the
 * file the one-caller writer path makes (vfx_writer_write_rect), for every compression of
 * OpenEXR (scanline and tiled, single- and multi-part) and TIFF (strips and tiles, u8, u16,
 * half, float; strips come packed by the rendering threads), and for JPEG (packed to u8), at
 * an odd size and origin; exrheader / tiffinfo and oiiotool read it; and a render that fails
 * half-way leaves neither a file nor a temporary behind. */
#include <dirent.h>
#include <unistd.h>

#include "io_test_util.h"
#include "ops/op_int.h"
#include "vfx/io.h"
#include "vfx/sink.h"

static const char *const compressions[] = { "none",  "rle", "zips", "zip",  "piz",
                                            "pxr24", "b44", "b44a", "dwaa", "dwab" };

#define W 403
#define H 301
#define X0 (-7)
#define Y0 3

/* Half RGBA: a smooth ramp (compresses well) or noise (mostly does not: stored raw). */
static vfx_image *
make_image(int noisy)
{
    vfx_spec sp = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&sp, W, H, "R,G,B,A", VFX_PIXEL_HALF));
    sp.data = vfx_rect_make(X0, Y0, W, H);
    sp.display = vfx_rect_make(0, 0, 400, 300);
    vfx_image *im = NULL;
    const float a[4] = { -0.5f, 0.0f, 0.25f, 1.0f }, b[4] = { 4.0f, 1.0f, 0.5f, 0.0f };
    if (noisy)
        assert_int_equal(VFX_OK, vfx_image_noise(&sp, 7, -1.0f, 3.0f, &im));
    else
        assert_int_equal(VFX_OK, vfx_image_ramp(&sp, 0, a, b, &im));
    vfx_spec_clear(&sp);
    return im;
}

static vfx_pixel_type g_tiff_type = VFX_PIXEL_UNKNOWN; /* TIFF: the stored type */
static int32_t        g_level;                         /* > 0: the options' level */

static void
set_options(vfx_write_options *o, const char *comp, int tiled)
{
    *o = (vfx_write_options) VFX_WRITE_OPTIONS_INIT;
    o->compression = comp;
    o->pixel_type = g_tiff_type;
    if (g_level > 0)
        o->level = g_level;
    if (tiled) {
        o->tile_w = 32;
        o->tile_h = 16;
    }
}

/* The one-caller path: the image rendered into memory, handed to the writer in 50-row bands
 * (strips) or in one call (tiles), part after part. */
static void
write_serial(vfx_image *const *ims, int32_t n, const char *path, const char *comp, int tiled)
{
    vfx_spec specs[2];
    vfx_write_options o;
    set_options(&o, comp, tiled);
    const vfx_write_options *opts[2] = { &o, &o };
    for (int32_t i = 0; i < n; i++) {
        specs[i] = (vfx_spec) VFX_SPEC_INIT;
        assert_int_equal(VFX_OK, vfx_spec_copy(&specs[i], vfx_image_spec(ims[i])));
    }
    vfx_writer *w = NULL;
    vfx_status s = n == 1 ? vfx_writer_open(path, &specs[0], &o, &w)
                          : vfx_writer_open_parts(path, n, specs, opts, &w);
    if (s != VFX_OK)
        fail_msg("%s: open: %s", comp, vfx_error_message());
    vfx_rect d = vfx_rect_make(X0, Y0, W, H);
    ptrdiff_t xs = 4 * sizeof(float), ys = xs * W;
    float *px = malloc((size_t) W * H * 4 * sizeof(float));
    for (int32_t i = 0; i < n && s == VFX_OK; i++) {
        vfx_spec_clear(&specs[i]);
        if (n > 1)
            s = vfx_writer_set_part(w, i);
        if (s == VFX_OK)
            s = vfx_image_render(ims[i], d, px, VFX_PIXEL_F32, xs, ys, 4, NULL);
        if (s == VFX_OK && tiled)
            s = vfx_writer_write_rect(w, d, VFX_PIXEL_F32, px, xs, ys);
        for (int32_t y = 0; !tiled && y < H && s == VFX_OK; y += 50) {
            vfx_rect r = vfx_rect_make(X0, Y0 + y, W, y + 50 <= H ? 50 : H - y);
            s = vfx_writer_write_rect(w, r, VFX_PIXEL_F32, (const uint8_t *) px + y * ys, xs, ys);
        }
    }
    free(px);
    vfx_status s2 = vfx_writer_close(w, s != VFX_OK);
    if (s != VFX_OK || s2 != VFX_OK)
        fail_msg("%s: serial write: %s", comp, vfx_error_message());
}

static uint8_t *
slurp(const char *path, size_t *n_out)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t) n + 1);
    assert_int_equal((size_t) n, fread(b, 1, (size_t) n, f));
    fclose(f);
    *n_out = (size_t) n;
    return b;
}

static void
assert_same_bytes(const char *a, const char *b, const char *what)
{
    size_t na, nb;
    uint8_t *pa = slurp(a, &na), *pb = slurp(b, &nb);
    if (na != nb)
        fail_msg("%s: %zu bytes in parallel, %zu in serial", what, na, nb);
    for (size_t i = 0; i < na; i++)
        if (pa[i] != pb[i])
            fail_msg("%s: files differ at byte %zu of %zu", what, i, na);
    free(pa);
    free(pb);
}

static void
check(const char *comp, int tiled, int two_parts)
{
    char what[128], par[4096], ser[4096], out[16384];
    int tiff = g_tiff_type != VFX_PIXEL_UNKNOWN;
    snprintf(what, sizeof what, "%s/%s/%s/%s", tiff ? vfx_pixel_type_name(g_tiff_type) : "exr",
             comp, tiled ? "tiled" : "scan", two_parts ? "2 parts" : "1 part");
    snprintf(par, sizeof par, "%s", test_tmp(tiff ? "par.tif" : "par.exr"));
    snprintf(ser, sizeof ser, "%s", test_tmp(tiff ? "ser.tif" : "ser.exr"));
    vfx_image *ims[2] = { make_image(0), make_image(1) };
    vfx_write_options o;
    set_options(&o, comp, tiled);
    int32_t n = two_parts ? 2 : 1;
    vfx_image *const *src = two_parts ? ims : &ims[1];
    vfx_status s;
    if (two_parts) {
        const vfx_write_options *opts[2] = { &o, &o };
        s = vfx_image_write_parts(src, n, par, opts, NULL);
    } else {
        s = vfx_image_write(src[0], par, &o, NULL);
    }
    if (s != VFX_OK)
        fail_msg("%s: parallel write: %s", what, vfx_error_message());
    write_serial(src, n, ser, comp, tiled);
    assert_same_bytes(par, ser, what);
    /* the format's own tools read it: the header, and every pixel of every part */
    if (tiff) {
        if (run_fmt(out, sizeof out, "tiffinfo -D '%s' 2>&1", par) != 0 || strstr(out, "rror"))
            fail_msg("%s: tiffinfo: %s", what, out);
        if (tiled)
            assert_non_null(strstr(out, "Tile Width: 32 Tile Length: 16"));
    } else {
        if (run_fmt(out, sizeof out, "exrheader '%s' 2>&1", par) != 0)
            fail_msg("%s: exrheader: %s", what, out);
        assert_non_null(strstr(out, tiled ? "tile size 32 by 16 pixels" : "scanlineimage"));
    }
    for (int32_t i = 0; i < n; i++)
        if (run_fmt(out, sizeof out, "oiiotool -a '%s' --subimage %d --printstats 2>&1", par,
                    (int) i) != 0 ||
            strstr(out, "rror"))
            fail_msg("%s: oiiotool: %s", what, out);
    vfx_image_unref(ims[0]);
    vfx_image_unref(ims[1]);
}

static void
parallel_equals_serial_every_compression(void **state)
{
    (void) state;
    test_require(test_have_tool("exrheader") && test_have_tool("oiiotool"),
                 "exrheader / oiiotool not installed");
    for (size_t ci = 0; ci < sizeof compressions / sizeof compressions[0]; ci++)
        for (int tiled = 0; tiled < 2; tiled++)
            check(compressions[ci], tiled, 0);
}

static void
tiff_parallel_equals_serial(void **state)
{
    (void) state;
    test_require(test_have_tool("tiffinfo") && test_have_tool("oiiotool"),
                 "tiffinfo / oiiotool not installed");
    static const char *const tiff_comps[] = { "none", "lzw", "zip", "zstd", "packbits" };
    static const vfx_pixel_type types[] = { VFX_PIXEL_U8, VFX_PIXEL_U16, VFX_PIXEL_HALF,
                                            VFX_PIXEL_F32 };
    for (size_t ti = 0; ti < sizeof types / sizeof types[0]; ti++)
        for (size_t ci = 0; ci < sizeof tiff_comps / sizeof tiff_comps[0]; ci++)
            for (int tiled = 0; tiled < 2; tiled++) {
                g_tiff_type = types[ti];
                check(tiff_comps[ci], tiled, 0);
            }
    g_tiff_type = VFX_PIXEL_UNKNOWN;
}

/* JPEG strips reach the writer packed to u8 by the rendering threads (write_row_type): the
 * file is byte for byte the one-caller path's, RGBA noise (the alpha dropped) as RGB. */
static void
jpeg_packed_equals_serial(void **state)
{
    (void) state;
    char par[4096], ser[4096];
    snprintf(par, sizeof par, "%s", test_tmp("par.jpg"));
    snprintf(ser, sizeof ser, "%s", test_tmp("ser.jpg"));
    static const int32_t qualities[] = { 90, 40 };
    for (size_t qi = 0; qi < sizeof qualities / sizeof qualities[0]; qi++) {
        g_level = qualities[qi];
        vfx_image *im = make_image(1), *ims[2] = { im, NULL };
        vfx_write_options o;
        set_options(&o, "jpeg", 0);
        if (vfx_image_write(im, par, &o, NULL) != VFX_OK)
            fail_msg("jpeg:%d: parallel write: %s", (int) g_level, vfx_error_message());
        write_serial(ims, 1, ser, "jpeg", 0);
        assert_same_bytes(par, ser, "jpeg");
        vfx_image_unref(im);
    }
    g_level = 0;
}

static void
parallel_equals_serial_multi_part(void **state)
{
    (void) state;
    test_require(test_have_tool("exrheader") && test_have_tool("oiiotool"),
                 "exrheader / oiiotool not installed");
    check("zip", 0, 1);
    check("piz", 1, 1);
    check("dwaa", 0, 1);
}

static int
count_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".vfx-"))
            n++;
    if (d)
        closedir(d);
    return n;
}

/* A render failing in the middle of the image (tiles before it already compressed and
 * written, tiles after it compressed and waiting) leaves the old file as it was and no
 * temporary file. */
static void
failure_mid_write_leaves_the_old_file(void **state)
{
    (void) state;
    char path[4096], dir[4096];
    snprintf(path, sizeof path, "%s", test_tmp("fail.exr"));
    snprintf(dir, sizeof dir, "%s", test_tmp(""));
    vfx_image *im = make_image(0);
    vfx_write_options o;
    for (int tiled = 0; tiled < 2; tiled++) {
        set_options(&o, "zip", tiled);
        assert_int_equal(VFX_OK, vfx_image_write(im, path, &o, NULL));
        size_t n_old;
        uint8_t *old = slurp(path, &n_old);
        vfx_image *bad = NULL;
        assert_int_equal(VFX_OK, vfx__image_fail_at(im, 100, 200, VFX_ERR_IO, &bad));
        vfx_status s = vfx_image_write(bad, path, &o, NULL);
        assert_int_equal(VFX_ERR_IO, s);
        assert_non_null(strstr(vfx_error_message(), "fail op"));
        size_t n_now;
        uint8_t *now = slurp(path, &n_now);
        assert_int_equal(n_old, n_now);
        assert_memory_equal(old, now, n_old);
        assert_int_equal(0, count_temp_files(dir));
        free(old);
        free(now);
        vfx_image_unref(bad);
    }
    vfx_image_unref(im);
}

int
main(void)
{
    /* more workers than cores: many tiles compressed at once, waiting for their turn */
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = 4;
    if (vfx_init(&o) != VFX_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parallel_equals_serial_every_compression),
        cmocka_unit_test(parallel_equals_serial_multi_part),
        cmocka_unit_test(tiff_parallel_equals_serial),
        cmocka_unit_test(jpeg_packed_equals_serial),
        cmocka_unit_test(failure_mid_write_leaves_the_old_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
