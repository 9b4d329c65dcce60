/* Multi-part EXR writing through the low-level writer: each part with its own channels,
 * pixel type, data window, compression and layout, written interleaved; read back by our
 * reader (exact for float / uint, half-rounded for half) and listed by exrheader; refusals
 * and incomplete files leave nothing behind. (tests/io/test_exr_parts.sh covers the file
 * sink, the CLI and oiiotool.) */
#include <dirent.h>
#include <unistd.h>

#include "io_test_util.h"
#include "vfx/io.h"

#define NP 3
static const char *const names[NP] = { "beauty", NULL, "depth" };
static const char *const chans[NP] = { "R,G,B,A", "Y", "Z" };
static const vfx_pixel_type types[NP] = { VFX_PIXEL_HALF, VFX_PIXEL_U32, VFX_PIXEL_F32 };
static const char *const comps[NP] = { "zip", "rle", "piz" };
static const int tiles[NP] = { 0, 0, 16 };

static vfx_rect
part_rect(int i)
{
    return i == 0 ? vfx_rect_make(-3, 5, 67, 45) : i == 1 ? vfx_rect_make(0, 0, 20, 30)
                                                          : vfx_rect_make(10, -4, 40, 33);
}

static float
value(int i, int x, int y, int c)
{
    return i == 1 ? (float) ((x * 7 + y * 13) % 1000) : sinf((float) (x + 3 * c) * 0.2f) * 4.0f + (float) y * 0.5f;
}

static void
make_specs(vfx_spec *sp)
{
    for (int i = 0; i < NP; i++) {
        sp[i] = (vfx_spec) VFX_SPEC_INIT;
        vfx_rect r = part_rect(i);
        assert_int_equal(VFX_OK, vfx_spec_init_simple(&sp[i], (int32_t) vfx_rect_width(r),
                                                      (int32_t) vfx_rect_height(r), chans[i],
                                                      types[i]));
        sp[i].data = r;
        sp[i].display = vfx_rect_make(0, 0, 64, 48);
        if (names[i])
            assert_int_equal(VFX_OK, vfx_attrs_set_string(sp[i].attrs, "openexr:name", names[i]));
    }
    /* part 1 is the right view, part 0 the left: a multi-view file */
    assert_int_equal(VFX_OK, vfx_attrs_set_string(sp[0].attrs, "openexr:view", "left"));
    assert_int_equal(VFX_OK, vfx_attrs_set_string(sp[1].attrs, "openexr:view", "right"));
}

static int
count_temp_files(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".vfx-") != NULL;
    if (d)
        closedir(d);
    return n;
}

/* Write part @p i whole, as float rows (strips) or tiles (last to first). */
static void
write_part(vfx_writer *w, int i, const vfx_spec *sp)
{
    assert_int_equal(VFX_OK, vfx_writer_set_part(w, i));
    vfx_rect d = sp->data;
    int nc = vfx_channels_count(sp->channels);
    int ww = (int) vfx_rect_width(d), hh = (int) vfx_rect_height(d);
    float *buf = malloc(sizeof(float) * (size_t) (ww * hh * nc));
    for (int y = 0; y < hh; y++)
        for (int x = 0; x < ww; x++)
            for (int c = 0; c < nc; c++)
                buf[(y * ww + x) * nc + c] = value(i, d.x0 + x, d.y0 + y, c);
    /* a uint part is given uint32 values (floats would be clamped to 0..1 as colour) */
    vfx_pixel_type in = types[i] == VFX_PIXEL_U32 ? VFX_PIXEL_U32 : VFX_PIXEL_F32;
    if (in == VFX_PIXEL_U32)
        for (int k = 0; k < ww * hh * nc; k++) {
            uint32_t u = (uint32_t) buf[k];
            memcpy(&buf[k], &u, 4);
        }
    vfx_chunking ch;
    assert_int_equal(VFX_OK, vfx_writer_chunking(w, &ch));
    ptrdiff_t xs = (ptrdiff_t) sizeof(float) * nc, ys = xs * ww;
    if (ch.access == VFX_ACCESS_RANDOM_TILES) {
        assert_int_equal(tiles[i], ch.chunk_w);
        for (int k = ch.n_x * ch.n_y - 1; k >= 0; k--) {
            vfx_rect t = vfx_rect_make(d.x0 + (k % ch.n_x) * ch.chunk_w,
                                       d.y0 + (k / ch.n_x) * ch.chunk_h, ch.chunk_w, ch.chunk_h);
            t = vfx_rect_intersect(t, d);
            const float *p = buf + ((t.y0 - d.y0) * ww + (t.x0 - d.x0)) * nc;
            vfx_status ws = vfx_writer_write_rect(w, t, in, p, xs, ys);
            if (ws != VFX_OK)
                fail_msg("%s", vfx_error_message());
        }
    } else {
        for (int y = 0; y < hh; y += 7) {
            vfx_rect r = { d.x0, d.y0 + y, d.x1, d.y0 + (y + 7 < hh ? y + 7 : hh) };
            assert_int_equal(VFX_OK, vfx_writer_write_rect(w, r, in, buf + y * ww * nc, xs, ys));
        }
    }
    free(buf);
}

