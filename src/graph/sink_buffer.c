/* Sink: render a rect into a caller's buffer, any pixel type, any strides. f32 buffers with
 * packed pixels are rendered in place (no copy); others are converted tile by tile. */
#include "graph/graph_int.h"

typedef struct buf_ctx {
    vfx_rect       rect;
    uint8_t       *buf;
    vfx_pixel_type type;
    ptrdiff_t      x_stride, y_stride;
    int32_t        nc;
    int            direct;
} buf_ctx;

static uint8_t *
dst_at(const buf_ctx *b, int32_t x, int32_t y)
{
    return b->buf + (ptrdiff_t) (y - b->rect.y0) * b->y_stride +
           (ptrdiff_t) (x - b->rect.x0) * b->x_stride;
}

static int
buf_target(void *ctx, int64_t i, vfx_rect r, vfx_tile *t)
{
    const buf_ctx *b = ctx;
    (void) i;
    if (!b->direct)
        return 0;
    *t = (vfx_tile){ r, b->nc, b->y_stride / (ptrdiff_t) sizeof(float),
                     (float *) (void *) dst_at(b, r.x0, r.y0) };
    return 1;
}

static vfx_status
buf_consume(void *ctx, int64_t i, const vfx_tile *t)
{
    const buf_ctx *b = ctx;
    (void) i;
    if (b->direct)
        return VFX_OK;
    ptrdiff_t xs = (ptrdiff_t) (t->n_channels * sizeof(float));
    ptrdiff_t ys = t->stride * (ptrdiff_t) sizeof(float);
    return vfx_convert_image(t->p, VFX_PIXEL_F32, xs, ys, dst_at(b, t->rect.x0, t->rect.y0),
                             b->type, b->x_stride, b->y_stride, (int32_t) vfx_rect_width(t->rect),
                             (int32_t) vfx_rect_height(t->rect), t->n_channels);
}

vfx_status
vfx_image_render(vfx_image *im, vfx_rect rect, void *buf, vfx_pixel_type type, ptrdiff_t x_stride,
                 ptrdiff_t y_stride, int32_t n_channels, const vfx_sink_options *opt)
{
    if (!im || !buf)
        return vfx__fail(VFX_ERR_ARG, "render: NULL image or buffer");
    if (n_channels != im->n_channels)
        return vfx__fail(VFX_ERR_ARG, "render: %d channels asked, the image has %d",
                         (int) n_channels, (int) im->n_channels);
    size_t ts = vfx_pixel_type_size(type);
    if (ts == 0)
        return vfx__fail(VFX_ERR_ARG, "render: unknown pixel type %d", (int) type);
    if (vfx_rect_is_empty(rect) || vfx_rect_is_infinite(rect))
        return vfx__fail(VFX_ERR_ARG, "render: empty or infinite rect");
    buf_ctx b = { rect, buf, type, x_stride, y_stride, n_channels, 0 };
    b.direct = type == VFX_PIXEL_F32 && x_stride == (ptrdiff_t) (ts * (size_t) n_channels) &&
               y_stride % (ptrdiff_t) sizeof(float) == 0 &&
               ((uintptr_t) buf % sizeof(float)) == 0;
    vfx__sink s;
    vfx__sink_setup(&s, im, rect, opt);
    s.target = buf_target;
    s.consume = buf_consume;
    s.ctx = &b;
    return vfx__sink_run(&s, opt);
}
