#include <stdio.h>
#include <string.h>

#include "test_util.h"
#include "core/core_int.h"

static void
roles_from_names(void **state)
{
    (void) state;
    static const struct {
        const char      *name;
        vfx_channel_role role;
    } cases[] = {
        { "R", VFX_ROLE_COLOR },          { "G", VFX_ROLE_COLOR },
        { "B", VFX_ROLE_COLOR },          { "Y", VFX_ROLE_COLOR },
        { "RY", VFX_ROLE_COLOR },         { "BY", VFX_ROLE_COLOR },
        { "X", VFX_ROLE_COLOR },          { "r", VFX_ROLE_COLOR },
        { "red", VFX_ROLE_COLOR },        { "Green", VFX_ROLE_COLOR },
        { "diffuse.R", VFX_ROLE_COLOR },  { "a.b.c.B", VFX_ROLE_COLOR },
        { "A", VFX_ROLE_ALPHA },          { "a", VFX_ROLE_ALPHA },
        { "alpha", VFX_ROLE_ALPHA },      { "Alpha", VFX_ROLE_ALPHA },
        { "AR", VFX_ROLE_ALPHA },         { "AG", VFX_ROLE_ALPHA },
        { "AB", VFX_ROLE_ALPHA },         { "diffuse.A", VFX_ROLE_ALPHA },
        { "left.AR", VFX_ROLE_ALPHA },    { "Z", VFX_ROLE_DEPTH },
        { "z", VFX_ROLE_DEPTH },          { "depth", VFX_ROLE_DEPTH },
        { "deep.Z", VFX_ROLE_DEPTH },     { "ZBack", VFX_ROLE_DEPTH_BACK },
        { "deep.ZBack", VFX_ROLE_DEPTH_BACK },
        { "N", VFX_ROLE_OTHER },          { "id", VFX_ROLE_OTHER },
        { "A.foo", VFX_ROLE_OTHER },      { "R.", VFX_ROLE_OTHER },
        { "", VFX_ROLE_OTHER },           { "RA", VFX_ROLE_OTHER },
        { "AA", VFX_ROLE_OTHER },         { "alphas", VFX_ROLE_OTHER },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (vfx_channel_role_from_name(cases[i].name) != cases[i].role)
            fail_msg("role of \"%s\": got %d want %d", cases[i].name,
                     (int) vfx_channel_role_from_name(cases[i].name), (int) cases[i].role);
    }
    assert_int_equal(vfx_channel_role_from_name(NULL), VFX_ROLE_OTHER);
}

static void
add_get_find(void **state)
{
    (void) state;
    vfx_channels *c = NULL;
    assert_int_equal(vfx_channels_new(&c), VFX_OK);
    assert_non_null(c);
    assert_int_equal(vfx_channels_count(c), 0);
    assert_int_equal(vfx_channels_add(c, "R", VFX_PIXEL_HALF, 1, 1), VFX_OK);
    assert_int_equal(vfx_channels_add(c, "G", VFX_PIXEL_F32, 1, 1), VFX_OK);
    assert_int_equal(vfx_channels_add(c, "BY", VFX_PIXEL_HALF, 2, 2), VFX_OK);
    assert_int_equal(vfx_channels_add(c, "spec.A", VFX_PIXEL_U8, 1, 3), VFX_OK);
    assert_int_equal(vfx_channels_add(c, "Z", VFX_PIXEL_F64, 1, 1), VFX_OK);
    assert_int_equal(vfx_channels_count(c), 5);

    vfx_channel_info ci;
    assert_int_equal(vfx_channels_get(c, 2, &ci), VFX_OK);
    assert_string_equal(ci.name, "BY");
    assert_int_equal(ci.type, VFX_PIXEL_HALF);
    assert_int_equal(ci.x_sampling, 2);
    assert_int_equal(ci.y_sampling, 2);
    assert_int_equal(ci.role, VFX_ROLE_COLOR);
    assert_int_equal(ci.linear, 0);
    assert_int_equal(vfx_channels_get(c, 3, &ci), VFX_OK);
    assert_string_equal(ci.name, "spec.A");
    assert_int_equal(ci.type, VFX_PIXEL_U8);
    assert_int_equal(ci.x_sampling, 1);
    assert_int_equal(ci.y_sampling, 3);
    assert_int_equal(ci.role, VFX_ROLE_ALPHA);

    assert_int_equal(vfx_channels_get(c, 5, &ci), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_get(c, -1, &ci), VFX_ERR_ARG);

    assert_int_equal(vfx_channels_find(c, "G"), 1);
    assert_int_equal(vfx_channels_find(c, "Z"), 4);
    assert_int_equal(vfx_channels_find(c, "g"), -1);
    assert_int_equal(vfx_channels_find(c, "A"), -1);
    assert_int_equal(vfx_channels_find(NULL, "G"), -1);
    assert_int_equal(vfx_channels_find_role(c, VFX_ROLE_COLOR), 0);
    assert_int_equal(vfx_channels_find_role(c, VFX_ROLE_ALPHA), 3);
    assert_int_equal(vfx_channels_find_role(c, VFX_ROLE_DEPTH), 4);
    assert_int_equal(vfx_channels_find_role(c, VFX_ROLE_DEPTH_BACK), -1);
    assert_int_equal(vfx_channels_find_role(c, VFX_ROLE_OTHER), -1);
    assert_int_equal(vfx_channels_count(NULL), 0);
    vfx_channels_free(c);
    vfx_channels_free(NULL);
}

