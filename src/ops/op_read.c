/* read: a file (one part, one resolution level, a subset of its channels) as a lazy image.
 * A source op whose cache grid follows the file's native chunks, so one render() call decodes
 * whole chunks and a consumer's RoI reads only the chunks it touches:
 *  - tiled files: one grid tile = one file tile;
 *  - strip files: full-width strips of whole chunks, at least MIN_STRIP_ROWS rows (1-row
 *    chunks would otherwise make thousands of tiny cache entries);
 *  - sequential decoders (PNG, JPEG, HDR): the same strips, and the VFX_OP_SEQUENTIAL class,
 *    so the engine serialises render() and sinks pull top to bottom (pure streaming);
 *  - whole-image codecs: one tile = the whole image, decoded once into the cache. */
#include <stdio.h>
#include <string.h>

#include "graph/graph_int.h"
#include "io/io_int.h"
#include "vfx/deep.h"
#include "vfx/ops.h"

#define MIN_STRIP_ROWS 32
#define MAX_PICK 4096

typedef struct read_params {
    vfx_rect    rod;
    vfx__tiling tiling;
    int32_t     part, level_x, level_y;
    vfx_reader *r;        /* owned; set right after the node is made */
    int32_t    *channels; /* owned: file channel of each node channel; NULL = all in order */
    int32_t     n_channels;
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
    return vfx_reader_read_rect(p->r, p->part, p->level_x, p->level_y, out->rect, p->channels,
                                p->n_channels, VFX_PIXEL_F32, out->p, xs,
                                (ptrdiff_t) sizeof(float) * out->stride);
}

static void
read_free_params(void *params)
{
    read_params *p = params;
    vfx_reader_close(p->r);
    p->r = NULL;
    vfx__free(p->channels);
    p->channels = NULL;
}

const vfx_op_class vfx__op_read = {
    sizeof(vfx_op_class), "read", 0, sizeof(read_params), read_rod, NULL, read_render, NULL,
    NULL, NULL, read_tiling, read_free_params,
};

/* The same op for decoders that only go forward: the engine serialises its render() calls. */
static const vfx_op_class op_read_sequential = {
    sizeof(vfx_op_class), "read", VFX_OP_SEQUENTIAL, sizeof(read_params), read_rod, NULL,
    read_render, NULL, NULL, NULL, read_tiling, read_free_params,
};

static vfx__tiling
tiling_for(const vfx_chunking *c, vfx_rect rod)
{
    switch (c->access) {
    case VFX_ACCESS_RANDOM_TILES:
        return (vfx__tiling){ c->chunk_w, c->chunk_h, c->origin_x, c->origin_y };
    case VFX_ACCESS_WHOLE_IMAGE:
        return (vfx__tiling){ (int32_t) VFX__MAX(1, vfx_rect_width(rod)),
                              (int32_t) VFX__MAX(1, vfx_rect_height(rod)), rod.x0, rod.y0 };
    default: {
        int32_t ch = VFX__MAX(1, c->chunk_h);
        /* A stream decoder's rows cost nothing to cut finer: half-height strips keep fewer
         * rows cached around a sink's strip (a blur's RoI, two workers) */
        int32_t min_rows = c->access == VFX_ACCESS_SEQUENTIAL_ROWS ? MIN_STRIP_ROWS / 2
                                                                   : MIN_STRIP_ROWS;
        int32_t rows = ch * ((min_rows + ch - 1) / ch);
        return (vfx__tiling){ (int32_t) VFX__MAX(1, vfx_rect_width(rod)), rows, rod.x0,
                              c->origin_y };
    }
    }
}

/* "R,G,B" -> file channel indexes and the node's channel list (file types kept). */
static vfx_status
pick_channels(const vfx_channels *fc, const char *names, int32_t **idx_out, int32_t *n_out,
              vfx_channels **list_out)
{
    int32_t n = 1;
    for (const char *c = names; *c; c++)
        n += *c == ',';
    if (n > MAX_PICK)
        return vfx__fail(VFX_ERR_ARG, "too many channels asked for (%d)", (int) n);
    int32_t      *idx = vfx__calloc((size_t) n, sizeof *idx);
    vfx_channels *list = NULL;
    if (!idx)
        return vfx__nomem();
    vfx_status  s = vfx_channels_new(&list);
    const char *c = names;
    for (int32_t k = 0; s == VFX_OK && k < n; k++) {
        char   name[256];
        size_t len = strcspn(c, ",");
        if (len == 0 || len >= sizeof name) {
            s = vfx__fail(VFX_ERR_ARG, "bad channel list '%s'", names);
            break;
        }
        memcpy(name, c, len);
        name[len] = 0;
        c += len + (c[len] == ',');
        idx[k] = vfx_channels_find(fc, name);
        if (idx[k] < 0) {
            s = vfx__fail(VFX_ERR_NOT_FOUND, "no channel '%s'", name);
            break;
        }
        vfx_channel_info ci;
        s = vfx_channels_get(fc, idx[k], &ci);
        if (s == VFX_OK)
            s = vfx_channels_add(list, ci.name, ci.type, 1, 1);
    }
    if (s != VFX_OK) {
        vfx__free(idx);
        vfx_channels_free(list);
        return s;
    }
    *idx_out = idx;
    *n_out = n;
    *list_out = list;
    return VFX_OK;
}

