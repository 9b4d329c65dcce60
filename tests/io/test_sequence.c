/* Sequences and UDIM: pattern tokens, frame ranges (steps, lists, negative frames, counting
 * down), expansion to paths, folder scans that find exactly the files a pattern makes, and
 * oiiotool-style implicit ranges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

static void
frame_path_is(const char *pattern, int32_t frame, const char *want)
{
    vfx_seq_pattern *p = NULL;
    assert_int_equal(VFX_OK, vfx_seq_pattern_parse(pattern, &p));
    assert_int_equal(VFX_SEQ_FRAME, vfx_seq_pattern_kind(p));
    char buf[256];
    assert_int_equal(VFX_OK, vfx_seq_frame_path(p, frame, buf, sizeof buf));
    assert_string_equal(want, buf);
    vfx_seq_pattern_free(p);
}

static void
tile_path_is(const char *pattern, int32_t u, int32_t v, const char *want)
{
    vfx_seq_pattern *p = NULL;
    assert_int_equal(VFX_OK, vfx_seq_pattern_parse(pattern, &p));
    assert_int_equal(VFX_SEQ_TILE, vfx_seq_pattern_kind(p));
    char buf[256];
    assert_int_equal(VFX_OK, vfx_seq_tile_path(p, u, v, buf, sizeof buf));
    assert_string_equal(want, buf);
    vfx_seq_pattern_free(p);
}

static void
frame_tokens(void **state)
{
    (void) state;
    frame_path_is("img.#.exr", 42, "img.0042.exr");
    frame_path_is("img.####.exr", 42, "img.0042.exr");
    frame_path_is("img.######.exr", 42, "img.000042.exr");
    frame_path_is("img.@@@.exr", 7, "img.007.exr");
    frame_path_is("img.@.exr", 7, "img.7.exr");
    frame_path_is("img.%04d.exr", 123, "img.0123.exr");
    frame_path_is("img.%d.exr", 123, "img.123.exr");
    frame_path_is("img.####.exr", 123456, "img.123456.exr"); /* never cut */
    frame_path_is("img.%04d.exr", -5, "img.-005.exr");       /* printf: sign in the width */
    frame_path_is("img.#.exr", -12, "img.-012.exr");
    frame_path_is("a#/b.#.exr", 3, "a0003/b.0003.exr");       /* every token, same frame */
    frame_path_is("100%%_#.tif", 1, "100%_0001.tif");
}

static void
tile_tokens(void **state)
{
    (void) state;
    tile_path_is("diff.<UDIM>.tx", 0, 0, "diff.1001.tx");
    tile_path_is("diff.<UDIM>.tx", 9, 0, "diff.1010.tx");
    tile_path_is("diff.<UDIM>.tx", 3, 2, "diff.1024.tx");
    tile_path_is("diff_<u>_<v>.tx", 3, 2, "diff_3_2.tx");
    tile_path_is("diff_<U>_<V>.tx", 3, 2, "diff_4_3.tx");
    tile_path_is("diff_<uvtile>.tx", 3, 2, "diff_u3_v2.tx");
    tile_path_is("diff_<UVTILE>.tx", 0, 0, "diff_u1_v1.tx");
    vfx_seq_pattern *p = NULL;
    assert_int_equal(VFX_OK, vfx_seq_pattern_parse("d.<UDIM>.tx", &p));
    char buf[64];
    assert_int_equal(VFX_ERR_ARG, vfx_seq_tile_path(p, 10, 0, buf, sizeof buf));
    assert_int_equal(VFX_ERR_ARG, vfx_seq_frame_path(p, 1, buf, sizeof buf));
    assert_int_equal(VFX_ERR_LIMIT, vfx_seq_tile_path(p, 1, 0, buf, 5));
    vfx_seq_pattern_free(p);
}

static void
bad_patterns(void **state)
{
    (void) state;
    vfx_seq_pattern *p = NULL;
    assert_int_equal(VFX_ERR_ARG, vfx_seq_pattern_parse("a.#.<UDIM>.exr", &p));
    assert_null(p);
    assert_non_null(strstr(vfx_error_message(), "mixes"));
    assert_int_equal(VFX_ERR_ARG, vfx_seq_pattern_parse("a.<UDIMM>.exr", &p));
    assert_non_null(strstr(vfx_error_message(), "<UDIMM>"));
    assert_int_equal(VFX_ERR_ARG, vfx_seq_pattern_parse("a.%4d.exr", &p));
    assert_int_equal(VFX_ERR_ARG, vfx_seq_pattern_parse("a.%s.exr", &p));
    assert_int_equal(VFX_OK, vfx_seq_pattern_parse("plain.exr", &p));
    assert_int_equal(VFX_SEQ_NONE, vfx_seq_pattern_kind(p));
    vfx_seq_pattern_free(p);
    assert_true(vfx_seq_is_pattern("a.####.exr"));
    assert_true(vfx_seq_is_pattern("a.<UDIM>.exr"));
    assert_false(vfx_seq_is_pattern("a.0001.exr"));
    assert_false(vfx_seq_is_pattern("a<b>.exr"));
}

