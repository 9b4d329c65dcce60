/* Writing OpenEXR: every compression x {half, float, uint} x {scanline, tiled}, read back by
 * exrheader (compression, layout), by oiiotool / idiff (pixels, through OpenEXR's C++
 * library) and by us; attributes with their proper types; the temporary-file protocol. */
#include <dirent.h>
#include <unistd.h>

#include "io_test_util.h"
#include "vfx/io.h"

static const char *const compressions[] = { "none", "rle",   "zips", "zip",
                                            "piz",  "pxr24", "b44",  "b44a" };

#define W 67
#define H 45
#define X0 (-3)
#define Y0 5
#define NC 4

/* A smooth test pattern (B44 is made for smooth images) with negative, fractional and large
 * values. */
static float
pattern(int x, int y, int c)
{
    return sinf((float) x * 0.11f + (float) c) * 3.0f + (float) y * 0.25f - 2.0f +
           (float) c * 0.001f;
}

static void
make_spec(vfx_spec *sp, vfx_pixel_type t)
{
    *sp = (vfx_spec) VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(sp, W, H, "R,G,B,A", t));
    sp->data = vfx_rect_make(X0, Y0, W, H);
    sp->display = vfx_rect_make(0, 0, 64, 48);
}

/* Write the pattern (as f32, or as u32 for uint files) in the order the writer wants:
 * strips in bands of 7 rows, tiles from last to first. */
static vfx_status
write_pattern(const char *path, vfx_pixel_type t, const char *comp, int tiled)
{
    vfx_spec sp;
    make_spec(&sp, t);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.compression = comp;
    if (tiled) {
        o.tile_w = 16;
        o.tile_h = 8;
    }
    vfx_writer *w = NULL;
    vfx_status s = vfx_writer_open(path, &sp, &o, &w);
    vfx_spec_clear(&sp);
    if (s != VFX_OK)
        return s;
    int is_u32 = t == VFX_PIXEL_U32;
    size_t n = (size_t) W * H * NC;
    float *f = malloc(n * sizeof(float));
    uint32_t *u = malloc(n * sizeof(uint32_t));
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < NC; c++) {
                size_t i = ((size_t) y * W + (size_t) x) * NC + (size_t) c;
                f[i] = pattern(x, y, c);
                u[i] = (uint32_t) (x * 100000 + y * 100 + c) * 977u;
            }
    const void *base = is_u32 ? (const void *) u : (const void *) f;
    vfx_pixel_type in_type = is_u32 ? VFX_PIXEL_U32 : VFX_PIXEL_F32;
    ptrdiff_t xs = 4 * NC, ys = xs * W;
    vfx_chunking c;
    s = vfx_writer_chunking(w, &c);
    if (s == VFX_OK && tiled) {
        assert_int_equal(VFX_ACCESS_RANDOM_TILES, c.access);
        /* bottom tile row first, tile by tile (last first); then the other rows one whole
         * row of tiles per call (compressed in parallel) */
        for (int j = c.n_y - 1; j >= 0 && s == VFX_OK; j--)
            for (int i = c.n_x - 1; i >= 0 && s == VFX_OK; i--) {
                int whole_row = j < c.n_y - 1;
                if (whole_row && i > 0)
                    continue;
                vfx_rect r = vfx_rect_intersect(
                    vfx_rect_make(X0 + i * c.chunk_w, Y0 + j * c.chunk_h,
                                  whole_row ? W : c.chunk_w, c.chunk_h),
                    vfx_rect_make(X0, Y0, W, H));
                const uint8_t *p = (const uint8_t *) base + (r.y0 - Y0) * ys + (r.x0 - X0) * xs;
                s = vfx_writer_write_rect(w, r, in_type, p, xs, ys);
            }
    } else if (s == VFX_OK) {
        assert_int_equal(VFX_ACCESS_RANDOM_STRIPS, c.access);
        for (int y = 0; y < H && s == VFX_OK; y += 7) {
            int h = y + 7 <= H ? 7 : H - y;
            vfx_rect r = vfx_rect_make(X0, Y0 + y, W, h);
            s = vfx_writer_write_rect(w, r, in_type, (const uint8_t *) base + y * ys, xs, ys);
        }
    }
    free(f);
    free(u);
    vfx_status s2 = vfx_writer_close(w, s != VFX_OK);
    return s != VFX_OK ? s : s2;
}

