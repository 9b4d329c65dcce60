/* A stream decoder (PNG: sequential rows) written to a tiled file through the graph: the sink
 * renders full-width bands and cuts them into the writer's tiles, so every row is decoded
 * exactly once (rendering tile by tile would restart the decoder for each tile of a row),
 * and the tiles hold the right pixels. */
#include <unistd.h>

#include "img_ref.h"

static void
png_to_tiled_tiff_decodes_each_row_once(void **state)
{
    (void) state;
    const int32_t w = 300, h = 200;
    vfx_spec spec = VFX_SPEC_INIT;
    assert_int_equal(VFX_OK, vfx_spec_init_simple(&spec, w, h, "R,G,B", VFX_PIXEL_U8));
    uint8_t *px = malloc((size_t) w * (size_t) h * 3);
    for (size_t i = 0; i < (size_t) w * (size_t) h * 3; i++)
        px[i] = (uint8_t) (i * 13 + i / 900);
    char png[4096], tif[4096];
    snprintf(png, sizeof png, "%s", test_tmp("src.png"));
    snprintf(tif, sizeof tif, "%s", test_tmp("dst.tif"));
    vfx_writer *wr = NULL;
    assert_int_equal(VFX_OK, vfx_writer_open(png, &spec, NULL, &wr));
    assert_int_equal(VFX_OK, vfx_writer_write_rect(wr, (vfx_rect){ 0, 0, w, h }, VFX_PIXEL_U8, px,
                                                   3, 3 * w));
    assert_int_equal(VFX_OK, vfx_writer_close(wr, 0));
    vfx_spec_clear(&spec);

    vfx_image *im = NULL;
    assert_int_equal(VFX_OK, vfx_image_open(png, NULL, &im));
    vfx_write_options wo = VFX_WRITE_OPTIONS_INIT;
    wo.tile_w = wo.tile_h = 64;
    unlink(tif);
    assert_int_equal(VFX_OK, vfx_image_write(im, tif, &wo, NULL));
    vfx_reader_stats st;
    assert_int_equal(VFX_OK, vfx_image_read_stats(im, &st));
    assert_int_equal(h, st.chunks_read); /* one-row chunks, each decoded once */
    vfx_image_unref(im);

    vfx_reader *r = NULL;
    assert_int_equal(VFX_OK, vfx_reader_open(tif, NULL, &r));
    vfx_chunking ck;
    assert_int_equal(VFX_OK, vfx_reader_chunking(r, 0, 0, 0, &ck));
    assert_int_equal(VFX_ACCESS_RANDOM_TILES, ck.access);
    assert_int_equal(64, ck.chunk_w);
    uint8_t *back = malloc((size_t) w * (size_t) h * 3);
    assert_int_equal(VFX_OK, vfx_reader_read_rect(r, 0, 0, 0, (vfx_rect){ 0, 0, w, h }, NULL, 0,
                                                  VFX_PIXEL_U8, back, 3, 3 * w));
    assert_memory_equal(px, back, (size_t) w * (size_t) h * 3);
    vfx_reader_close(r);
    free(px);
    free(back);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(png_to_tiled_tiff_decodes_each_row_once),
    };
    return cmocka_run_group_tests_name("stream_tiles", tests, NULL, NULL);
}