static void
add_rejects_bad_input(void **state)
{
    (void) state;
    vfx_channels *c = NULL;
    assert_int_equal(vfx_channels_new(&c), VFX_OK);
    assert_int_equal(vfx_channels_add(c, "R", VFX_PIXEL_HALF, 1, 1), VFX_OK);
    assert_int_equal(vfx_channels_add(c, "R", VFX_PIXEL_F32, 1, 1), VFX_ERR_ARG);
    assert_non_null(strstr(vfx_error_message(), "duplicate"));
    assert_int_equal(vfx_channels_add(c, "", VFX_PIXEL_F32, 1, 1), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_add(c, NULL, VFX_PIXEL_F32, 1, 1), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_add(c, "G", VFX_PIXEL_UNKNOWN, 1, 1), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_add(c, "G", (vfx_pixel_type) 7, 1, 1), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_add(c, "G", VFX_PIXEL_F32, 0, 1), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_add(c, "G", VFX_PIXEL_F32, 1, -2), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_add(NULL, "G", VFX_PIXEL_F32, 1, 1), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_count(c), 1); /* nothing was added */
    assert_int_equal(vfx_channels_new(NULL), VFX_ERR_ARG);
    vfx_channels_free(c);
}

static void
from_names(void **state)
{
    (void) state;
    vfx_channels *c = NULL;
    assert_int_equal(vfx_channels_from_names("R,G,B,A", VFX_PIXEL_HALF, &c), VFX_OK);
    assert_int_equal(vfx_channels_count(c), 4);
    const char *want[] = { "R", "G", "B", "A" };
    for (int32_t i = 0; i < 4; i++) {
        vfx_channel_info ci;
        assert_int_equal(vfx_channels_get(c, i, &ci), VFX_OK);
        assert_string_equal(ci.name, want[i]);
        assert_int_equal(ci.type, VFX_PIXEL_HALF);
        assert_int_equal(ci.x_sampling, 1);
        assert_int_equal(ci.y_sampling, 1);
        assert_int_equal(ci.role, i == 3 ? VFX_ROLE_ALPHA : VFX_ROLE_COLOR);
    }
    vfx_channels_free(c);

    assert_int_equal(vfx_channels_from_names(" diffuse.R , diffuse.G", VFX_PIXEL_F32, &c), VFX_OK);
    assert_int_equal(vfx_channels_count(c), 2);
    assert_int_equal(vfx_channels_find(c, "diffuse.G"), 1);
    vfx_channels_free(c);

    assert_int_equal(vfx_channels_from_names("Y", VFX_PIXEL_U16, &c), VFX_OK);
    assert_int_equal(vfx_channels_count(c), 1);
    vfx_channels_free(c);

    c = (vfx_channels *) 1;
    assert_int_equal(vfx_channels_from_names("R,,B", VFX_PIXEL_HALF, &c), VFX_ERR_ARG);
    assert_null(c);
    assert_int_equal(vfx_channels_from_names("R,G,R", VFX_PIXEL_HALF, &c), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_from_names("", VFX_PIXEL_HALF, &c), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_from_names("R,", VFX_PIXEL_HALF, &c), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_from_names(NULL, VFX_PIXEL_HALF, &c), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_from_names("R", VFX_PIXEL_UNKNOWN, &c), VFX_ERR_ARG);
    assert_null(c);
}

static void
modify(void **state)
{
    (void) state;
    vfx_channels *c = NULL;
    vfx_channel_info ci;
    assert_int_equal(vfx_channels_from_names("R,G,B,A", VFX_PIXEL_HALF, &c), VFX_OK);

    assert_int_equal(vfx_channels_set_type(c, 3, VFX_PIXEL_U8), VFX_OK);
    assert_int_equal(vfx_channels_get(c, 3, &ci), VFX_OK);
    assert_int_equal(ci.type, VFX_PIXEL_U8);
    assert_int_equal(vfx_channels_set_type(c, 3, VFX_PIXEL_UNKNOWN), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_set_type(c, 4, VFX_PIXEL_F32), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_get(c, 3, &ci), VFX_OK);
    assert_int_equal(ci.type, VFX_PIXEL_U8);

    /* rename recomputes the role; same name is fine; a duplicate or empty name is not */
    assert_int_equal(vfx_channels_rename(c, 3, "depth"), VFX_OK);
    assert_int_equal(vfx_channels_get(c, 3, &ci), VFX_OK);
    assert_string_equal(ci.name, "depth");
    assert_int_equal(ci.role, VFX_ROLE_DEPTH);
    assert_int_equal(vfx_channels_rename(c, 3, "depth"), VFX_OK);
    assert_int_equal(vfx_channels_rename(c, 3, "R"), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_rename(c, 3, ""), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_rename(c, 9, "Q"), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_find(c, "depth"), 3);

    assert_int_equal(vfx_channels_remove(c, 1), VFX_OK);
    assert_int_equal(vfx_channels_count(c), 3);
    assert_int_equal(vfx_channels_find(c, "G"), -1);
    assert_int_equal(vfx_channels_find(c, "B"), 1);
    assert_int_equal(vfx_channels_find(c, "depth"), 2);
    assert_int_equal(vfx_channels_remove(c, 3), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_remove(c, 2), VFX_OK);
    assert_int_equal(vfx_channels_remove(c, 0), VFX_OK);
    assert_int_equal(vfx_channels_remove(c, 0), VFX_OK);
    assert_int_equal(vfx_channels_count(c), 0);
    assert_int_equal(vfx_channels_remove(c, 0), VFX_ERR_ARG);
    /* a removed name can be added again */
    assert_int_equal(vfx_channels_add(c, "G", VFX_PIXEL_F32, 1, 1), VFX_OK);
    assert_int_equal(vfx_channels_find(c, "G"), 0);
    vfx_channels_free(c);
}

