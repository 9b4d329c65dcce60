/* Reading OpenEXR: every valid file of ../shared/testdata/exr against the decode of
 * OpenEXR's C++ library (through oiiotool, written as uncompressed float EXR), deep / DWA
 * refusals, damaged files, channel subsets, chunk statistics, windows, levels, attributes
 * against exrheader. */
#include <stdarg.h>
#include <unistd.h>

#include "io_test_util.h"
#include "vfx/io.h"

#define TRY(e)                                                                                  \
    do {                                                                                        \
        vfx_status s_ = (e);                                                                    \
        if (s_ != VFX_OK)                                                                       \
            return s_;                                                                          \
    } while (0)

/* Files checked pixel by pixel against oiiotool; tol < 0 means bit-exact. */
static const struct {
    const char *file;
    double      tol;
} oracle_files[] = {
    { "exr/chromaticities/WideColorGamut.exr", -1 },
    { "exr/chromaticities/XYZ.exr", -1 },
    { "exr/chromaticities/test.exr", -1 },
    { "exr/compression/Cannon.exr", -1 },
    { "exr/compression/GammaChart.exr", -1 },
    { "exr/compression/WideFloatRange.exr", -1 },
    { "exr/compression/comp_b44_piz.exr", -1 },
    { "exr/compression/comp_dwaa_piz.exr", -1 },
    { "exr/compression/comp_dwab_piz.exr", -1 },
    { "exr/compression/comp_dwaa_v1.exr", -1 }, /* DWA: src/io/dwa_codec.c, bit-exact */
    { "exr/compression/comp_dwab_v1.exr", -1 },
    { "exr/compression/comp_piz.exr", -1 },
    { "exr/compression/comp_zip.exr", -1 },
    { "exr/compression/comp_zips.exr", -1 },
    { "exr/compression/compressed-b44a.exr", -1 },
    { "exr/compression/rle_cropped_datawindow.exr", -1 },
    { "exr/compression/sample.exr", -1 },
    { "exr/compression/v1.7.test.planar.exr", -1 },
    { "exr/misc/AllHalfValues.exr", -1 },
    { "exr/misc/BrightRingsNanInf.exr", -1 },
    { "exr/misc/checker_with_alpha.exr", -1 },
    { "exr/misc/colorbars_nuke_rgba_exr32.exr", -1 },
    { "exr/misc/cryptoasset.exr", -1 },
    { "exr/misc/layers.exr", -1 },
    { "exr/misc/lineOrder_decreasing.exr", -1 },
    { "exr/misc/manifest_id.exr", 1e-6 },
    { "exr/misc/stripes.exr", -1 },
    { "exr/multipart/multipart-preview.exr", -1 },
    { "exr/multipart/multipart.0001.exr", -1 },
    { "exr/multiview/singlepart.0001.exr", -1 },
    { "exr/tiled/ColorCodedLevels.exr", -1 },
    { "exr/tiled/OrientationLatLong.exr", -1 },
    { "exr/tiled/WavyLinesCube.exr", -1 },
    { "exr/tiled/copybug-input.exr", -1 },
    { "exr/tiled/tiled_with_scanlineimage_type.exr", -1 },
    { "exr/tiled/v1.7.test.tiled.exr", -1 },
    { "exr/windows/grid-overscan.exr", -1 },
    { "exr/windows/t01.exr", -1 },
    { "exr/windows/t02.exr", -1 },
    { "exr/windows/t03.exr", -1 },
    { "exr/windows/t05.exr", -1 },
    { "exr/windows/t07.exr", -1 },
    { "exr/windows/t09.exr", -1 },
    { "exr/windows/t13.exr", -1 },
    { "exr/windows/t15.exr", -1 },
    { "exr/windows/tiny-az.exr", -1 },
    { "exr/windows/v1.7.test.1.exr", -1 },
    { "exr/yc/GrayRampsHorizontal.exr", -1 },
};

