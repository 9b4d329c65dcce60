/* The file source op: a reader as a lazy image. Its cache grid is the file's native chunk
 * grid (tiles for tiled files, strips of whole chunks for scanline files, the whole image for
 * whole-image codecs), so one render() is one or a few native chunks and any rect a consumer
 * asks for is assembled from cached chunks. Sequential decoders (PNG, JPEG) get the
 * VFX_OP_SEQUENTIAL class: the engine serialises their render() calls. */
#include <string.h>

#include "io/io_int.h"
#include "graph/graph_int.h"
#include "vfx/imageio.h"

/* The reader is shared by the node's params copies; the node owns it. */
typedef struct source_handle {
    vfx_reader *r;
    int32_t     n_channels;
    int32_t     channels[]; /* indexes into the part's channel list */
} source_handle;

typedef struct source_params {
    source_handle *h;
    int32_t        part, level;
    vfx_chunking   chunking;
} source_params;

/* Rows per strip tile: whole chunks, at least this many rows, so a strip tile amortises the
 * per-tile bookkeeping over a few hundred KiB of pixels. */
#define MIN_STRIP_ROWS 32

static void
source_tiling(const vfx_node *n, vfx__tiling *out)
{
    const source_params *p = vfx__node_params(n);
    const vfx_chunking  *c = &p->chunking;
    vfx_rect             rod = vfx__node_rod(n);
    switch (c->access) {
    case VFX_ACCESS_RANDOM_TILES:
        *out = (vfx__tiling){ c->chunk_w, c->chunk_h, c->origin_x, c->origin_y };
        break;
    case VFX_ACCESS_WHOLE_IMAGE:
        *out = (vfx__tiling){ (int32_t) VFX__MAX(1, vfx_rect_width(rod)),
                              (int32_t) VFX__MAX(1, vfx_rect_height(rod)), rod.x0, rod.y0 };
        break;
    default: {
        int32_t ch = VFX__MAX(1, c->chunk_h);
        int32_t rows = ch * ((MIN_STRIP_ROWS + ch - 1) / ch);
        *out = (vfx__tiling){ (int32_t) VFX__MAX(1, vfx_rect_width(rod)), rows, rod.x0,
                              c->origin_y };
        break;
    }
    }
}

static vfx_status
source_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const source_params *p = vfx__node_params(n);
    (void) in;
    (void) scratch;
    return vfx_reader_read_rect(p->h->r, p->part, p->level, p->level, out->rect, p->h->channels,
                                p->h->n_channels, VFX_PIXEL_F32, out->p,
                                (ptrdiff_t) out->n_channels * (ptrdiff_t) sizeof(float),
                                out->stride * (ptrdiff_t) sizeof(float));
}

static void
source_free(void *params)
{
    source_params *p = params;
    if (p->h) {
        vfx_reader_close(p->h->r);
        vfx__free(p->h);
        p->h = NULL;
    }
}

const vfx_op_class vfx__op_source = {
    sizeof(vfx_op_class), "source", 0, sizeof(source_params),
    NULL, NULL, source_render, NULL, NULL, NULL, source_tiling, source_free
};

const vfx_op_class vfx__op_source_seq = {
    sizeof(vfx_op_class), "source", VFX_OP_SEQUENTIAL, sizeof(source_params),
    NULL, NULL, source_render, NULL, NULL, NULL, source_tiling, source_free
};

/* Resolve "R,G,B" against the part's channels into indexes, and build the node's channel
 * list in that order. */
static vfx_status
pick_channels(const vfx_spec *fs, const char *names, source_handle **h_out, vfx_channels **ch_out)
{
    int32_t n_all = vfx_channels_count(fs->channels);
    int32_t n = n_all;
    if (names) {
        n = 1;
        for (const char *c = names; *c; c++)
            n += *c == ',';
    }
    source_handle *h = vfx__calloc(1, sizeof *h + (size_t) n * sizeof(int32_t));
    if (!h)
        return vfx__nomem();
    vfx_channels *ch = NULL;
    vfx_status    s = vfx_channels_new(&ch);
    const char   *c = names;
    for (int32_t k = 0; s == VFX_OK && k < n; k++) {
        int32_t idx = k;
        if (names) {
            char   name[256];
            size_t len = strcspn(c, ",");
            if (len >= sizeof name) {
                s = vfx__fail(VFX_ERR_ARG, "channel name too long");
                break;
            }
            memcpy(name, c, len);
            name[len] = 0;
            c += len + (c[len] == ',');
            idx = vfx_channels_find(fs->channels, name);
            if (idx < 0) {
                s = vfx__fail(VFX_ERR_NOT_FOUND, "no channel '%s'", name);
                break;
            }
        }
        vfx_channel_info info;
        s = vfx_channels_get(fs->channels, idx, &info);
        if (s == VFX_OK)
            s = vfx_channels_add(ch, info.name, info.type, 1, 1);
        h->channels[k] = idx;
    }
    if (s != VFX_OK) {
        vfx_channels_free(ch);
        vfx__free(h);
        return s;
    }
    h->n_channels = n;
    *h_out = h;
    *ch_out = ch;
    return VFX_OK;
}

vfx_status
vfx_image_open(const char *path, const vfx_open_options *opt, vfx_image **out)
{
    if (!out || !path)
        return vfx__fail(VFX_ERR_ARG, "open: NULL path or out");
    *out = NULL;
    vfx_open_options o = VFX_OPEN_OPTIONS_INIT;
    if (opt)
        memcpy(&o, opt, VFX__MIN(opt->size, sizeof o));
    vfx_reader *r = NULL;
    VFX_TRY(vfx_reader_open(path, o.read, &r));
    const vfx_spec *fs = NULL;
    vfx_rect        level_rect;
    source_params   p = { NULL, o.part, o.level, { 0, 0, 0, 0, 0, 0, 0 } };
    vfx_spec        spec = VFX_SPEC_INIT;
    vfx_status      s = vfx_reader_spec(r, o.part, &fs);
    if (s == VFX_OK)
        s = vfx_reader_level_rect(r, o.part, o.level, o.level, &level_rect);
    if (s == VFX_OK)
        s = vfx_reader_chunking(r, o.part, o.level, o.level, &p.chunking);
    vfx_channels *ch = NULL;
    if (s == VFX_OK)
        s = pick_channels(fs, o.channels, &p.h, &ch);
    if (s == VFX_OK) {
        p.h->r = r;
        r = NULL; /* the handle owns it now */
        spec.data = level_rect;
        spec.display = fs->display;
        spec.channels = ch;
        ch = NULL;
        s = fs->attrs ? vfx_attrs_copy(fs->attrs, &spec.attrs) : vfx_attrs_new(&spec.attrs);
    }
    if (s != VFX_OK) {
        vfx_channels_free(ch);
        vfx_spec_clear(&spec);
        if (p.h) {
            source_params tmp = p;
            source_free(&tmp);
        }
        vfx_reader_close(r);
        vfx__error_prefix("%s: ", path);
        return s;
    }
    const vfx_op_class *op =
        p.chunking.access == VFX_ACCESS_SEQUENTIAL_ROWS ? &vfx__op_source_seq : &vfx__op_source;
    s = vfx__node_new(op, &p, sizeof p, NULL, 0, &spec, out);
    vfx_spec_clear(&spec);
    return s;
}

vfx_reader *
vfx_image_reader(const vfx_image *im)
{
    const vfx_op_class *op = im ? ((const vfx_node *) im)->op : NULL;
    if (op != &vfx__op_source && op != &vfx__op_source_seq)
        return NULL;
    const source_params *p = vfx__node_params(im);
    return p->h->r;
}
