/* The format registry and reader options: detection by magic bytes (the extension only breaks
 * ties), forced formats, the metadata switch, the pixel limit. */
#include "io_test_util.h"
#include "vfx/io.h"

static void
detection_goes_by_content(void **state)
{
    (void) state;
    size_t size;
    uint8_t *data = test_read_file(test_data("exr/misc/layers.exr"), &size);
    assert_non_null(data);
    vfx_reader *r = NULL;
    /* a misleading name does not matter: the magic number decides */
    assert_int_equal(VFX_OK, vfx_reader_open_memory(data, size, "really-a.tif", NULL, &r));
    assert_string_equal("openexr", vfx_reader_format_name(r));
    vfx_reader_close(r);
    /* no name at all */
    assert_int_equal(VFX_OK, vfx_reader_open_memory(data, size, NULL, NULL, &r));
    vfx_reader_close(r);
    /* bytes of no known format */
    static const uint8_t junk[32] = { 1, 2, 3 };
    assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_reader_open_memory(junk, sizeof junk, "x.exr", NULL, &r));
    assert_non_null(strstr(vfx_error_message(), "unknown image format"));
    /* forcing the format on bytes that are not of it: the plugin refuses them */
    vfx_read_options o = VFX_READ_OPTIONS_INIT;
    o.format = "openexr";
    assert_int_equal(VFX_ERR_CORRUPT, vfx_reader_open_memory(junk, sizeof junk, "x.exr", &o, &r));
    assert_null(r);
    o.format = "nosuchformat";
    assert_int_equal(VFX_ERR_ARG, vfx_reader_open_memory(data, size, "x.exr", &o, &r));
    /* empty input */
    assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_reader_open_memory(NULL, 0, "x.exr", NULL, &r));
    free(data);

    assert_string_equal("openexr", vfx_format_from_extension("/a/b/shot.0001.EXR"));
    assert_string_equal("openexr", vfx_format_from_extension("exr"));
    assert_null(vfx_format_from_extension("/a/b/readme.txt"));
}

static void
no_metadata_keeps_the_basics(void **state)
{
    (void) state;
    vfx_read_options o = VFX_READ_OPTIONS_INIT;
    o.flags = VFX_READ_NO_METADATA;
    vfx_reader *r = NULL, *full = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(test_data("exr/chromaticities/test.exr"), &o, &r));
    assert_int_equal(VFX_OK, vfx_reader_open(test_data("exr/chromaticities/test.exr"), NULL, &full));
    const vfx_spec *a, *b;
    assert_int_equal(VFX_OK, vfx_reader_spec(r, 0, &a));
    assert_int_equal(VFX_OK, vfx_reader_spec(full, 0, &b));
    assert_non_null(vfx_attrs_get(a->attrs, "compression"));
    assert_non_null(vfx_attrs_get(a->attrs, "PixelAspectRatio"));
    assert_null(vfx_attrs_get(a->attrs, "chromaticities"));
    assert_non_null(vfx_attrs_get(b->attrs, "chromaticities"));
    assert_true(vfx_attrs_count(a->attrs) < vfx_attrs_count(b->attrs));
    assert_true(vfx_channels_equal(a->channels, b->channels));
    assert_true(vfx_rect_equal(a->data, b->data));
    vfx_reader_close(r);
    vfx_reader_close(full);
}

static void
options_struct_size_is_checked(void **state)
{
    (void) state;
    vfx_read_options o = VFX_READ_OPTIONS_INIT;
    o.size = 4;
    vfx_reader *r = NULL;
    assert_int_equal(VFX_ERR_ARG, vfx_reader_open(test_data("exr/misc/layers.exr"), &o, &r));
    assert_int_equal(VFX_ERR_ARG, vfx_reader_open(NULL, NULL, &r));
    assert_int_equal(VFX_ERR_ARG, vfx_reader_open(test_data("exr/misc/layers.exr"), NULL, NULL));
    vfx_spec sp = VFX_SPEC_INIT;
    vfx_writer *w = NULL;
    assert_int_equal(VFX_ERR_ARG, vfx_writer_open(test_tmp("x.exr"), &sp, NULL, &w)); /* no channels */
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&sp, 4, 4, "R", VFX_PIXEL_HALF));
    assert_int_equal(VFX_ERR_UNSUPPORTED, vfx_writer_open(test_tmp("x.unknownext"), &sp, NULL, &w));
    assert_null(w);
    vfx_spec_clear(&sp);
    assert_int_equal(VFX_OK, vfx_writer_close(NULL, 0));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detection_goes_by_content),
        cmocka_unit_test(no_metadata_keeps_the_basics),
        cmocka_unit_test(options_struct_size_is_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