/* Compare part @p part (level 0) of @p path with oiiotool's float decode. */
static void
check_against_oiiotool(const char *path, int32_t part, int32_t n_parts, double tol)
{
    char ref[4096];
    snprintf(ref, sizeof ref, "%s", test_tmp("oracle.exr"));
    unlink(ref);
    char sub[64] = "";
    if (n_parts > 1)
        snprintf(sub, sizeof sub, "--subimage %d", part);
    char log[4096];
    int rc = run_fmt(log, sizeof log,
                     "oiiotool '%s' %s --unmip -d float --compression none -o '%s' 2>&1", path,
                     sub, ref);
    if (rc != 0)
        fail_msg("oiiotool failed on %s part %d: %s", path, part, log);

    vfx_reader *r = NULL, *o = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_open(ref, NULL, &o));
    float *a = NULL, *b = NULL;
    vfx_rect ra, rb;
    int32_t na = 0, nb = 0;
    vfx_status s = read_level_f32(r, part, 0, 0, &a, &ra, &na);
    if (s != VFX_OK)
        fail_msg("%s part %d: %s", path, part, vfx_error_message());
    assert_int_equal(VFX_OK, read_level_f32(o, 0, 0, 0, &b, &rb, &nb));
    assert_true(vfx_rect_equal(ra, rb));
    assert_int_equal(na, nb);
    /* same channel names in the same order (both files list them sorted) */
    const vfx_spec *sa, *sb;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, part, &sa));
    assert_int_equal(VFX_OK, vfx_reader_spec(o, 0, &sb));
    for (int32_t c = 0; c < na; c++) {
        vfx_channel_info ca, cb;
        assert_int_equal(VFX_OK, vfx_channels_get(sa->channels, c, &ca));
        assert_int_equal(VFX_OK, vfx_channels_get(sb->channels, c, &cb));
        assert_string_equal(ca.name, cb.name);
    }
    const vfx_attr_value *env = vfx_attrs_get(sa->attrs, "openexr:envmap");
    /* OIIO gives cube maps the display window of one face */
    if (!(env && env->u.i == 1) && !vfx_rect_equal(sa->display, sb->display))
        fail_msg("%s part %d: display window %d %d %d %d vs oiiotool %d %d %d %d", path, part,
                 sa->display.x0, sa->display.y0, sa->display.x1, sa->display.y1, sb->display.x0,
                 sb->display.y0, sb->display.x1, sb->display.y1);
    size_t n = (size_t) vfx_rect_area(ra) * (size_t) na;
    size_t bad = count_diffs(a, b, n, tol, path);
    if (bad)
        fail_msg("%s part %d: %zu of %zu values differ from oiiotool", path, part, bad, n);
    free(a);
    free(b);
    vfx_reader_close(r);
    vfx_reader_close(o);
}

static void
every_valid_file_matches_oiiotool(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    for (size_t i = 0; i < sizeof oracle_files / sizeof oracle_files[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s", test_data(oracle_files[i].file));
        vfx_reader *r = NULL;
        vfx_status s = vfx_reader_open(path, NULL, &r);
        if (s != VFX_OK)
            fail_msg("%s: %s", path, vfx_error_message());
        int32_t np = vfx_reader_part_count(r);
        vfx_reader_close(r);
        for (int32_t p = 0; p < np; p++)
            check_against_oiiotool(path, p, np, oracle_files[i].tol);
    }
}

static void
mip_levels_match_oiiotool(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    char path[4096];
    snprintf(path, sizeof path, "%s", test_data("exr/tiled/ColorCodedLevels.exr"));
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    vfx_level_mode mode;
    int32_t nx = 0, ny = 0;
    assert_int_equal(VFX_OK, vfx_reader_levels(r, 0, &mode, &nx, &ny));
    assert_int_equal(VFX_LEVELS_MIPMAP, mode);
    assert_int_equal(10, nx); /* 512 -> 1 */
    assert_int_equal(nx, ny);
    for (int32_t l = 0; l < nx; l++) {
        char ref[4096];
        snprintf(ref, sizeof ref, "%s", test_tmp("oracle_mip.exr"));
        assert_int_equal(0, run_fmt(NULL, 0, "oiiotool '%s' --selectmip %d -d float "
                                    "--compression none -o '%s' 2>&1", path, l, ref));
        vfx_reader *o = NULL;
        assert_int_equal(VFX_OK, vfx_reader_open(ref, NULL, &o));
        float *a = NULL, *b = NULL;
        vfx_rect ra, rb;
        int32_t na = 0, nb = 0;
        assert_int_equal(VFX_OK, read_level_f32(r, 0, l, l, &a, &ra, &na));
        assert_int_equal(VFX_OK, read_level_f32(o, 0, 0, 0, &b, &rb, &nb));
        assert_int_equal(vfx_rect_width(ra), vfx_rect_width(rb));
        assert_int_equal(vfx_rect_height(ra), vfx_rect_height(rb));
        assert_int_equal(0, count_diffs(a, b, (size_t) vfx_rect_area(ra) * (size_t) na, -1,
                                        "mip level"));
        free(a);
        free(b);
        vfx_reader_close(o);
    }
    /* a level that does not exist */
    vfx_rect rc;
    assert_int_equal(VFX_ERR_ARG, vfx_reader_level_rect(r, 0, 1, 0, &rc));
    assert_int_equal(VFX_ERR_ARG, vfx_reader_level_rect(r, 0, nx, nx, &rc));
    vfx_reader_close(r);
}

static void
ripmap_levels_read(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK,
                     vfx_reader_open(test_data("exr/tiled/tiled_with_scanlineimage_type.exr"),
                                     NULL, &r));
    vfx_level_mode mode;
    int32_t nx = 0, ny = 0;
    assert_int_equal(VFX_OK, vfx_reader_levels(r, 0, &mode, &nx, &ny));
    assert_int_equal(VFX_LEVELS_RIPMAP, mode);
    assert_true(nx > 1 && ny > 1);
    /* Rip levels with ly > 0 of this file fail in OpenEXRCore 3.1.5 itself (its chunk index
     * for them points at a tile of level (lx, 0)); the levels along x read. */
    for (int32_t ly = 0; ly < 1; ly++)
        for (int32_t lx = 0; lx < nx; lx++) {
            float *a = NULL;
            vfx_rect rc;
            int32_t nc = 0;
            vfx_status s = read_level_f32(r, 0, lx, ly, &a, &rc, &nc);
            if (s != VFX_OK)
                fail_msg("level %d %d: %s", lx, ly, vfx_error_message());
            assert_int_equal(vfx_rect_width(rc), ((40 >> lx) > 1 ? (40 >> lx) : 1));
            free(a);
        }
    vfx_reader_close(r);
}

