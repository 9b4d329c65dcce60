#include "test_util.h"

static void
rect_intersect_disjoint_is_empty(void **state)
{
    (void) state;
    vfx_rect a = { 0, 0, 10, 10 }, b = { 20, 20, 30, 30 };
    assert_true(vfx_rect_is_empty(vfx_rect_intersect(a, b)));
    assert_true(vfx_rect_equal(vfx_rect_intersect(a, b), VFX_RECT_EMPTY));
}

static void
rect_intersect_overlap(void **state)
{
    (void) state;
    vfx_rect a = { -5, -5, 10, 10 }, b = { 3, -20, 30, 4 };
    vfx_rect r = vfx_rect_intersect(a, b);
    assert_int_equal(r.x0, 3);
    assert_int_equal(r.y0, -5);
    assert_int_equal(r.x1, 10);
    assert_int_equal(r.y1, 4);
    assert_int_equal(vfx_rect_area(r), 7 * 9);
}

static void
rect_union_ignores_empty(void **state)
{
    (void) state;
    vfx_rect a = { 1, 2, 3, 4 }, e = { 50, 50, 40, 60 };
    assert_true(vfx_rect_equal(vfx_rect_union(a, e), a));
    assert_true(vfx_rect_equal(vfx_rect_union(e, a), a));
    vfx_rect b = { -10, 3, 0, 9 };
    vfx_rect u = vfx_rect_union(a, b);
    assert_int_equal(u.x0, -10);
    assert_int_equal(u.y0, 2);
    assert_int_equal(u.x1, 3);
    assert_int_equal(u.y1, 9);
}

static void
rect_infinite_is_stable(void **state)
{
    (void) state;
    vfx_rect inf = VFX_RECT_INFINITE;
    assert_true(vfx_rect_is_infinite(inf));
    assert_false(vfx_rect_is_empty(inf));
    assert_true(vfx_rect_equal(vfx_rect_grow(inf, 100, 100), inf));
    assert_true(vfx_rect_equal(vfx_rect_grow(inf, -100, -100), inf));
    assert_true(vfx_rect_equal(vfx_rect_translate(inf, INT32_MAX, INT32_MIN), inf));
    assert_true(vfx_rect_equal(vfx_rect_union(inf, (vfx_rect){ 0, 0, 5, 5 }), inf));
    assert_int_equal(vfx_rect_area(inf), INT64_MAX);
    assert_int_equal(vfx_rect_width(inf), (int64_t) INT32_MAX - INT32_MIN);
    /* clipping an infinite RoD to a display window gives the window */
    vfx_rect disp = { 0, 0, 1920, 1080 };
    assert_true(vfx_rect_equal(vfx_rect_clip(inf, disp), disp));
}

static void
rect_half_infinite_edges(void **state)
{
    (void) state;
    vfx_rect r = { VFX_COORD_MIN, 0, 100, VFX_COORD_MAX };
    vfx_rect g = vfx_rect_grow(r, 10, 10);
    assert_int_equal(g.x0, VFX_COORD_MIN);
    assert_int_equal(g.y0, -10);
    assert_int_equal(g.x1, 110);
    assert_int_equal(g.y1, VFX_COORD_MAX);
    vfx_rect t = vfx_rect_translate(r, -50, 7);
    assert_int_equal(t.x0, VFX_COORD_MIN);
    assert_int_equal(t.x1, 50);
    assert_int_equal(t.y0, 7);
}

static void
rect_saturates_instead_of_overflowing(void **state)
{
    (void) state;
    vfx_rect r = { INT32_MAX - 10, INT32_MAX - 10, INT32_MAX - 5, INT32_MAX - 5 };
    vfx_rect t = vfx_rect_translate(r, 100, 100);
    assert_true(vfx_rect_is_empty(t)); /* pushed off the end: nothing left */
    vfx_rect m = vfx_rect_make(INT32_MAX - 3, 0, 100, 1);
    assert_int_equal(m.x1, INT32_MAX);
    vfx_rect s = vfx_rect_grow((vfx_rect){ 0, 0, 10, 10 }, -6, 0);
    assert_true(vfx_rect_is_empty(s));
}

static void
rect_contains(void **state)
{
    (void) state;
    vfx_rect o = { 0, 0, 10, 10 };
    assert_true(vfx_rect_contains(o, (vfx_rect){ 2, 2, 10, 10 }));
    assert_false(vfx_rect_contains(o, (vfx_rect){ 2, 2, 11, 10 }));
    assert_true(vfx_rect_contains(o, VFX_RECT_EMPTY));
    assert_true(vfx_rect_contains_point(o, 0, 9));
    assert_false(vfx_rect_contains_point(o, 10, 0));
    assert_true(vfx_rect_contains(VFX_RECT_INFINITE, o));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rect_intersect_disjoint_is_empty),
        cmocka_unit_test(rect_intersect_overlap),
        cmocka_unit_test(rect_union_ignores_empty),
        cmocka_unit_test(rect_infinite_is_stable),
        cmocka_unit_test(rect_half_infinite_edges),
        cmocka_unit_test(rect_saturates_instead_of_overflowing),
        cmocka_unit_test(rect_contains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