/* What exrheader calls each compression. */
static const char *
exrheader_word(const char *comp)
{
    if (strcmp(comp, "rle") == 0)
        return "run-length encoding";
    if (strcmp(comp, "zips") == 0)
        return "zip, individual scanlines";
    if (strcmp(comp, "zip") == 0)
        return "zip, multi-scanline blocks";
    return comp;
}

static void
check_one(const char *comp, vfx_pixel_type t, int tiled)
{
    char path[4096], ref[4096], out[16384], what[128];
    snprintf(what, sizeof what, "%s/%s/%s", comp, vfx_pixel_type_name(t), tiled ? "tiled" : "scan");
    snprintf(path, sizeof path, "%s", test_tmp("rt.exr"));
    snprintf(ref, sizeof ref, "%s", test_tmp("rt_ref.exr"));
    vfx_status s = write_pattern(path, t, comp, tiled);
    if (strncmp(comp, "b44", 3) == 0 && t != VFX_PIXEL_HALF) {
        /* OpenEXRCore 3.1.5 writes these incompatibly with the C++ library: refused */
        assert_int_equal(VFX_ERR_UNSUPPORTED, s);
        assert_non_null(strstr(vfx_error_message(), "FLOAT/UINT"));
        return;
    }
    if (s != VFX_OK)
        fail_msg("%s: write: %s", what, vfx_error_message());

    /* exrheader: compression, layout, windows */
    assert_int_equal(0, run_fmt(out, sizeof out, "exrheader '%s' 2>&1", path));
    char want[256];
    snprintf(want, sizeof want, "compression (type compression): %s\n", exrheader_word(comp));
    if (!strstr(out, want))
        fail_msg("%s: exrheader does not say \"%s\":\n%s", what, want, out);
    assert_non_null(strstr(out, tiled ? "type (type string): \"tiledimage\""
                                      : "type (type string): \"scanlineimage\""));
    if (tiled)
        assert_non_null(strstr(out, "tile size 16 by 8 pixels"));
    assert_non_null(strstr(out, "dataWindow (type box2i): (-3 5) - (63 49)"));
    assert_non_null(strstr(out, "displayWindow (type box2i): (0 0) - (63 47)"));
    const char *tn = t == VFX_PIXEL_HALF ? "16-bit floating-point"
                     : t == VFX_PIXEL_F32 ? "32-bit floating-point"
                                          : "32-bit unsigned integer";
    snprintf(want, sizeof want, "R, %s, sampling 1 1", tn);
    assert_non_null(strstr(out, want));

    /* our reader: the values we wrote (exact for lossless codecs) */
    vfx_reader *r = NULL;
    s = vfx_reader_open(path, NULL, &r);
    if (s != VFX_OK)
        fail_msg("%s: reopen: %s", what, vfx_error_message());
    const vfx_spec *sp;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &sp));
    assert_true(vfx_rect_equal(sp->data, vfx_rect_make(X0, Y0, W, H)));
    /* the file lists channels sorted; ask for R,G,B,A explicitly */
    int32_t order[NC] = { vfx_channels_find(sp->channels, "R"), vfx_channels_find(sp->channels, "G"),
                          vfx_channels_find(sp->channels, "B"), vfx_channels_find(sp->channels, "A") };
    size_t n = (size_t) W * H * NC;
    if (t == VFX_PIXEL_U32) {
        uint32_t *u = malloc(n * 4);
        assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, sp->data, order, NC,
                                                      VFX_PIXEL_U32, u, 4 * NC, 4 * NC * W));
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < NC; c++)
                    assert_int_equal((uint32_t) (x * 100000 + y * 100 + c) * 977u,
                                     u[((size_t) y * W + (size_t) x) * NC + (size_t) c]);
        free(u);
    } else {
        float *f = malloc(n * 4), *e = malloc(n * 4);
        assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, sp->data, order, NC,
                                                      VFX_PIXEL_F32, f, 4 * NC, 4 * NC * W));
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < NC; c++) {
                    float v = pattern(x, y, c);
                    if (t == VFX_PIXEL_HALF)
                        v = vfx_half_to_float(vfx_float_to_half(v));
                    e[((size_t) y * W + (size_t) x) * NC + (size_t) c] = v;
                }
        double tol = -1;
        if (strcmp(comp, "pxr24") == 0 && t == VFX_PIXEL_F32)
            tol = 1e-4; /* 24-bit float */
        if (strncmp(comp, "b44", 3) == 0 && t == VFX_PIXEL_HALF)
            tol = 0.3; /* lossy 4x4 blocks; the exact check is the C++ decode below */
        size_t bad = count_diffs(f, e, n, tol, what);
        /* B44 quantises a 4x4 block in the integer space of half bit patterns: blocks that
         * cross zero lose much more; the exact check is the C++ decode below */
        if (strncmp(comp, "b44", 3) == 0 && t == VFX_PIXEL_HALF && bad * 50 < n)
            bad = 0;
        if (bad)
            fail_msg("%s: %zu values differ from what was written", what, bad);
        free(f);
        free(e);
    }
    vfx_reader_close(r);

    /* OpenEXR's C++ library (through oiiotool) decodes our file to the same values as we do */
    assert_int_equal(0, run_fmt(out, sizeof out,
                                "oiiotool '%s' -d float --compression none -o '%s' 2>&1", path, ref));
    vfx_reader *a = NULL, *b = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &a));
    assert_int_equal(VFX_OK, vfx_reader_open(ref, NULL, &b));
    float *fa = NULL, *fb = NULL;
    vfx_rect ra, rb;
    int32_t na = 0, nb = 0;
    assert_int_equal(VFX_OK, read_level_f32(a, 0, 0, 0, &fa, &ra, &na));
    assert_int_equal(VFX_OK, read_level_f32(b, 0, 0, 0, &fb, &rb, &nb));
    assert_true(vfx_rect_equal(ra, rb));
    assert_int_equal(na, nb);
    size_t bad = count_diffs(fa, fb, n, t == VFX_PIXEL_U32 ? 1e-6 : -1, what);
    if (bad)
        fail_msg("%s: %zu values differ from oiiotool's decode", what, bad);
    free(fa);
    free(fb);
    vfx_reader_close(a);
    vfx_reader_close(b);
    /* and idiff agrees the two files hold the same image */
    if (t != VFX_PIXEL_U32 && run_fmt(out, sizeof out, "idiff -q '%s' '%s' 2>&1", path, ref) != 0)
        fail_msg("%s: idiff: %s", what, out);
}