/* Y / RY / BY files with 2x2-subsampled chroma (which Debian's OIIO cannot read). OpenEXR's
 * tests store the RGB decode of comp_b44.exr in comp_b44_piz.exr: the luminance of those RGB
 * values equals our full-resolution Y channel up to half rounding. */
static void
subsampled_luminance_chroma(void **state)
{
    (void) state;
    vfx_reader *r = NULL, *o = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(test_data("exr/compression/comp_b44.exr"), NULL, &r));
    assert_int_equal(VFX_OK,
                     vfx_reader_open(test_data("exr/compression/comp_b44_piz.exr"), NULL, &o));
    const vfx_spec *sp;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    int32_t by = vfx_channels_find(sp->channels, "BY");
    int32_t yc = vfx_channels_find(sp->channels, "Y");
    assert_true(by >= 0 && yc >= 0);
    vfx_channel_info ci;
    assert_int_equal(VFX_OK, vfx_channels_get(sp->channels, by, &ci));
    assert_int_equal(2, ci.x_sampling);
    assert_int_equal(2, ci.y_sampling);
    float *a = NULL, *b = NULL;
    vfx_rect ra, rb;
    int32_t na = 0, nb = 0;
    assert_int_equal(VFX_OK, read_level_f32(r, 0, 0, 0, &a, &ra, &na));
    assert_int_equal(VFX_OK, read_level_f32(o, 0, 0, 0, &b, &rb, &nb));
    assert_true(vfx_rect_equal(ra, rb));
    assert_int_equal(3, nb); /* R, G, B (stored B, G, R) */
    /* The last, partial chunk (rows 672-673 of this B44 file) decodes differently in
     * OpenEXRCore 3.1.5 (its subsampled-channel handling has known bugs, openexr#1137);
     * compare the whole chunks. */
    size_t n = (size_t) ((vfx_rect_height(ra) / 32) * 32 * vfx_rect_width(ra)), bad = 0;
    for (size_t i = 0; i < n; i++) {
        double lum = 0.2126 * b[i * 3 + 0] + 0.7152 * b[i * 3 + 1] + 0.0722 * b[i * 3 + 2];
        double y = a[i * (size_t) na + (size_t) yc];
        if (fabs(lum - y) > 2e-3 * (fabs(y) > 1 ? fabs(y) : 1) + 1e-4 && bad++ < 5)
            fprintf(stderr, "  pixel %zu: Y %g vs luminance %g\n", i, y, lum);
    }
    assert_true(bad * 1000 < n); /* allow a handful of out-of-gamut clamps */
    /* an odd rect: rows and columns whose chroma sample lies outside it */
    vfx_rect sub = { ra.x0 + 3, ra.y0 + 5, ra.x0 + 40, ra.y0 + 31 };
    int32_t w = 37, h = 26;
    float *c = malloc(sizeof(float) * (size_t) (w * h * na));
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, sub, NULL, 0, VFX_PIXEL_F32, c,
                                                  (ptrdiff_t) sizeof(float) * na,
                                                  (ptrdiff_t) sizeof(float) * na * w));
    int32_t W = (int32_t) vfx_rect_width(ra);
    for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++)
            for (int32_t k = 0; k < na; k++)
                assert_memory_equal(&c[(y * w + x) * na + k],
                                    &a[((y + 5) * W + x + 3) * na + k], sizeof(float));
    free(a);
    free(b);
    free(c);
    vfx_reader_close(r);
    vfx_reader_close(o);
    /* the other luminance/chroma files read whole */
    static const char *const more[] = { "exr/yc/MtTamNorth.exr", "exr/yc/Rec709_YC.exr" };
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(VFX_OK, vfx_reader_open(test_data(more[i]), NULL, &r));
        vfx_status s = read_level_f32(r, 0, 0, 0, &a, &ra, &na);
        if (s != VFX_OK)
            fail_msg("%s: %s", more[i], vfx_error_message());
        free(a);
        vfx_reader_close(r);
    }
}