static void
range_is(const char *range, const int32_t *want, int32_t n_want)
{
    int32_t *f = NULL, n = -1;
    vfx_status s = vfx_seq_parse_range(range, &f, &n);
    if (s != VFX_OK)
        fail_msg("%s: %s", range, vfx_error_message());
    assert_int_equal(n_want, n);
    for (int32_t i = 0; i < n; i++)
        if (f[i] != want[i])
            fail_msg("%s: frame %d is %d, want %d", range, i, f[i], want[i]);
    vfx_seq_free(f);
}

static void
frame_ranges(void **state)
{
    (void) state;
    range_is("7", (const int32_t[]){ 7 }, 1);
    range_is("1-5", (const int32_t[]){ 1, 2, 3, 4, 5 }, 5);
    range_is("1-10x3", (const int32_t[]){ 1, 4, 7, 10 }, 4);
    range_is("1-10y3", (const int32_t[]){ 2, 3, 5, 6, 8, 9 }, 6);
    range_is("1,3,5-9", (const int32_t[]){ 1, 3, 5, 6, 7, 8, 9 }, 7);
    range_is("5-1", (const int32_t[]){ 5, 4, 3, 2, 1 }, 5);
    range_is("10-1x4", (const int32_t[]){ 10, 6, 2 }, 3);
    range_is("-3-2", (const int32_t[]){ -3, -2, -1, 0, 1, 2 }, 6);
    range_is("-10--8", (const int32_t[]){ -10, -9, -8 }, 3);
    range_is("-2", (const int32_t[]){ -2 }, 1);
    int32_t *f = NULL, n = 0;
    assert_int_equal(VFX_OK, vfx_seq_parse_range("1-100x2", &f, &n));
    assert_int_equal(50, n);
    assert_int_equal(1, f[0]);
    assert_int_equal(99, f[49]);
    vfx_seq_free(f);
    static const char *const bad[] = { "", "a", "1-", "1-5x0", "1-5x-2", "1,,2", "1-5z2",
                                       "1..5", "99999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f = NULL;
        assert_int_equal(VFX_ERR_ARG, vfx_seq_parse_range(bad[i], &f, &n));
        assert_null(f);
    }
    assert_int_equal(VFX_ERR_LIMIT, vfx_seq_parse_range("0-2000000000", &f, &n));
    assert_null(f);
}

static void
expand_to_paths(void **state)
{
    (void) state;
    vfx_seq_pattern *p = NULL;
    assert_int_equal(VFX_OK, vfx_seq_pattern_parse("shot/beauty.%04d.exr", &p));
    vfx_seq_item *it = NULL;
    int32_t n = 0;
    assert_int_equal(VFX_OK, vfx_seq_expand(p, "8-12x2,-1", &it, &n));
    assert_int_equal(4, n);
    assert_string_equal("shot/beauty.0008.exr", it[0].path);
    assert_string_equal("shot/beauty.0010.exr", it[1].path);
    assert_string_equal("shot/beauty.0012.exr", it[2].path);
    assert_string_equal("shot/beauty.-001.exr", it[3].path);
    assert_int_equal(-1, it[3].frame);
    vfx_seq_items_free(it, n);
    vfx_seq_pattern_free(p);
}

static void
touch(const char *dir, const char *name)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
}