static void
parts_with_their_own_options_round_trip(void **state)
{
    (void) state;
    vfx_spec sp[NP];
    make_specs(sp);
    vfx_write_options o[NP];
    const vfx_write_options *op[NP];
    for (int i = 0; i < NP; i++) {
        o[i] = (vfx_write_options) VFX_WRITE_OPTIONS_INIT;
        o[i].compression = comps[i];
        o[i].tile_w = o[i].tile_h = tiles[i];
        op[i] = &o[i];
    }
    char path[1024];
    snprintf(path, sizeof path, "%s", test_tmp("parts.exr"));
    vfx_writer *w = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open_parts(path, NP, sp, op, &w));
    assert_int_equal(NP, vfx_writer_part_count(w));
    assert_int_equal(VFX_ERR_ARG, vfx_writer_set_part(w, NP));
    /* parts in order, each complete before the next (OpenEXR's layout) */
    assert_int_equal(VFX_ERR_ARG, vfx_writer_set_part(w, 1)); /* part 0 not written yet */
    write_part(w, 0, &sp[0]);
    assert_int_equal(VFX_ERR_ARG, vfx_writer_set_part(w, 2)); /* part 1 skipped */
    write_part(w, 1, &sp[1]);
    write_part(w, 2, &sp[2]);
    assert_int_equal(VFX_ERR_ARG, vfx_writer_set_part(w, 1)); /* no going back */
    assert_int_equal(VFX_OK, vfx_writer_close(w, 0));

    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    assert_int_equal(NP, vfx_reader_part_count(r));
    assert_string_equal("beauty", vfx_reader_part_name(r, 0));
    assert_string_equal("right", vfx_reader_part_name(r, 1)); /* unnamed: its view */
    assert_string_equal("depth", vfx_reader_part_name(r, 2));
    assert_string_equal("left", vfx_reader_part_view(r, 0));
    assert_string_equal("right", vfx_reader_part_view(r, 1));
    for (int i = 0; i < NP; i++) {
        const vfx_spec *rs;
        assert_int_equal(VFX_OK, vfx_reader_spec(r, i, &rs));
        assert_int_equal(0, memcmp(&rs->data, &sp[i].data, sizeof rs->data));
        vfx_channel_info ci;
        assert_int_equal(VFX_OK, vfx_channels_get(rs->channels, 0, &ci));
        assert_int_equal(types[i], ci.type);
        const vfx_attr_value *c = vfx_attrs_get(rs->attrs, "compression");
        assert_non_null(c);
        assert_string_equal(comps[i], c->u.s);
        vfx_chunking ch;
        assert_int_equal(VFX_OK, vfx_reader_chunking(r, i, 0, 0, &ch));
        assert_int_equal(tiles[i] ? VFX_ACCESS_RANDOM_TILES : VFX_ACCESS_RANDOM_STRIPS,
                         ch.access);
        float *px = NULL;
        vfx_rect rc = { 0, 0, 0, 0 };
        int32_t nc = 0;
        assert_int_equal(VFX_OK, read_level_f32(r, i, 0, 0, &px, &rc, &nc));
        if (types[i] == VFX_PIXEL_U32) /* read the uint part as uint32, not as colour */
            assert_int_equal(VFX_OK, vfx_reader_read_rect(r, i, 0, 0, rc, NULL, 0, VFX_PIXEL_U32,
                                                          px, 4 * nc, 4 * nc * vfx_rect_width(rc)));
        size_t bad = 0;
        int ww = (int) vfx_rect_width(rc);
        for (int y = rc.y0; y < rc.y1; y++)
            for (int x = rc.x0; x < rc.x1; x++)
                for (int k = 0; k < nc; k++) {
                    float want = value(i, x, y, k), got = px[((y - rc.y0) * ww + x - rc.x0) * nc + k];
                    if (types[i] == VFX_PIXEL_U32) {
                        uint32_t u;
                        memcpy(&u, &px[((y - rc.y0) * ww + x - rc.x0) * nc + k], 4);
                        got = (float) u;
                    }
                    double tol = types[i] == VFX_PIXEL_HALF ? fabs(want) / 1024.0 + 1e-3 : 0.0;
                    bad += fabs((double) got - want) > tol;
                }
        free(px);
        if (bad)
            fail_msg("part %d: %zu values differ", i, bad);
    }
    vfx_reader_close(r);

    /* OpenEXR's own reading: exrheader lists the three parts, their types and names */
    char out[16384];
    if (run_fmt(out, sizeof out, "exrheader '%s'", path) == 0) {
        assert_non_null(strstr(out, "name (type string): \"beauty\""));
        assert_non_null(strstr(out, "name (type string): \"right\""));
        assert_non_null(strstr(out, "type (type string): \"tiledimage\""));
        assert_non_null(strstr(out, "Y, 32-bit unsigned integer"));
        assert_non_null(strstr(out, "compression (type compression): run-length encoding"));
    } else {
        fail_msg("exrheader cannot read %s: %s", path, out);
    }
    for (int i = 0; i < NP; i++)
        vfx_spec_clear(&sp[i]);
}