/* B44 with FLOAT channels, written by OpenEXR's C++ library (oiiotool): OpenEXRCore 3.1.5
 * decodes it wrongly, so vfx refuses it. */
static void
b44_with_float_channels_is_refused(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("b44float.exr"));
    assert_int_equal(0, run_fmt(NULL, 0, "oiiotool '%s' -d float --compression b44 -o '%s' 2>&1",
                                test_data("exr/misc/stripes.exr"), path));
    vfx_reader *r = NULL;
    assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_reader_open(path, NULL, &r));
    assert_non_null(strstr(vfx_error_message(), "b44"));
    assert_null(r);

    /* HALF B44 tiles too narrow to shrink are stored raw by the C++ library: they must read
     * as OpenEXR decodes them (OpenEXRCore 3.1.5 alone garbles them) */
    char ref[4096];
    snprintf(ref, sizeof ref, "%s", test_tmp("b44tiles_ref.exr"));
    assert_int_equal(0, run_fmt(NULL, 0, "oiiotool --pattern noise 97x61 3 -d half --compression b44 "
                                "--tile 16 16 -o '%s' 2>&1", path));
    assert_int_equal(0, run_fmt(NULL, 0, "oiiotool '%s' -d float --compression none -o '%s' 2>&1",
                                path, ref));
    vfx_reader *o = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_open(ref, NULL, &o));
    float *a = NULL, *b = NULL;
    vfx_rect ra, rb;
    int32_t na = 0, nb = 0;
    assert_int_equal(VFX_OK, read_level_f32(r, 0, 0, 0, &a, &ra, &na));
    assert_int_equal(VFX_OK, read_level_f32(o, 0, 0, 0, &b, &rb, &nb));
    assert_int_equal(0, count_diffs(a, b, (size_t) vfx_rect_area(ra) * (size_t) na, -1, "b44 tiles"));
    free(a);
    free(b);
    vfx_reader_close(r);
    vfx_reader_close(o);
}

static void
deep_and_dwa_are_unsupported(void **state)
{
    (void) state;
    static const struct {
        const char *file, *word;
    } cases[] = {
        { "exr/deep/11.deep.exr", "deep" },
        { "exr/deep/Balls.exr", "deep" },
        { "exr/deep/tinydeep.exr", "deep" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vfx_reader *r = NULL;
        assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_reader_open(test_data(cases[i].file), NULL, &r));
        assert_null(r);
        assert_non_null(strstr(vfx_error_message(), cases[i].word));
        assert_non_null(strstr(vfx_error_message(), "exr"));
        /* header-only opening shows the spec, and reads are refused */
        vfx_read_options o = VFX_READ_OPTIONS_INIT;
        o.flags = VFX_READ_HEADER_ONLY;
        assert_int_equal(VFX_OK, vfx_reader_open(test_data(cases[i].file), &o, &r));
        const vfx_spec *sp;
        assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
        assert_true(vfx_channels_count(sp->channels) > 0);
        if (strcmp(cases[i].word, "deep") != 0) {
            float px[16];
            vfx_rect one = { sp->data.x0, sp->data.y0, sp->data.x0 + 1, sp->data.y0 + 1 };
            int32_t ch = 0;
            assert_int_equal(VFX_ERR_UNSUPPORTED,
                             vfx_reader_read_rect(r, 0, 0, 0, one, &ch, 1, VFX_PIXEL_F32, px, 4, 4));
        }
        vfx_reader_close(r);
    }
}