static void
scan_folder(void **state)
{
    (void) state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", test_tmp("seqscan"));
    mkdir(dir, 0755);
    const char *names[] = { "r.0001.exr", "r.0003.exr", "r.0010.exr", "r.-002.exr",
                            "r.12345.exr", "r.42.exr",  "r.0002.exr.tmp", "q.0004.exr",
                            "t.1001.tx", "t.1012.tx", "t.1002.tx", "t.0999.tx", "m_u1_v1.tx",
                            "m_u3_v2.tx", "m_u0_v1.tx" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        touch(dir, names[i]);
    char pat[8192];
    vfx_seq_pattern *p = NULL;
    vfx_seq_item *it = NULL;
    int32_t n = 0;
    snprintf(pat, sizeof pat, "%s/r.####.exr", dir);
    assert_int_equal(VFX_OK, vfx_seq_pattern_parse(pat, &p));
    assert_int_equal(VFX_OK, vfx_seq_scan(p, &it, &n));
    /* -2, 1, 3, 10, 12345; not "r.42.exr" (not 4 digits) nor the .tmp file */
    assert_int_equal(5, n);
    const int32_t want[] = { -2, 1, 3, 10, 12345 };
    for (int32_t i = 0; i < n; i++)
        assert_int_equal(want[i], it[i].frame);
    assert_non_null(strstr(it[1].path, "/r.0001.exr"));
    vfx_seq_items_free(it, n);
    vfx_seq_pattern_free(p);

    snprintf(pat, sizeof pat, "%s/t.<UDIM>.tx", dir);
    assert_int_equal(VFX_OK, vfx_seq_pattern_parse(pat, &p));
    assert_int_equal(VFX_OK, vfx_seq_scan(p, &it, &n));
    assert_int_equal(3, n); /* 1001, 1002, 1012 sorted by v then u; 0999 is no UDIM */
    assert_int_equal(0, it[0].u);
    assert_int_equal(0, it[0].v);
    assert_int_equal(1, it[1].u);
    assert_int_equal(1, it[2].u);
    assert_int_equal(1, it[2].v);
    vfx_seq_items_free(it, n);
    vfx_seq_pattern_free(p);

    snprintf(pat, sizeof pat, "%s/m_<UVTILE>.tx", dir);
    assert_int_equal(VFX_OK, vfx_seq_pattern_parse(pat, &p));
    assert_int_equal(VFX_OK, vfx_seq_scan(p, &it, &n));
    assert_int_equal(2, n); /* u1_v1 -> (0,0), u3_v2 -> (2,1); u0 is not 1-based */
    assert_int_equal(0, it[0].u);
    assert_int_equal(2, it[1].u);
    assert_int_equal(1, it[1].v);
    vfx_seq_items_free(it, n);
    vfx_seq_pattern_free(p);

    snprintf(pat, sizeof pat, "%s/none.####.exr", dir);
    assert_int_equal(VFX_OK, vfx_seq_pattern_parse(pat, &p));
    assert_int_equal(VFX_OK, vfx_seq_scan(p, &it, &n));
    assert_int_equal(0, n);
    vfx_seq_pattern_free(p);

    snprintf(pat, sizeof pat, "%s/missing/r.####.exr", dir);
    assert_int_equal(VFX_OK, vfx_seq_pattern_parse(pat, &p));
    assert_int_equal(VFX_ERR_IO, vfx_seq_scan(p, &it, &n));
    assert_non_null(strstr(vfx_error_message(), "missing"));
    vfx_seq_pattern_free(p);
}

static void
implicit_ranges(void **state)
{
    (void) state;
    static const struct {
        const char *arg, *pattern, *range;
    } cases[] = {
        { "img.1-10#.exr", "img.#.exr", "1-10" },
        { "img.1-100x2####.exr", "img.####.exr", "1-100x2" },
        { "img.1,3,5-9@@@@.tif", "img.@@@@.tif", "1,3,5-9" },
        { "img.-5-5#.exr", "img.#.exr", "-5-5" },
        { "shot-1-3#.exr", "shot-#.exr", "1-3" },
        { "img.#.exr", "img.#.exr", NULL },
        { "v2_#.exr", "v2_#.exr", NULL },
        { "plain.exr", "plain.exr", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *pat = NULL, *range = NULL;
        assert_int_equal(VFX_OK, vfx_seq_split_implicit(cases[i].arg, &pat, &range));
        assert_string_equal(cases[i].pattern, pat);
        if (cases[i].range)
            assert_string_equal(cases[i].range, range);
        else if (range)
            fail_msg("%s: unexpected range \"%s\"", cases[i].arg, range);
        vfx_seq_free(pat);
        vfx_seq_free(range);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frame_tokens),   cmocka_unit_test(tile_tokens),
        cmocka_unit_test(bad_patterns),   cmocka_unit_test(frame_ranges),
        cmocka_unit_test(expand_to_paths), cmocka_unit_test(scan_folder),
        cmocka_unit_test(implicit_ranges),
    };
    return cmocka_run_group_tests_name("sequence", tests, NULL, NULL);
}
