/* read: a file (one part, one resolution level) as a lazy image. A source op whose cache grid
 * is the file's native chunk grid, so one render() call decodes exactly one chunk (tile or
 * strip) and a consumer's RoI reads only the chunks it touches. */
#include <string.h>

#include "io/io_int.h"
#include "ops/op_int.h"

typedef struct read_params {
    vfx_rect    rod;
    vfx__tiling tiling;
    int32_t     part, level_x, level_y;
    vfx_reader *r; /* owned; set right after the node is made */
} read_params;

static vfx_status
read_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const read_params *p = vfx__node_params(n);
    *rod_out = p->rod;
    return VFX_OK;
}

static void
read_tiling(const vfx_node *n, vfx__tiling *out)
{
    const read_params *p = vfx__node_params(n);
    *out = p->tiling;
}

static vfx_status
read_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const read_params *p = vfx__node_params(n);
    (void) in;
    (void) scratch;
    if (!p->r)
        return vfx__fail(VFX_ERR_INTERNAL, "read: no reader");
    ptrdiff_t xs = (ptrdiff_t) sizeof(float) * out->n_channels;
    return vfx_reader_read_rect(p->r, p->part, p->level_x, p->level_y, out->rect, NULL, 0,
                                VFX_PIXEL_F32, out->p, xs,
                                (ptrdiff_t) sizeof(float) * out->stride);
}

static void
read_free_params(void *params)
{
    read_params *p = params;
    vfx_reader_close(p->r);
    p->r = NULL;
}

const vfx_op_class vfx__op_read = {
    sizeof(vfx_op_class), "read", 0, sizeof(read_params), read_rod, NULL, read_render, NULL,
    NULL, NULL, read_tiling, read_free_params,
};

vfx_status
vfx_image_read(const char *path, int32_t part, int32_t level_x, int32_t level_y,
               const vfx_read_options *opt, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "read: out is NULL");
    *out = NULL;
    vfx_reader *r = NULL;
    VFX_TRY(vfx_reader_open(path, opt, &r));
    read_params p;
    memset(&p, 0, sizeof p);
    p.part = part;
    p.level_x = level_x;
    p.level_y = level_y;
    const vfx_spec *sp = NULL;
    vfx_chunking c;
    vfx_status s = vfx_reader_spec(r, part, &sp);
    if (s == VFX_OK)
        s = vfx_reader_level_rect(r, part, level_x, level_y, &p.rod);
    if (s == VFX_OK)
        s = vfx_reader_chunking(r, part, level_x, level_y, &c);
    if (s != VFX_OK) {
        vfx_reader_close(r);
        return s;
    }
    p.tiling = (vfx__tiling){ c.chunk_w, c.chunk_h, c.origin_x, c.origin_y };
    vfx_spec spec = *sp; /* shallow: vfx__node_new copies it */
    spec.data = p.rod;
    vfx_image *im = NULL;
    s = vfx__node_new(&vfx__op_read, &p, sizeof p, NULL, 0, &spec, &im);
    if (s != VFX_OK) {
        vfx_reader_close(r);
        return s;
    }
    /* The node owns the reader from here (closed by free_params). Set before anyone else can
     * see the node, so it stays immutable for all its users. */
    ((read_params *) (uintptr_t) vfx__node_params(im))->r = r;
    *out = im;
    return VFX_OK;
}

vfx_status
vfx_image_read_stats(const vfx_image *im, vfx_reader_stats *out)
{
    if (!im || !out)
        return vfx__fail(VFX_ERR_ARG, "read_stats: NULL argument");
    if (strcmp(vfx_image_op_name(im), "read") != 0)
        return vfx__fail(VFX_ERR_ARG, "read_stats: not a file image (op %s)",
                         vfx_image_op_name(im));
    const read_params *p = vfx__node_params(im);
    vfx_reader_get_stats(p->r, out);
    return VFX_OK;
}