/* Read every chunk of every part and level, one chunk at a time: the first error, or
 * VFX_OK. */
static vfx_status
read_everything(vfx_reader *r)
{
    for (int32_t p = 0; p < vfx_reader_part_count(r); p++) {
        vfx_level_mode m;
        int32_t nx = 0, ny = 0;
        TRY(vfx_reader_levels(r, p, &m, &nx, &ny));
        const vfx_spec *sp;
        TRY(vfx_reader_spec(r, p, &sp));
        int32_t nc = vfx_channels_count(sp->channels);
        for (int32_t ly = 0; ly < ny; ly++)
            for (int32_t lx = 0; lx < nx; lx++) {
                if (m == VFX_LEVELS_MIPMAP && lx != ly)
                    continue;
                vfx_chunking c;
                vfx_rect lr;
                TRY(vfx_reader_chunking(r, p, lx, ly, &c));
                TRY(vfx_reader_level_rect(r, p, lx, ly, &lr));
                float *buf = malloc(sizeof(float) * (size_t) c.chunk_w * (size_t) c.chunk_h *
                                    (size_t) nc);
                if (!buf)
                    return VFX_ERR_NOMEM;
                for (int32_t j = 0; j < c.n_y; j++)
                    for (int32_t i = 0; i < c.n_x; i++) {
                        vfx_rect t = vfx_rect_make(c.origin_x + i * c.chunk_w,
                                                   c.origin_y + j * c.chunk_h, c.chunk_w, c.chunk_h);
                        t = vfx_rect_intersect(t, lr);
                        vfx_status s = vfx_reader_read_rect(
                            r, p, lx, ly, t, NULL, 0, VFX_PIXEL_F32, buf,
                            (ptrdiff_t) sizeof(float) * nc,
                            (ptrdiff_t) sizeof(float) * nc * (ptrdiff_t) vfx_rect_width(t));
                        if (s != VFX_OK) {
                            free(buf);
                            return s;
                        }
                    }
                free(buf);
            }
    }
    return VFX_OK;
}

static void
damaged_files_fail_cleanly(void **state)
{
    (void) state;
    char list[65536];
    assert_int_equal(0, run_fmt(list, sizeof list, "find '%s' -type f | sort",
                                test_data("exr/damaged")));
    int n = 0, n_ok = 0;
    for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
        vfx_reader *r = NULL;
        vfx_status s = vfx_reader_open(line, NULL, &r);
        if (s == VFX_OK) {
            s = read_everything(r);
            vfx_reader_close(r);
        } else {
            assert_null(r);
        }
        n++;
        const char *base = strrchr(line, '/') + 1;
        if (s == VFX_OK) {
            /* accepted by OpenEXR's own tools too (MANIFEST: "nevertheless accept") */
            fprintf(stderr, "  accepted: %s\n", base);
            n_ok++;
            continue;
        }
        assert_true(s == VFX_ERR_CORRUPT || s == VFX_ERR_UNSUPPORTED || s == VFX_ERR_LIMIT ||
                    s == VFX_ERR_NOMEM);
        const char *msg = vfx_error_message();
        assert_true(strlen(msg) > 0);
        if (!strstr(msg, base))
            fail_msg("%s: message does not name the file: %s", base, msg);
    }
    assert_true(n >= 50);
    assert_true(n_ok <= 2);
}

static void
truncated_file_names_the_chunk(void **state)
{
    (void) state;
    size_t size;
    uint8_t *data = test_read_file(test_data("exr/misc/stripes.exr"), &size);
    assert_non_null(data);
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open_memory(data, size - 600, "cut.exr", NULL, &r));
    vfx_status s = read_everything(r);
    assert_int_equal(VFX_ERR_CORRUPT, s);
    assert_non_null(strstr(vfx_error_message(), "exr: cut.exr: chunk "));
    vfx_reader_close(r);
    free(data);
}