static void
refusals_and_incomplete_files_leave_nothing(void **state)
{
    (void) state;
    vfx_spec sp[NP];
    make_specs(sp);
    char path[1024], dir[1024];
    snprintf(path, sizeof path, "%s", test_tmp("parts_bad.exr"));
    snprintf(dir, sizeof dir, "%s", test_tmp(""));
    int before = count_temp_files(dir); /* an aborted earlier run may have left some */
    vfx_writer *w = (vfx_writer *) 1;
    /* a format without parts */
    char png[1024];
    snprintf(png, sizeof png, "%s", test_tmp("parts.png"));
    assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_writer_open_parts(png, 2, sp, NULL, &w));
    assert_null(w);
    /* duplicate names */
    assert_int_equal(VFX_OK, vfx_attrs_set_string(sp[2].attrs, "openexr:name", "beauty"));
    assert_int_equal(VFX_ERR_ARG, vfx_writer_open_parts(path, NP, sp, NULL, &w));
    assert_null(w);
    assert_int_equal(VFX_OK, vfx_attrs_set_string(sp[2].attrs, "openexr:name", "depth"));
    /* RIP levels in a multi-part file */
    vfx_write_options rip = VFX_WRITE_OPTIONS_INIT;
    rip.tile_w = rip.tile_h = 16;
    rip.levels = VFX_LEVELS_RIPMAP;
    const vfx_write_options *op[NP] = { NULL, NULL, &rip };
    assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_writer_open_parts(path, NP, sp, op, &w));
    /* the last part missing: no file */
    assert_int_equal(VFX_OK, vfx_writer_open_parts(path, NP, sp, NULL, &w));
    write_part(w, 0, &sp[0]);
    write_part(w, 1, &sp[1]);
    assert_int_equal(VFX_ERR_STATE, vfx_writer_close(w, 0));
    assert_int_equal(-1, access(path, F_OK));
    /* a cancelled write: no file */
    assert_int_equal(VFX_OK, vfx_writer_open_parts(path, NP, sp, NULL, &w));
    write_part(w, 0, &sp[0]);
    vfx_status cs = vfx_writer_close(w, 1);
    if (cs != VFX_OK)
        fail_msg("close: %s", vfx_error_message());
    assert_int_equal(-1, access(path, F_OK));
    assert_int_equal(before, count_temp_files(dir));
    for (int i = 0; i < NP; i++)
        vfx_spec_clear(&sp[i]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parts_with_their_own_options_round_trip),
        cmocka_unit_test(refusals_and_incomplete_files_leave_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
