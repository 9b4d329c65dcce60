/* The file sink: renders an image's data window on the pool in the order its writer wants
 * and hands each finished tile to the writer. Strip writers get full-width strips consumed
 * strictly top to bottom (the scheduler holds back tiles that finish early); tile writers get
 * the writer's tiles in row-major order. Only one thread talks to the writer at a time. */
#include <pthread.h>
#include <string.h>

#include "graph/graph_int.h"
#include "io/io_int.h"
#include "vfx/imageio.h"

/* Rows per strip handed to a strip writer: whole chunks, at least this many. */
#define MIN_SINK_ROWS 64

typedef struct file_ctx {
    vfx_writer     *w;
    pthread_mutex_t lock;
} file_ctx;

static vfx_status
file_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    file_ctx *fc = ctx;
    (void) i;
    pthread_mutex_lock(&fc->lock);
    vfx_status s = vfx_writer_write_rect(fc->w, t->rect, VFX_PIXEL_F32, t->p,
                                         (ptrdiff_t) t->n_channels * (ptrdiff_t) sizeof(float),
                                         t->stride * (ptrdiff_t) sizeof(float));
    pthread_mutex_unlock(&fc->lock);
    return s;
}

vfx_status
vfx_image_write(vfx_image *im, const char *path, const vfx_write_options *wopt,
                const vfx_sink_options *sopt)
{
    if (!im || !path)
        return vfx__fail(VFX_ERR_ARG, "write: NULL image or path");
    vfx_rect rod = vfx_image_rod(im);
    if (vfx_rect_is_empty(rod) || vfx_rect_is_infinite(rod))
        return vfx__fail(VFX_ERR_ARG, "write: %s: the image's data window is %s", path,
                         vfx_rect_is_empty(rod) ? "empty" : "infinite (crop it first)");
    const vfx_spec *is = vfx_image_spec(im);
    vfx_spec        spec = VFX_SPEC_INIT;
    VFX_TRY(vfx_spec_copy(&spec, is));
    spec.data = rod;
    if (vfx_rect_is_empty(spec.display) || vfx_rect_is_infinite(spec.display))
        spec.display = rod;

    file_ctx fc = { NULL, PTHREAD_MUTEX_INITIALIZER };
    vfx_status s = vfx_writer_open(path, &spec, wopt, &fc.w);
    vfx_spec_clear(&spec);
    if (s != VFX_OK)
        return s;
    vfx_chunking c;
    s = vfx_writer_chunking(fc.w, &c);
    if (s != VFX_OK) {
        vfx_writer_close(fc.w, 1);
        return s;
    }

    vfx_sink_options o = VFX_SINK_OPTIONS_INIT;
    if (sopt)
        memcpy(&o, sopt, VFX__MIN(sopt->size, sizeof o));
    o.size = sizeof o;
    o.flags &= ~(uint32_t) (VFX_SINK_REGION | VFX_SINK_DATA_WINDOW);
    vfx__sink sk;
    vfx__sink_setup(&sk, im, rod, &o);
    if (c.access == VFX_ACCESS_RANDOM_TILES) {
        sk.tile_w = c.chunk_w;
        sk.tile_h = c.chunk_h;
        /* tiles sit on the writer's grid (it starts at the data window origin); they go in
         * row-major order, which is the file's chunk order (OpenEXRCore writes chunks in
         * sequence unless the line order is random) */
        sk.ordered = 1;
    } else {
        int32_t ch = VFX__MAX(1, c.chunk_h);
        sk.tile_w = (int32_t) vfx_rect_width(rod);
        sk.tile_h = ch * ((MIN_SINK_ROWS + ch - 1) / ch);
        sk.ordered = 1;
    }
    sk.consume = file_consume;
    sk.ctx = &fc;
    s = vfx__sink_run(&sk, &o);
    vfx_status cs = vfx_writer_close(fc.w, s != VFX_OK);
    pthread_mutex_destroy(&fc.lock);
    if (s == VFX_OK && cs != VFX_OK)
        s = cs;
    return s;
}