static void
channel_subset_reads_only_those(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(test_data("exr/multiview/singlepart.0001.exr"), NULL, &r));
    const vfx_spec *sp;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    int32_t nc = vfx_channels_count(sp->channels);
    assert_int_equal(20, nc);
    float *all = NULL;
    vfx_rect rc;
    assert_int_equal(VFX_OK, read_level_f32(r, 0, 0, 0, &all, &rc, &nc));
    int32_t want[3] = { vfx_channels_find(sp->channels, "B"), vfx_channels_find(sp->channels, "R"),
                        vfx_channels_find(sp->channels, "R") };
    assert_true(want[0] >= 0 && want[1] >= 0);
    vfx_rect sub = { rc.x0 + 100, rc.y0 + 17, rc.x0 + 300, rc.y0 + 90 };
    int32_t w = 200, h = 73;
    float *buf = malloc(sizeof(float) * 3 * (size_t) (w * h));
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, sub, want, 3, VFX_PIXEL_F32, buf,
                                                  3 * sizeof(float), 3 * sizeof(float) * (size_t) w));
    int32_t W = (int32_t) vfx_rect_width(rc);
    for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++)
            for (int k = 0; k < 3; k++)
                assert_memory_equal(&buf[(y * w + x) * 3 + k],
                                    &all[((y + 17) * W + x + 100) * nc + want[k]], sizeof(float));
    /* the same as half, with a row stride larger than the row */
    uint16_t *hb = calloc((size_t) (w + 5) * (size_t) h * 3, 2);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, sub, want, 3, VFX_PIXEL_HALF, hb,
                                                  6, 6 * (w + 5)));
    for (int32_t y = 0; y < h; y += 7)
        for (int32_t x = 0; x < w; x += 3)
            assert_memory_equal(&(float){ vfx_half_to_float(hb[(y * (w + 5) + x) * 3]) },
                                &all[((y + 17) * W + x + 100) * nc + want[0]], sizeof(float));
    free(hb);
    free(buf);
    free(all);
    assert_string_equal("right", vfx_reader_part_view(r, 0)); /* the first of multiView */
    const vfx_attr_value *mv = vfx_attrs_get(sp->attrs, "openexr:multiView");
    assert_non_null(mv);
    assert_int_equal(VFX_ATTR_STRING_LIST, mv->type);
    assert_int_equal(2, mv->u.sl.n);
    assert_string_equal("right", mv->u.sl.items[0]);
    assert_string_equal("left", mv->u.sl.items[1]);
    vfx_reader_close(r);
}

static void
stats_count_only_touched_tiles(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(test_data("exr/tiled/OrientationLatLong.exr"), NULL, &r));
    vfx_chunking c;
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &c));
    assert_int_equal(VFX_ACCESS_RANDOM_TILES, c.access);
    vfx_reader_stats st0, st1;
    vfx_reader_get_stats(r, &st0);
    assert_int_equal(0, st0.chunks_read);
    /* a rect straddling 2 x 2 tiles */
    vfx_rect rc = { c.origin_x + c.chunk_w - 3, c.origin_y + c.chunk_h - 2,
                    c.origin_x + c.chunk_w + 5, c.origin_y + c.chunk_h + 1 };
    float buf[8 * 3 * 4];
    int32_t ch[1] = { 0 };
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, rc, ch, 1, VFX_PIXEL_F32, buf, 4, 32));
    vfx_reader_get_stats(r, &st1);
    assert_int_equal(4, st1.chunks_read);
    assert_true(st1.bytes_read > st0.bytes_read);
    vfx_reader_close(r);

    /* scanline: strips */
    assert_int_equal(VFX_OK, vfx_reader_open(test_data("exr/compression/comp_zip.exr"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &c));
    assert_int_equal(VFX_ACCESS_RANDOM_STRIPS, c.access);
    assert_int_equal(16, c.chunk_h);
    vfx_rect row = { c.origin_x, c.origin_y + 20, c.origin_x + 4, c.origin_y + 21 };
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, row, ch, 1, VFX_PIXEL_F32, buf, 4, 16));
    vfx_reader_get_stats(r, &st1);
    assert_int_equal(1, st1.chunks_read);
    vfx_reader_close(r);
}

static void
windows_and_outside_pixels(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(test_data("exr/windows/grid-overscan.exr"), NULL, &r));
    const vfx_spec *sp;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_true(vfx_rect_equal(sp->data, (vfx_rect){ -250, -250, 1250, 1250 }));
    assert_true(vfx_rect_equal(sp->display, (vfx_rect){ 0, 0, 1000, 1000 }));
    vfx_reader_close(r);

    assert_int_equal(VFX_OK, vfx_reader_open(test_data("exr/windows/t07.exr"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_true(vfx_rect_equal(sp->display, (vfx_rect){ -40, -40, 441, 331 }));
    /* a rect half outside the data window: outside pixels are 0, inside ones decoded */
    vfx_rect rc = { sp->data.x0 - 4, sp->data.y0 - 2, sp->data.x0 + 4, sp->data.y0 + 2 };
    float buf[8 * 4 * 3];
    for (size_t i = 0; i < 96; i++)
        buf[i] = -7.0f;
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, rc, NULL, 0, VFX_PIXEL_F32, buf,
                                                  12, 96));
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 8; x++)
            for (int k = 0; k < 3; k++) {
                float v = buf[(y * 8 + x) * 3 + k];
                if (y < 2 || x < 4)
                    assert_true(v == 0.0f);
                else
                    assert_true(v != -7.0f);
            }
    vfx_reader_close(r);
}