static void
round_trip_every_compression_type_layout(void **state)
{
    (void) state;
    test_require(test_have_tool("exrheader") && test_have_tool("oiiotool") &&
                     test_have_tool("idiff"),
                 "exrheader / oiiotool / idiff not installed");
    static const vfx_pixel_type types[] = { VFX_PIXEL_HALF, VFX_PIXEL_F32, VFX_PIXEL_U32 };
    for (size_t ci = 0; ci < sizeof compressions / sizeof compressions[0]; ci++)
        for (size_t ti = 0; ti < 3; ti++)
            for (int tiled = 0; tiled < 2; tiled++)
                check_one(compressions[ci], types[ti], tiled);
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

static void
failed_or_incomplete_writes_leave_the_old_file(void **state)
{
    (void) state;
    char path[4096], dir[4096];
    snprintf(path, sizeof path, "%s", test_tmp("atomic.exr"));
    snprintf(dir, sizeof dir, "%s", test_tmp(""));
    assert_int_equal(VFX_OK, write_pattern(path, VFX_PIXEL_HALF, "zip", 0));
    size_t n0;
    uint8_t *before = test_read_file(path, &n0);
    assert_non_null(before);

    vfx_spec sp;
    make_spec(&sp, VFX_PIXEL_F32);
    vfx_writer *w = NULL;
    float row[W * NC] = { 0 };
    /* cancelled half way */
    assert_int_equal(VFX_OK, vfx_writer_open(path, &sp, NULL, &w));
    assert_int_equal(1, count_temp_files(dir));
    assert_int_equal(VFX_OK, vfx_writer_write_rect(w, vfx_rect_make(X0, Y0, W, 1), VFX_PIXEL_F32,
                                                   row, 4 * NC, 4 * NC * W));
    assert_int_equal(VFX_OK, vfx_writer_close(w, 1));
    assert_int_equal(0, count_temp_files(dir));
    /* closed "successfully" without all pixels */
    assert_int_equal(VFX_OK, vfx_writer_open(path, &sp, NULL, &w));
    assert_int_equal(VFX_ERR_STATE, vfx_writer_close(w, 0));
    assert_non_null(strstr(vfx_error_message(), "atomic.exr"));
    assert_int_equal(0, count_temp_files(dir));
    /* out-of-order strips and off-grid tiles are refused */
    assert_int_equal(VFX_OK, vfx_writer_open(path, &sp, NULL, &w));
    assert_int_equal(VFX_ERR_ARG, vfx_writer_write_rect(w, vfx_rect_make(X0, Y0 + 1, W, 1),
                                                        VFX_PIXEL_F32, row, 4 * NC, 4 * NC * W));
    assert_int_equal(VFX_OK, vfx_writer_close(w, 1));
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.tile_w = o.tile_h = 16;
    assert_int_equal(VFX_OK, vfx_writer_open(path, &sp, &o, &w));
    assert_int_equal(VFX_ERR_ARG, vfx_writer_write_rect(w, vfx_rect_make(X0 + 1, Y0, 16, 1),
                                                        VFX_PIXEL_F32, row, 4 * NC, 4 * NC * W));
    assert_int_equal(VFX_OK, vfx_writer_close(w, 1));
    /* unknown compressions are refused; DWA is ours (dwa_codec.c), so it opens */
    o.compression = "lzw";
    assert_int_equal(VFX_ERR_ARG, vfx_writer_open(path, &sp, &o, &w));
    assert_null(w);
    o.compression = "dwaa";
    assert_int_equal(VFX_OK, vfx_writer_open(path, &sp, &o, &w));
    assert_int_equal(VFX_OK, vfx_writer_close(w, 1));
    assert_int_equal(0, count_temp_files(dir));

    size_t n1;
    uint8_t *after = test_read_file(path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
    /* a folder that does not exist */
    assert_int_equal(VFX_ERR_IO, vfx_writer_open("/nonexistent-dir/x.exr", &sp, NULL, &w));
    vfx_spec_clear(&sp);
}

static void
attributes_round_trip_with_types(void **state)
{
    (void) state;
    test_require(test_have_tool("exrheader"), "exrheader not installed");
    char path[4096];
    snprintf(path, sizeof path, "%s", test_tmp("attrs.exr"));
    vfx_spec sp = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&sp, 8, 4, "Y", VFX_PIXEL_HALF));
    vfx_attrs *a = sp.attrs;
    vfx_attr_value v;
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_CHROMATICITIES;
    float ch[8] = { 0.7347f, 0.2653f, 0.0f, 1.0f, 0.0001f, -0.077f, 0.32168f, 0.33767f };
    memcpy(v.u.chroma, ch, sizeof ch);
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "chromaticities", &v));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "openexr:whiteLuminance", 100.0f));
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_V2F;
    v.u.v2f[0] = 0.3127f;
    v.u.v2f[1] = 0.329f;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "openexr:adoptedNeutral", &v));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(a, "openexr:renderingTransform", "RRT"));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(a, "openexr:lookModTransform", "LMT"));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "XResolution", 72.0f));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(a, "Copyright", "vfx tests"));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(a, "ImageDescription", "a comment"));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(a, "DateTime", "2026:11:26 21:00:00"));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "openexr:utcOffset", 3600.0f));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "openexr:longitude", 2.35f));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "openexr:latitude", 48.85f));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "openexr:altitude", 35.0f));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "openexr:focus", 3.5f));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "ExposureTime", 0.02f));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "FNumber", 2.8f));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "Exif:ISOSpeedRatings", 800.0f));
    assert_int_equal(VFX_OK, vfx_attrs_set_int(a, "openexr:envmap", 1));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(a, "openexr:wrapmodes", "clamp,periodic"));
    assert_int_equal(VFX_OK, vfx_attrs_set_int(a, "openexr:acesImageContainerFlag", 1));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "PixelAspectRatio", 1.5f));
    assert_int_equal(VFX_OK, vfx_attrs_set_float(a, "screenWindowWidth", 2.0f));
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_KEYCODE;
    v.u.keycode.film_mfc_code = 1;
    v.u.keycode.film_type = 2;
    v.u.keycode.prefix = 3;
    v.u.keycode.count = 4;
    v.u.keycode.perf_offset = 5;
    v.u.keycode.perfs_per_frame = 4;
    v.u.keycode.perfs_per_count = 64;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "smpte:KeyCode", &v));
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_TIMECODE;
    v.u.timecode.time_and_flags = 0x01182906u;
    v.u.timecode.user_data = 7;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "smpte:TimeCode", &v));
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_RATIONAL;
    v.u.rational.num = 24000;
    v.u.rational.den = 1001;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "FramesPerSecond", &v));
    const char *views[2] = { "left", "right" };
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_STRING_LIST;
    v.u.sl.items = views;
    v.u.sl.n = 2;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "openexr:multiView", &v));
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_M44F;
    for (int i = 0; i < 16; i++)
        v.u.m44f[i] = (float) i * 0.5f;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "worldtocamera", &v));
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "worldtoNDC", &v));
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_BOX2I;
    int32_t box[4] = { -10, -20, 100, 200 };
    memcpy(v.u.box2i, box, sizeof box);
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "openexr:originalDataWindow", &v));
    /* a preview, custom attributes of several types and an unknown type */
    uint8_t pv[8 + 2 * 1 * 4] = { 2, 0, 0, 0, 1, 0, 0, 0, 255, 0, 0, 255, 0, 255, 0, 255 };
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_BLOB;
    v.u.blob.type_name = "preview";
    v.u.blob.data = pv;
    v.u.blob.size = sizeof pv;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "openexr:preview", &v));
    uint8_t raw[5] = { 1, 2, 3, 4, 5 };
    v.u.blob.type_name = "weirdType";
    v.u.blob.data = raw;
    v.u.blob.size = sizeof raw;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "studio/blob", &v));
    assert_int_equal(VFX_OK, vfx_attrs_set_int(a, "studio/int", -5));
    assert_int_equal(VFX_OK, vfx_attrs_set_double(a, "studio/double", 1.0 / 3.0));
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_M33D;
    for (int i = 0; i < 9; i++)
        v.u.m33d[i] = (double) i / 7.0;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "studio/m33d", &v));
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_V3I;
    v.u.v3i[0] = 1;
    v.u.v3i[1] = -2;
    v.u.v3i[2] = 3;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "studio/v3i", &v));
    float fl[3] = { 1.5f, -2.5f, 1e20f };
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_FLOAT_VEC;
    v.u.fv.p = fl;
    v.u.fv.n = 3;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "studio/floats", &v));
    memset(&v, 0, sizeof v);
    v.type = VFX_ATTR_BOX2F;
    v.u.box2f[0] = -1.5f;
    v.u.box2f[3] = 2.5f;
    assert_int_equal(VFX_OK, vfx_attrs_set(a, "studio/box2f", &v));

    vfx_writer *w = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open(path, &sp, NULL, &w));
    float px[8 * 4] = { 0 };
    assert_int_equal(VFX_OK, vfx_writer_write_rect(w, sp.data, VFX_PIXEL_F32, px, 4, 32));
    assert_int_equal(VFX_OK, vfx_writer_close(w, 0));

    char out[32768];
    assert_int_equal(0, run_fmt(out, sizeof out, "exrheader '%s' 2>&1", path));
    static const char *const expect[] = {
        "chromaticities (type chromaticities)",
        "whiteLuminance (type float): 100",
        "adoptedNeutral (type v2f): (0.3127 0.329)",
        "renderingTransform (type string): \"RRT\"",
        "lookModTransform (type string): \"LMT\"",
        "xDensity (type float): 72",
        "owner (type string): \"vfx tests\"",
        "comments (type string): \"a comment\"",
        "capDate (type string): \"2026:11:26 21:00:00\"",
        "utcOffset (type float): 3600",
        "longitude (type float): 2.35",
        "latitude (type float): 48.85",
        "altitude (type float): 35",
        "focus (type float): 3.5",
        "expTime (type float): 0.02",
        "aperture (type float): 2.8",
        "isoSpeed (type float): 800",
        "envmap (type envmap): cube",
        "wrapmodes (type string): \"clamp,periodic\"",
        "acesImageContainerFlag (type int): 1",
        "pixelAspectRatio (type float): 1.5",
        "screenWindowWidth (type float): 2",
        "keyCode (type keycode)",
        "timeCode (type timecode)",
        "framesPerSecond (type rational): 24000/1001",
        "multiView (type stringvector)",
        "worldToCamera (type m44f)",
        "worldToNDC (type m44f)",
        "originalDataWindow (type box2i): (-10 -20) - (100 200)",
        "preview (type preview): 2 by 1 pixels",
        "studio/blob (type weirdType)",
        "studio/int (type int): -5",
        "studio/double (type double)",
        "studio/m33d (type m33d)",
        "studio/v3i (type v3i): (1 -2 3)",
        "studio/floats (type floatvector)",
        "studio/box2f (type box2f)",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        if (!strstr(out, expect[i]))
            fail_msg("exrheader lacks \"%s\":\n%s", expect[i], out);

    /* our reader gives back every attribute with the same type and value */
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    const vfx_spec *rs;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &rs));
    for (int32_t i = 0; i < vfx_attrs_count(a); i++) {
        const char *name;
        const vfx_attr_value *want;
        assert_int_equal(VFX_OK, vfx_attrs_at(a, i, &name, &want));
        const vfx_attr_value *got = vfx_attrs_get(rs->attrs, name);
        if (!got)
            fail_msg("attribute %s lost", name);
        if (!vfx_attr_value_equal(want, got))
            fail_msg("attribute %s changed", name);
    }
    vfx_reader_close(r);
    vfx_spec_clear(&sp);
}