/* A deep part: read whole (bounded), as a deep node; a channel subset flattens it. */
static vfx_status
open_deep(const char *path, const vfx_open_options *o, vfx_image **out)
{
    if (o->level_x != 0 || o->level_y != 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "%s: deep parts are read at level 0 only", path);
    vfx_deep_read_options dro = VFX_DEEP_READ_OPTIONS_INIT;
    dro.part = o->part;
    vfx_deep *d = NULL;
    VFX_TRY(vfx_deep_read(path, &dro, &d));
    vfx_image *im = NULL;
    vfx_status s = vfx_deep_image(d, &im);
    vfx_deep_unref(d);
    if (s == VFX_OK && o->channels) {
        vfx_image *sub = NULL;
        s = vfx_image_channels(im, o->channels, &sub);
        vfx_image_unref(im);
        im = sub;
    }
    if (s != VFX_OK) {
        vfx_image_unref(im);
        return s;
    }
    *out = im;
    return VFX_OK;
}

vfx_status
vfx_image_open(const char *path, const vfx_open_options *opt, vfx_image **out)
{
    if (!out || !path)
        return vfx__fail(VFX_ERR_ARG, "read: NULL path or out");
    *out = NULL;
    vfx_open_options o = VFX_OPEN_OPTIONS_INIT;
    if (opt)
        memcpy(&o, opt, VFX__MIN(opt->size, sizeof o));
    vfx_reader *r = NULL;
    vfx_status  rs = vfx_reader_open(path, o.read, &r);
    if (rs == VFX_ERR_UNSUPPORTED && vfx_deep_file_is_deep(path, o.part))
        return open_deep(path, &o, out); /* op_deep.c: a deep image, flattened on demand */
    VFX_TRY(rs);
    read_params p;
    memset(&p, 0, sizeof p);
    p.part = o.part;
    p.level_x = o.level_x;
    p.level_y = o.level_y;
    const vfx_spec *sp = NULL;
    vfx_chunking    c;
    vfx_channels   *picked = NULL;
    vfx_status      s = vfx_reader_spec(r, o.part, &sp);
    if (s == VFX_OK)
        s = vfx_reader_level_rect(r, o.part, o.level_x, o.level_y, &p.rod);
    if (s == VFX_OK)
        s = vfx_reader_chunking(r, o.part, o.level_x, o.level_y, &c);
    if (s == VFX_OK && o.channels)
        s = pick_channels(sp->channels, o.channels, &p.channels, &p.n_channels, &picked);
    if (s != VFX_OK) {
        vfx_reader_close(r);
        vfx__error_prefix("%s: ", path);
        return s;
    }
    p.tiling = tiling_for(&c, p.rod);
    vfx_spec spec = *sp; /* shallow: vfx__node_new copies it */
    spec.data = p.rod;
    if (picked)
        spec.channels = picked;
    const vfx_op_class *op =
        c.access == VFX_ACCESS_SEQUENTIAL_ROWS ? &op_read_sequential : &vfx__op_read;
    vfx_image *im = NULL;
    /* on failure the node has run free_params: the channel array is gone, the reader not yet
     * handed over */
    s = vfx__node_new(op, &p, sizeof p, NULL, 0, &spec, &im);
    vfx_channels_free(picked);
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
vfx_image_read(const char *path, int32_t part, int32_t level_x, int32_t level_y,
               const vfx_read_options *opt, vfx_image **out)
{
    vfx_open_options o = VFX_OPEN_OPTIONS_INIT;
    o.part = part;
    o.level_x = level_x;
    o.level_y = level_y;
    o.read = opt;
    return vfx_image_open(path, &o, out);
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