static void
memory_and_callbacks_equal_file(void **state)
{
    (void) state;
    const char *path = test_data("exr/tiled/copybug-input.exr");
    size_t size;
    uint8_t *data = test_read_file(path, &size);
    vfx_reader *a = NULL, *b = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &a));
    assert_int_equal(VFX_OK, vfx_reader_open_memory(data, size, "exr", NULL, &b));
    assert_string_equal("openexr", vfx_reader_format_name(b));
    float *x = NULL, *y = NULL;
    vfx_rect rx, ry;
    int32_t nx = 0, ny = 0;
    assert_int_equal(VFX_OK, read_level_f32(a, 0, 0, 0, &x, &rx, &nx));
    assert_int_equal(VFX_OK, read_level_f32(b, 0, 0, 0, &y, &ry, &ny));
    assert_memory_equal(x, y, sizeof(float) * (size_t) vfx_rect_area(rx) * (size_t) nx);
    vfx_reader_stats st;
    vfx_reader_get_stats(b, &st);
    assert_true(st.chunks_read > 0);
    free(x);
    free(y);
    vfx_reader_close(a);
    vfx_reader_close(b);
    free(data);
    /* not an image */
    assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_reader_open_memory("hello", 5, "x.exr", NULL, &a));
    assert_null(a);
    assert_int_equal(VFX_ERR_IO, vfx_reader_open(test_data("exr/nope.exr"), NULL, &a));
}