/* Noise does not compress: such chunks must be stored raw (OpenEXRCore 3.1.5's PXR24 and B44
 * encoders would otherwise write tiles that decode wrongly or that readers refuse). */
static void
incompressible_chunks_are_stored_raw(void **state)
{
    (void) state;
    test_require(test_have_tool("oiiotool"), "oiiotool not installed");
    enum { NW = 97, NH = 61 };
    float *px = malloc(sizeof(float) * NW * NH * 3), *back = malloc(sizeof(float) * NW * NH * 3);
    uint32_t seed = 1;
    for (int i = 0; i < NW * NH * 3; i++) {
        seed = seed * 1103515245u + 12345u;
        px[i] = vfx_half_to_float(vfx_float_to_half((float) ((seed >> 8) & 0xffff) / 655.36f - 50.0f));
    }
    static const char *const comps[] = { "rle", "zip", "piz", "pxr24", "b44", "b44a" };
    for (size_t c = 0; c < sizeof comps / sizeof comps[0]; c++)
        for (int tiled = 0; tiled < 2; tiled++) {
            char path[4096], ref[4096];
            snprintf(path, sizeof path, "%s", test_tmp("noise.exr"));
            snprintf(ref, sizeof ref, "%s", test_tmp("noise_ref.exr"));
            vfx_spec sp = VFX_SPEC_INIT;
            assert_int_equal(VFX_OK, vfx_spec_init_simple(&sp, NW, NH, "R,G,B", VFX_PIXEL_HALF));
            vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
            o.compression = comps[c];
            o.tile_w = o.tile_h = tiled ? 16 : 0;
            vfx_writer *w = NULL;
            assert_int_equal(VFX_OK, vfx_writer_open(path, &sp, &o, &w));
            assert_int_equal(VFX_OK, vfx_writer_write_rect(w, sp.data, VFX_PIXEL_F32, px, 12, 12 * NW));
            assert_int_equal(VFX_OK, vfx_writer_close(w, 0));
            vfx_reader *r = NULL;
            assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
            int32_t rgb[3] = { 0, 1, 2 }; /* read back as R, G, B (the file holds B, G, R) */
            vfx_status s = vfx_reader_read_rect(r, 0, 0, 0, sp.data, rgb, 3, VFX_PIXEL_F32, back,
                                                12, 12 * NW);
            if (s != VFX_OK)
                fail_msg("%s/%d: %s", comps[c], tiled, vfx_error_message());
            vfx_reader_close(r);
            if (strncmp(comps[c], "b44", 3) != 0 &&
                count_diffs(back, px, (size_t) NW * NH * 3, -1, comps[c]) != 0)
                fail_msg("%s/%d: lossless round trip differs", comps[c], tiled);
            /* OpenEXR's C++ library decodes the file to what we decode */
            assert_int_equal(0, run_fmt(NULL, 0, "oiiotool '%s' -d float --compression none -o '%s' 2>&1",
                                        path, ref));
            vfx_reader *a = NULL, *b = NULL;
            assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &a));
            assert_int_equal(VFX_OK, vfx_reader_open(ref, NULL, &b));
            float *fa = NULL, *fb = NULL;
            vfx_rect ra, rb;
            int32_t na = 0, nb = 0;
            assert_int_equal(VFX_OK, read_level_f32(a, 0, 0, 0, &fa, &ra, &na));
            assert_int_equal(VFX_OK, read_level_f32(b, 0, 0, 0, &fb, &rb, &nb));
            if (count_diffs(fa, fb, (size_t) NW * NH * 3, -1, comps[c]) != 0)
                fail_msg("%s/%d: differs from OpenEXR's C++ decode", comps[c], tiled);
            free(fa);
            free(fb);
            vfx_reader_close(a);
            vfx_reader_close(b);
            vfx_spec_clear(&sp);
        }
    free(px);
    free(back);
}