static void
many_channels_grow(void **state)
{
    (void) state;
    vfx_channels *c = NULL;
    char          name[32];
    assert_int_equal(vfx_channels_new(&c), VFX_OK);
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "aov%d.R", i);
        assert_int_equal(vfx_channels_add(c, name, VFX_PIXEL_HALF, 1, 1), VFX_OK);
    }
    assert_int_equal(vfx_channels_count(c), 300);
    assert_int_equal(vfx_channels_find(c, "aov0.R"), 0);
    assert_int_equal(vfx_channels_find(c, "aov299.R"), 299);
    vfx_channels_free(c);
}

static void
copy_and_equal(void **state)
{
    (void) state;
    vfx_channels *a = NULL, *b = NULL;
    assert_int_equal(vfx_channels_from_names("R,G,B", VFX_PIXEL_HALF, &a), VFX_OK);
    assert_int_equal(vfx_channels_add(a, "RY", VFX_PIXEL_HALF, 2, 2), VFX_OK);
    assert_int_equal(vfx__channels_set_linear(a, 3, 1), VFX_OK);
    assert_int_equal(vfx__channels_set_linear(a, 4, 1), VFX_ERR_ARG);
    assert_int_equal(vfx_channels_copy(a, &b), VFX_OK);
    assert_true(vfx_channels_equal(a, b));
    assert_true(vfx_channels_equal(a, a));

    vfx_channel_info ia, ib;
    assert_int_equal(vfx_channels_get(a, 3, &ia), VFX_OK);
    assert_int_equal(vfx_channels_get(b, 3, &ib), VFX_OK);
    assert_ptr_not_equal(ia.name, ib.name); /* deep copy */
    assert_string_equal(ib.name, "RY");
    assert_int_equal(ib.x_sampling, 2);
    assert_int_equal(ib.linear, 1);
    assert_int_equal(ib.role, VFX_ROLE_COLOR);

    /* each difference breaks equality */
    assert_int_equal(vfx_channels_set_type(b, 0, VFX_PIXEL_F32), VFX_OK);
    assert_false(vfx_channels_equal(a, b));
    assert_int_equal(vfx_channels_set_type(b, 0, VFX_PIXEL_HALF), VFX_OK);
    assert_true(vfx_channels_equal(a, b));
    assert_int_equal(vfx_channels_rename(b, 1, "g"), VFX_OK);
    assert_false(vfx_channels_equal(a, b));
    vfx_channels_free(b);

    vfx_channels *c = NULL;
    assert_int_equal(vfx_channels_from_names("R,G,B,RY", VFX_PIXEL_HALF, &c), VFX_OK);
    assert_false(vfx_channels_equal(a, c)); /* RY sampling differs */
    vfx_channels_free(c);
    assert_int_equal(vfx_channels_from_names("G,R,B", VFX_PIXEL_HALF, &c), VFX_OK);
    assert_int_equal(vfx_channels_remove(a, 3), VFX_OK);
    assert_false(vfx_channels_equal(a, c)); /* order matters */
    assert_false(vfx_channels_equal(a, NULL));
    assert_true(vfx_channels_equal(NULL, NULL));
    vfx_channels_free(c);

    /* empty list copies */
    assert_int_equal(vfx_channels_new(&c), VFX_OK);
    assert_int_equal(vfx_channels_copy(c, &b), VFX_OK);
    assert_int_equal(vfx_channels_count(b), 0);
    assert_true(vfx_channels_equal(c, b));
    vfx_channels_free(b);
    vfx_channels_free(c);
    b = (vfx_channels *) 1;
    assert_int_equal(vfx_channels_copy(NULL, &b), VFX_ERR_ARG);
    assert_null(b);
    vfx_channels_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roles_from_names),  cmocka_unit_test(add_get_find),
        cmocka_unit_test(add_rejects_bad_input), cmocka_unit_test(from_names),
        cmocka_unit_test(modify),            cmocka_unit_test(many_channels_grow),
        cmocka_unit_test(copy_and_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