/* Attribute values against what exrheader prints. */
static void
attributes_match_exrheader(void **state)
{
    (void) state;
    test_require(test_have_tool("exrheader"), "exrheader not installed");
    char out[65536];
    const char *path = test_data("exr/chromaticities/test.exr");
    assert_int_equal(0, run_fmt(out, sizeof out, "exrheader '%s'", path));
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    const vfx_spec *sp;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    const vfx_attr_value *v = vfx_attrs_get(sp->attrs, "chromaticities");
    assert_non_null(v);
    assert_int_equal(VFX_ATTR_CHROMATICITIES, v->type);
    /* exrheader: "chromaticities (type chromaticities):\n    red   (0.7347 0.2653)\n..." */
    const char *p = strstr(out, "chromaticities (type chromaticities)");
    assert_non_null(p);
    float red_x, red_y;
    assert_int_equal(2, sscanf(strstr(p, "red") + 3, " (%f %f)", &red_x, &red_y));
    assert_float_equal(red_x, v->u.chroma[0], 1e-4);
    assert_float_equal(red_y, v->u.chroma[1], 1e-4);
    v = vfx_attrs_get(sp->attrs, "openexr:acesImageContainerFlag");
    assert_non_null(v);
    assert_int_equal(VFX_ATTR_INT, v->type);
    assert_int_equal(1, v->u.i);
    assert_non_null(strstr(out, "acesImageContainerFlag (type int): 1"));
    v = vfx_attrs_get(sp->attrs, "compression");
    assert_non_null(v);
    assert_string_equal("none", v->u.s);
    /* every attribute exrheader lists is present (under its vfx name) */
    int32_t n = vfx_attrs_count(sp->attrs);
    assert_true(n >= 8);
    for (int32_t i = 0; i < n; i++) {
        const char *name;
        const vfx_attr_value *av;
        assert_int_equal(VFX_OK, vfx_attrs_at(sp->attrs, i, &name, &av));
        if (av->type == VFX_ATTR_RATIONAL) {
            char want[128];
            snprintf(want, sizeof want, "%d/%u", av->u.rational.num, av->u.rational.den);
            assert_non_null(strstr(out, want));
        }
    }
    vfx_reader_close(r);

    /* a preview (thumbnail) kept byte-for-byte, and part names / views */
    path = test_data("exr/multipart/multipart-preview.exr");
    assert_int_equal(0, run_fmt(out, sizeof out, "exrheader '%s'", path));
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    assert_int_equal(2, vfx_reader_part_count(r));
    int found_preview = 0;
    for (int32_t pi = 0; pi < 2; pi++) {
        assert_int_equal(VFX_OK, vfx_reader_spec(r, pi, &sp));
        v = vfx_attrs_get(sp->attrs, "openexr:preview");
        if (v) {
            assert_int_equal(VFX_ATTR_BLOB, v->type);
            const uint8_t *b = v->u.blob.data;
            unsigned pw = b[0] | b[1] << 8, ph = b[4] | b[5] << 8;
            char want[64];
            snprintf(want, sizeof want, "preview (type preview): %u by %u pixels", pw, ph);
            assert_non_null(strstr(out, want));
            assert_int_equal(8 + 4 * pw * ph, v->u.blob.size);
            found_preview = 1;
        }
        const char *name = vfx_reader_part_name(r, pi);
        assert_non_null(name);
        char want[300];
        snprintf(want, sizeof want, "name (type string): \"%s\"", name);
        assert_non_null(strstr(out, want));
    }
    assert_true(found_preview);
    vfx_reader_close(r);

    /* multi-part views */
    path = test_data("exr/multipart/multipart.0001.exr");
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    assert_int_equal(10, vfx_reader_part_count(r));
    assert_string_equal("rgba_right", vfx_reader_part_name(r, 0)); /* as exrheader lists them */
    assert_string_equal("right", vfx_reader_part_view(r, 0));
    assert_string_equal("depth_left", vfx_reader_part_name(r, 1));
    assert_string_equal("left", vfx_reader_part_view(r, 1));
    vfx_reader_close(r);

    /* an unknown attribute type is kept as a blob (idManifest is compressed data) */
    assert_int_equal(VFX_OK, vfx_reader_open(test_data("exr/misc/manifest_id.exr"), NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    v = vfx_attrs_get(sp->attrs, "openexr:idManifest");
    assert_non_null(v);
    assert_int_equal(VFX_ATTR_BLOB, v->type);
    assert_string_equal("idmanifest", v->u.blob.type_name); /* the type name in the file */
    assert_true(v->u.blob.size > 0);
    vfx_reader_close(r);
}

static void
bad_arguments(void **state)
{
    (void) state;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(test_data("exr/misc/stripes.exr"), NULL, &r));
    float px[4];
    int32_t ch = 99;
    vfx_rect one = { 0, 0, 1, 1 };
    assert_int_equal(VFX_ERR_ARG, vfx_reader_read_rect(r, 0, 0, 0, one, &ch, 1, VFX_PIXEL_F32, px, 4, 4));
    assert_int_equal(VFX_ERR_ARG, vfx_reader_read_rect(r, 1, 0, 0, one, NULL, 0, VFX_PIXEL_F32, px, 16, 16));
    assert_int_equal(VFX_ERR_ARG, vfx_reader_read_rect(r, 0, 0, 0, VFX_RECT_INFINITE, NULL, 0,
                                                       VFX_PIXEL_F32, px, 16, 16));
    assert_int_equal(VFX_ERR_ARG, vfx_reader_read_rect(r, 0, 0, 0, one, NULL, 0, VFX_PIXEL_UNKNOWN, px, 16, 16));
    vfx_reader_close(r);
    vfx_reader_close(NULL);
    /* a pixel limit */
    vfx_read_options o = VFX_READ_OPTIONS_INIT;
    o.max_pixels = 1000;
    assert_int_equal(VFX_ERR_LIMIT, vfx_reader_open(test_data("exr/misc/stripes.exr"), &o, &r));
    assert_null(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_valid_file_matches_oiiotool),
        cmocka_unit_test(mip_levels_match_oiiotool),
        cmocka_unit_test(ripmap_levels_read),
        cmocka_unit_test(subsampled_luminance_chroma),
        cmocka_unit_test(deep_and_dwa_are_unsupported),
        cmocka_unit_test(b44_with_float_channels_is_refused),
        cmocka_unit_test(damaged_files_fail_cleanly),
        cmocka_unit_test(truncated_file_names_the_chunk),
        cmocka_unit_test(channel_subset_reads_only_those),
        cmocka_unit_test(stats_count_only_touched_tiles),
        cmocka_unit_test(windows_and_outside_pixels),
        cmocka_unit_test(memory_and_callbacks_equal_file),
        cmocka_unit_test(attributes_match_exrheader),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