/* MIP and RIP levels through the writer API, on a data window with a negative origin: every
 * level holds its own pattern, reads back exactly (float), and has the size OpenEXR gives it;
 * wrong uses are refused. */
static float
level_value(int x, int y, int c, int lx, int ly)
{
    return pattern(x, y, c) + 100.0f * (float) lx + 1000.0f * (float) ly;
}

static int32_t
n_levels(int32_t size, int32_t round_up)
{
    int32_t n = 1;
    for (; size > 1; n++)
        size = round_up ? (size + 1) / 2 : size / 2;
    return n;
}

static void
write_levels_by_hand(const char *path, vfx_level_mode mode, int32_t round)
{
    vfx_spec sp;
    make_spec(&sp, VFX_PIXEL_F32);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    o.tile_w = 16;
    o.tile_h = 8;
    o.levels = mode;
    o.level_round = round;
    vfx_writer *w = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open(path, &sp, &o, &w));
    vfx_spec_clear(&sp);
    vfx_level_mode m;
    int32_t nx, ny;
    assert_int_equal(VFX_OK, vfx_writer_levels(w, &m, &nx, &ny));
    assert_int_equal(mode, m);
    /* W = 67, H = 45: levels down to 1 (round down: 67 -> 33 -> ... -> 1, 7 levels; round
     * up: 67 -> 34 -> 17 -> 9 -> 5 -> 3 -> 2 -> 1, 8 levels) */
    int32_t enx = n_levels(W, round), eny = n_levels(H, round);
    if (mode == VFX_LEVELS_MIPMAP)
        enx = eny = enx > eny ? enx : eny;
    assert_int_equal(enx, nx);
    assert_int_equal(eny, ny);
    float *buf = malloc((size_t) W * H * NC * sizeof(float));
    for (int32_t ly = ny - 1; ly >= 0; ly--) { /* any order */
        for (int32_t lx = 0; lx < nx; lx++) {
            if (mode == VFX_LEVELS_MIPMAP && lx != ly)
                continue;
            vfx_rect r;
            assert_int_equal(VFX_OK, vfx_writer_level_rect(w, lx, ly, &r));
            assert_int_equal(X0, r.x0);
            assert_int_equal(Y0, r.y0);
            int64_t ew = W, eh = H;
            for (int32_t k = 0; k < lx; k++)
                ew = round ? (ew + 1) / 2 : ew / 2;
            for (int32_t k = 0; k < ly; k++)
                eh = round ? (eh + 1) / 2 : eh / 2;
            assert_int_equal(ew > 1 ? ew : 1, vfx_rect_width(r));
            assert_int_equal(eh > 1 ? eh : 1, vfx_rect_height(r));
            int32_t rw = (int32_t) vfx_rect_width(r);
            for (int32_t y = r.y0; y < r.y1; y++)
                for (int32_t x = r.x0; x < r.x1; x++)
                    for (int c = 0; c < NC; c++)
                        buf[((size_t) (y - r.y0) * (size_t) rw + (size_t) (x - r.x0)) * NC +
                            (size_t) c] = level_value(x, y, c, lx, ly);
            assert_int_equal(VFX_OK, vfx_writer_set_level(w, lx, ly));
            /* one tile at a time, last first */
            vfx_chunking c;
            assert_int_equal(VFX_OK, vfx_writer_chunking(w, &c));
            for (int32_t j = c.n_y - 1; j >= 0; j--)
                for (int32_t i = c.n_x - 1; i >= 0; i--) {
                    vfx_rect t = vfx_rect_intersect(
                        vfx_rect_make(r.x0 + i * 16, r.y0 + j * 8, 16, 8), r);
                    const float *p = buf + ((size_t) (t.y0 - r.y0) * (size_t) rw +
                                            (size_t) (t.x0 - r.x0)) * NC;
                    assert_int_equal(VFX_OK, vfx_writer_write_rect(w, t, VFX_PIXEL_F32, p,
                                                                   4 * NC, 4 * NC * rw));
                }
        }
    }
    free(buf);
    assert_int_equal(VFX_OK, vfx_writer_close(w, 0));
}

