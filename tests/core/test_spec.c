#include <string.h>

#include "test_util.h"

static void
init_simple(void **state)
{
    (void) state;
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, 1920, 1080, "R,G,B,A", VFX_PIXEL_HALF), VFX_OK);
    assert_int_equal(s.data.x0, 0);
    assert_int_equal(s.data.y0, 0);
    assert_int_equal(s.data.x1, 1920);
    assert_int_equal(s.data.y1, 1080);
    assert_true(vfx_rect_equal(s.data, s.display));
    assert_non_null(s.channels);
    assert_non_null(s.attrs);
    assert_int_equal(vfx_attrs_count(s.attrs), 0);
    assert_int_equal(vfx_channels_count(s.channels), 4);
    vfx_channel_info ci;
    assert_int_equal(vfx_channels_get(s.channels, 3, &ci), VFX_OK);
    assert_string_equal(ci.name, "A");
    assert_int_equal(ci.type, VFX_PIXEL_HALF);
    assert_int_equal(ci.role, VFX_ROLE_ALPHA);
    vfx_spec_clear(&s);
    assert_null(s.channels);
    assert_null(s.attrs);
    assert_true(vfx_rect_equal(s.data, VFX_RECT_EMPTY));
    assert_true(vfx_rect_equal(s.display, VFX_RECT_EMPTY));
    vfx_spec_clear(&s); /* twice is fine */
    vfx_spec_clear(NULL);

    assert_int_equal(vfx_spec_init_simple(&s, 0, 0, "Y", VFX_PIXEL_U8), VFX_OK);
    assert_true(vfx_rect_is_empty(s.data));
    assert_int_equal(vfx_channels_count(s.channels), 1);
    vfx_spec_clear(&s);
}

static void
init_simple_rejects_bad_input(void **state)
{
    (void) state;
    vfx_spec s = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&s, -1, 10, "R", VFX_PIXEL_HALF), VFX_ERR_ARG);
    assert_null(s.channels);
    assert_int_equal(vfx_spec_init_simple(&s, 10, -1, "R", VFX_PIXEL_HALF), VFX_ERR_ARG);
    assert_int_equal(vfx_spec_init_simple(&s, 10, 10, "R,R", VFX_PIXEL_HALF), VFX_ERR_ARG);
    assert_null(s.channels);
    assert_null(s.attrs);
    assert_int_equal(vfx_spec_init_simple(&s, 10, 10, "", VFX_PIXEL_HALF), VFX_ERR_ARG);
    assert_int_equal(vfx_spec_init_simple(&s, 10, 10, NULL, VFX_PIXEL_HALF), VFX_ERR_ARG);
    assert_int_equal(vfx_spec_init_simple(&s, 10, 10, "R", VFX_PIXEL_UNKNOWN), VFX_ERR_ARG);
    assert_null(s.channels);
    assert_null(s.attrs);
    assert_int_equal(vfx_spec_init_simple(NULL, 10, 10, "R", VFX_PIXEL_HALF), VFX_ERR_ARG);
}

static void
copy_is_deep(void **state)
{
    (void) state;
    vfx_spec a = VFX_SPEC_INIT, b = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_init_simple(&a, 64, 32, "R,G,B", VFX_PIXEL_F32), VFX_OK);
    a.data = (vfx_rect){ -8, -4, 72, 36 };
    a.display = (vfx_rect){ 0, 0, 64, 32 };
    assert_int_equal(vfx_attrs_set_string(a.attrs, "colorspace", "ACEScg"), VFX_OK);
    assert_int_equal(vfx_attrs_set_int(a.attrs, "Orientation", 1), VFX_OK);
    assert_int_equal(vfx_spec_copy(&b, &a), VFX_OK);
    assert_true(vfx_rect_equal(b.data, a.data));
    assert_true(vfx_rect_equal(b.display, a.display));
    assert_ptr_not_equal(b.channels, a.channels);
    assert_ptr_not_equal(b.attrs, a.attrs);
    assert_true(vfx_channels_equal(a.channels, b.channels));
    assert_true(vfx_attrs_equal(a.attrs, b.attrs));
    /* changing one leaves the other alone */
    assert_int_equal(vfx_attrs_set_string(a.attrs, "colorspace", "sRGB"), VFX_OK);
    assert_int_equal(vfx_channels_rename(a.channels, 0, "X"), VFX_OK);
    const char *cs;
    assert_int_equal(vfx_attrs_get_string(b.attrs, "colorspace", &cs), VFX_OK);
    assert_string_equal(cs, "ACEScg");
    assert_int_equal(vfx_channels_find(b.channels, "R"), 0);
    vfx_spec_clear(&a);
    assert_int_equal(vfx_channels_count(b.channels), 3); /* survives the original */
    vfx_spec_clear(&b);
}

static void
copy_without_members(void **state)
{
    (void) state;
    /* a spec still being built: NULL channels and attributes copy as NULL */
    vfx_spec a = { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, NULL, NULL };
    vfx_spec b = VFX_SPEC_INIT;
    assert_int_equal(vfx_spec_copy(&b, &a), VFX_OK);
    assert_int_equal(b.data.x0, 1);
    assert_int_equal(b.data.y1, 4);
    assert_int_equal(b.display.x0, 5);
    assert_int_equal(b.display.y1, 8);
    assert_null(b.channels);
    assert_null(b.attrs);
    assert_int_equal(vfx_spec_copy(&b, &b), VFX_OK); /* self-copy is a no-op */
    assert_int_equal(b.data.x0, 1);
    assert_int_equal(vfx_spec_copy(NULL, &a), VFX_ERR_ARG);
    assert_int_equal(vfx_spec_copy(&b, NULL), VFX_ERR_ARG);
    vfx_spec_clear(&b);

    /* the infinite RoD survives a copy */
    a.data = VFX_RECT_INFINITE;
    assert_int_equal(vfx_spec_copy(&b, &a), VFX_OK);
    assert_true(vfx_rect_is_infinite(b.data));
    vfx_spec_clear(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_simple),
        cmocka_unit_test(init_simple_rejects_bad_input),
        cmocka_unit_test(copy_is_deep),
        cmocka_unit_test(copy_without_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
