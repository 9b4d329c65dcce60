/* Files in the lazy graph: the read source op (tiles = native chunks, only touched chunks
 * read) and the file sink (writer order, temporary file, cancel). */
#include <stdatomic.h>
#include <unistd.h>

#include "io_test_util.h"
#include "vfx/io.h"

static void
source_reads_only_touched_chunks(void **state)
{
    (void) state;
    const char *path = test_data("exr/tiled/OrientationLatLong.exr");
    vfx_image *im = NULL;
    assert_int_equal(VFX_OK, vfx_image_read(path, 0, 0, 0, NULL, &im));
    assert_string_equal("read", vfx_image_op_name(im));
    assert_int_equal(4, vfx_image_n_channels(im));
    /* 100 x 100 at (130, 70) touches tiles x 2..3, y 1..2 of the 64 x 64 grid */
    vfx_rect rc = vfx_rect_make(130, 70, 100, 100);
    float *a = malloc(sizeof(float) * 4 * 100 * 100), *b = malloc(sizeof(float) * 4 * 100 * 100);
    assert_int_equal(VFX_OK, vfx_image_render(im, rc, a, VFX_PIXEL_F32, 16, 1600, 4, NULL));
    vfx_reader_stats st;
    assert_int_equal(VFX_OK, vfx_image_read_stats(im, &st));
    assert_int_equal(4, st.chunks_read);
    /* the same pixels as the reader gives */
    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(path, NULL, &r));
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, rc, NULL, 0, VFX_PIXEL_F32, b, 16, 1600));
    assert_memory_equal(a, b, sizeof(float) * 4 * 100 * 100);
    /* behind another node, chunks go through the tile cache: rendering the same rect again,
     * or a rect in the same chunks, decodes nothing more */
    vfx_image *cropped = NULL;
    assert_int_equal(VFX_OK, vfx_image_crop(im, vfx_rect_make(0, 0, 512, 512), &cropped));
    assert_int_equal(VFX_OK, vfx_image_render(cropped, rc, a, VFX_PIXEL_F32, 16, 1600, 4, NULL));
    assert_int_equal(VFX_OK, vfx_image_read_stats(im, &st));
    int64_t after_first = st.chunks_read;
    assert_true(after_first <= 4 + 4);
    assert_int_equal(VFX_OK, vfx_image_render(cropped, vfx_rect_make(140, 80, 50, 50), a,
                                              VFX_PIXEL_F32, 16, 800, 4, NULL));
    assert_int_equal(VFX_OK, vfx_image_read_stats(im, &st));
    assert_int_equal(after_first, st.chunks_read);
    assert_memory_equal(a, b + (10 * 100 + 10) * 4, sizeof(float) * 4 * 50);
    vfx_image_unref(cropped);
    vfx_reader_close(r);
    free(a);
    free(b);
    /* a MIP level as an image */
    vfx_image *l2 = NULL;
    assert_int_equal(VFX_OK, vfx_image_read(path, 0, 2, 2, NULL, &l2));
    assert_int_equal(256, vfx_rect_width(vfx_image_rod(l2)));
    vfx_image_unref(l2);
    assert_int_equal(VFX_ERR_ARG, vfx_image_read(path, 0, 1, 2, NULL, &l2));
    assert_null(l2);
    assert_int_equal(VFX_ERR_ARG, vfx_image_read(path, 3, 0, 0, NULL, &l2));
    vfx_image_unref(im);
}

static void
sink_writes_files_equal_to_the_source(void **state)
{
    (void) state;
    static const struct {
        const char *file, *comp;
        int32_t     tile;
    } cases[] = {
        { "exr/compression/comp_piz.exr", "zip", 0 },
        { "exr/compression/comp_piz.exr", "piz", 64 },
        { "exr/windows/grid-overscan.exr", "rle", 32 },
        { "exr/misc/lineOrder_decreasing.exr", "zips", 0 },
        { "exr/multiview/singlepart.0001.exr", "piz", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[4096];
        snprintf(out, sizeof out, "%s", test_tmp("graph_out.exr"));
        vfx_image *im = NULL;
        assert_int_equal(VFX_OK, vfx_image_read(test_data(cases[i].file), 0, 0, 0, NULL, &im));
        vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
        wo.compression = cases[i].comp;
        wo.tile_w = wo.tile_h = cases[i].tile;
        vfx_status s = vfx_image_write(im, out, &wo, NULL);
        if (s != VFX_OK)
            fail_msg("%s: %s", cases[i].file, vfx_error_message());
        vfx_image *back = NULL;
        assert_int_equal(VFX_OK, vfx_image_read(out, 0, 0, 0, NULL, &back));
        assert_true(vfx_rect_equal(vfx_image_rod(im), vfx_image_rod(back)));
        assert_true(vfx_rect_equal(vfx_image_spec(im)->display, vfx_image_spec(back)->display));
        assert_true(vfx_channels_equal(vfx_image_spec(im)->channels,
                                       vfx_image_spec(back)->channels));
        vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
        so.flags = VFX_SINK_DATA_WINDOW;
        uint64_t h1 = 0, h2 = 0;
        assert_int_equal(VFX_OK, vfx_image_hash(im, &so, &h1));
        assert_int_equal(VFX_OK, vfx_image_hash(back, &so, &h2));
        if (h1 != h2)
            fail_msg("%s -> %s: pixels differ", cases[i].file, cases[i].comp);
        vfx_image_unref(back);
        vfx_image_unref(im);
    }
}

static int
cancel_at_3(void *user, int64_t done, int64_t total)
{
    (void) user;
    (void) total;
    return done >= 3;
}

static void
cancelled_or_failed_sink_leaves_no_file(void **state)
{
    (void) state;
    char out[4096];
    snprintf(out, sizeof out, "%s", test_tmp("graph_cancel.exr"));
    unlink(out);
    vfx_image *im = NULL;
    assert_int_equal(VFX_OK, vfx_image_read(test_data("exr/compression/comp_zip.exr"), 0, 0, 0, NULL, &im));
    vfx_sink_options so = VFX_SINK_OPTIONS_INIT;
    so.progress = cancel_at_3;
    assert_int_equal(VFX_ERR_CANCELLED, vfx_image_write(im, out, NULL, &so));
    assert_int_equal(-1, access(out, F_OK));
    vfx_image_unref(im);
    /* a file whose chunks are damaged: the error names the chunk, and no output appears */
    size_t size;
    uint8_t *data = test_read_file(test_data("exr/misc/stripes.exr"), &size);
    char cut[4096];
    snprintf(cut, sizeof cut, "%s", test_tmp("graph_cut.exr"));
    FILE *f = fopen(cut, "wb");
    fwrite(data, 1, size - 600, f);
    fclose(f);
    free(data);
    assert_int_equal(VFX_OK, vfx_image_read(cut, 0, 0, 0, NULL, &im));
    vfx_status s = vfx_image_write(im, out, NULL, NULL);
    assert_int_equal(VFX_ERR_CORRUPT, s);
    assert_non_null(strstr(vfx_error_message(), "chunk"));
    assert_int_equal(-1, access(out, F_OK));
    vfx_image_unref(im);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(source_reads_only_touched_chunks),
        cmocka_unit_test(sink_writes_files_equal_to_the_source),
        cmocka_unit_test(cancelled_or_failed_sink_leaves_no_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