static void
levels_write_and_read_back(void **state)
{
    (void) state;
    const struct {
        vfx_level_mode mode;
        int32_t round;
    } cases[] = { { VFX_LEVELS_MIPMAP, VFX_LEVEL_ROUND_DOWN },
                  { VFX_LEVELS_RIPMAP, VFX_LEVEL_ROUND_DOWN },
                  { VFX_LEVELS_RIPMAP, VFX_LEVEL_ROUND_UP },
                  { VFX_LEVELS_MIPMAP, VFX_LEVEL_ROUND_UP } };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *path = test_tmp("levels.exr");
        write_levels_by_hand(path, cases[k].mode, cases[k].round);
        vfx_reader *r = NULL;
        assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
        vfx_level_mode m;
        int32_t nx, ny;
        assert_int_equal(VFX_OK, vfx_reader_levels(r, 0, &m, &nx, &ny));
        assert_int_equal(cases[k].mode, m);
        for (int32_t ly = 0; ly < ny; ly++)
            for (int32_t lx = 0; lx < nx; lx++) {
                if (m == VFX_LEVELS_MIPMAP && lx != ly)
                    continue;
                float *px = NULL;
                vfx_rect rc;
                int32_t nc;
                assert_int_equal(VFX_OK, read_level_f32(r, 0, lx, ly, &px, &rc, &nc));
                size_t bad = 0;
                for (int32_t y = rc.y0; y < rc.y1; y++)
                    for (int32_t x = rc.x0; x < rc.x1; x++)
                        for (int c = 0; c < NC; c++)
                            bad += px[((size_t) (y - rc.y0) * (size_t) vfx_rect_width(rc) +
                                       (size_t) (x - rc.x0)) * NC + (size_t) c] !=
                                   level_value(x, y, c, lx, ly);
                if (bad)
                    fail_msg("case %zu level (%d, %d): %zu values differ", k, lx, ly, bad);
                free(px);
            }
        vfx_reader_close(r);
        /* exrheader (OpenEXR's C++ library) agrees on the layout */
        char cmd[4400];
        snprintf(cmd, sizeof cmd, "exrheader '%s' 2>&1", path);
        if (test_have_tool("exrheader")) {
            static char out[16384];
            assert_int_equal(0, test_run(cmd, out, sizeof out));
            assert_non_null(strstr(out, cases[k].mode == VFX_LEVELS_MIPMAP ? "mip-map" : "rip-map"));
            assert_non_null(strstr(out, cases[k].round ? "rounded up" : "rounded down"));
            assert_non_null(strstr(out, "tile size 16 by 8"));
        }
    }

    /* wrong uses */
    const char *path = test_tmp("levels_bad.exr");
    vfx_spec sp;
    make_spec(&sp, VFX_PIXEL_F32);
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    vfx_writer *w = NULL;
    o.levels = VFX_LEVELS_MIPMAP; /* scanline: no levels */
    assert_int_equal(VFX_ERR_ARG, vfx_writer_open(path, &sp, &o, &w));
    assert_null(w);
    o.tile_w = o.tile_h = 16;
    o.level_round = 7;
    assert_int_equal(VFX_ERR_ARG, vfx_writer_open(path, &sp, &o, &w));
    o.level_round = VFX_LEVEL_ROUND_DOWN;
    assert_int_equal(VFX_OK, vfx_writer_open(path, &sp, &o, &w));
    assert_int_equal(VFX_ERR_ARG, vfx_writer_set_level(w, 1, 2)); /* a MIP map has (l, l) */
    assert_int_equal(VFX_ERR_ARG, vfx_writer_set_level(w, 9, 9));
    float tile[16 * 16 * NC] = { 0 };
    assert_int_equal(VFX_OK, vfx_writer_set_level(w, 6, 6)); /* 1 x 1 */
    assert_int_equal(VFX_OK, vfx_writer_write_rect(w, vfx_rect_make(X0, Y0, 1, 1), VFX_PIXEL_F32,
                                                   tile, 4 * NC, 4 * NC));
    assert_int_equal(VFX_ERR_ARG, vfx_writer_write_rect(w, vfx_rect_make(X0, Y0, 2, 1),
                                                        VFX_PIXEL_F32, tile, 4 * NC, 4 * NC));
    /* levels 0..5 missing: nothing is created */
    assert_int_equal(VFX_ERR_STATE, vfx_writer_close(w, 0));
    assert_int_equal(-1, access(path, F_OK));
    vfx_spec_clear(&sp);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_every_compression_type_layout),
        cmocka_unit_test(failed_or_incomplete_writes_leave_the_old_file),
        cmocka_unit_test(attributes_round_trip_with_types),
        cmocka_unit_test(incompressible_chunks_are_stored_raw),
        cmocka_unit_test(levels_write_and_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
