/* OpenEXR through OpenEXRCore's C API: scanline and tiled parts, every compression the
 * library implements, HALF / FLOAT / UINT channels, subsampled channels, multi-part and
 * multi-view files, MIP / RIP levels, and every attribute mapped to typed vfx attributes
 * (names in docs/metadata.md).
 *
 * EXR boxes are inclusive; vfx rects are half-open. The conversion happens only here. */
#include "io/dwa_int.h"
#include "io/exr_zip.h"
#include "io/fmt_util.h"
#include "io/io_int.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openexr.h>

/* ---- errors: OpenEXRCore reports through a callback on the failing thread ------------------ */

static _Thread_local char tl_msg[512];
static _Thread_local int tl_short_read;

static void
on_exr_error(exr_const_context_t ctxt, exr_result_t code, const char *msg)
{
    (void) ctxt;
    (void) code;
    snprintf(tl_msg, sizeof tl_msg, "%s", msg ? msg : "");
}

static void
clear_exr_error(void)
{
    tl_msg[0] = '\0';
    tl_short_read = 0;
}

/* Map an OpenEXRCore result to a vfx status and message "<what>: <library message>". */
static vfx_status
exr_fail(exr_result_t rv, const char *what)
{
    vfx_status code;
    switch (rv) {
    case EXR_ERR_OUT_OF_MEMORY: code = VFX_ERR_NOMEM; break;
    case EXR_ERR_FILE_ACCESS:
    case EXR_ERR_WRITE_IO: code = VFX_ERR_IO; break;
    case EXR_ERR_READ_IO: code = tl_short_read ? VFX_ERR_CORRUPT : VFX_ERR_IO; break;
    case EXR_ERR_FEATURE_NOT_IMPLEMENTED: code = VFX_ERR_UNSUPPORTED; break;
    default: code = VFX_ERR_CORRUPT; break;
    }
    const char *msg = tl_msg[0] ? tl_msg : exr_get_default_error_message(rv);
    if (rv == EXR_ERR_READ_IO && tl_short_read)
        return vfx__fail(code, "%s: unexpected end of file (%s)", what, msg);
    return vfx__fail(code, "%s: %s", what, msg);
}

/* ---- the pluggable decompression stages --------------------------------------------------- */

/* OpenEXRCore 3.1.5 has no DWAA/DWAB codec: ours (dwa_codec.c) plugs in here and replaces
 * decode.decompress_fn for DWAA/DWAB chunks (NULL would refuse DWA parts). */
typedef exr_result_t (*exr_stage_fn)(exr_decode_pipeline_t *decode);
static const exr_stage_fn dwa_decompress_stage = vfx__exr_dwa_decompress;

/* A chunk stored raw (packed size == unpacked size: the encoder could not shrink it, and the
 * C++ library then writes the bytes as they are) needs no decompression. OpenEXRCore 3.1.5
 * points unpacked_buffer at packed_buffer for such chunks but still runs the B44 decoder on
 * them, which garbles the edge tiles of B44 files; this stage replaces decompression there. */
static exr_result_t
raw_chunk_stage(exr_decode_pipeline_t *d)
{
    size_t n = (size_t) d->chunk.unpacked_size;
    if (n == 0 || d->unpacked_buffer == d->packed_buffer)
        return EXR_ERR_SUCCESS;
    if (!d->unpacked_buffer || !d->packed_buffer || d->unpacked_alloc_size < n)
        return EXR_ERR_CORRUPT_CHUNK;
    memcpy(d->unpacked_buffer, d->packed_buffer, n);
    return EXR_ERR_SUCCESS;
}

static int
compression_decodable(exr_compression_t c)
{
    if (c == EXR_COMPRESSION_DWAA || c == EXR_COMPRESSION_DWAB)
        return dwa_decompress_stage != NULL;
    return c < EXR_COMPRESSION_LAST_TYPE;
}

static const char *const compression_names[] = { "none",  "rle", "zips", "zip",  "piz",
                                                 "pxr24", "b44", "b44a", "dwaa", "dwab" };

static const char *
compression_name(exr_compression_t c)
{
    return (unsigned) c < VFX__COUNTOF(compression_names) ? compression_names[c] : "unknown";
}

/* ---- reader state ------------------------------------------------------------------------- */

typedef struct exr_part {
    exr_storage_t     storage;
    exr_compression_t compression;
    int32_t           lines_per_chunk;
    int32_t           n_channels;
    int32_t           max_x_sampling, max_y_sampling;
    uint32_t          tile_w, tile_h;
    int32_t          *file_of; /* spec channel -> file channel (see order_channels) */
    /* RIP maps (see rip_chunk_info): bytes of one pixel, the offset table's place and size */
    int32_t           pixel_bytes;
    int32_t           chunk_count;
    uint64_t          table_off;
} exr_part;

typedef struct exr_reader {
    exr_context_t ctx;
    exr_part     *parts;
    int32_t       n_parts;
    int           multipart;
} exr_reader;

static int64_t
rd_read_fn(exr_const_context_t ctxt, void *user, void *buf, uint64_t n, uint64_t offset,
           exr_stream_error_func_ptr_t error_cb)
{
    (void) ctxt;
    (void) error_cb;
    int64_t got = vfx__rd_read(user, buf, n, offset);
    if (got >= 0 && (uint64_t) got < n)
        tl_short_read = 1;
    return got;
}

static int64_t
rd_size_fn(exr_const_context_t ctxt, void *user)
{
    (void) ctxt;
    return ((vfx__rd *) user)->file_size;
}

static int
exr_probe(const uint8_t *head, size_t n)
{
    if (n >= 4 && head[0] == 0x76 && head[1] == 0x2f && head[2] == 0x31 && head[3] == 0x01)
        return 100;
    return 0;
}

static vfx_pixel_type
pixel_type_from_exr(exr_pixel_type_t t)
{
    switch (t) {
    case EXR_PIXEL_UINT: return VFX_PIXEL_U32;
    case EXR_PIXEL_HALF: return VFX_PIXEL_HALF;
    case EXR_PIXEL_FLOAT: return VFX_PIXEL_F32;
    default: return VFX_PIXEL_UNKNOWN;
    }
}

/* ---- attributes: EXR name <-> vfx name (docs/metadata.md) --------------------------------- */

/* Standard attributes that another format can carry the same meaning of take a
 * format-neutral name; every other standard EXR attribute is "openexr:<name>"; custom
 * attributes keep their name. */
static const struct {
    const char *exr, *vfx;
} name_map[] = {
    { "compression", "compression" },
    { "chromaticities", "chromaticities" }, /* PNG cHRM, TIFF and DPX carry them too */
    { "pixelAspectRatio", "PixelAspectRatio" },
    { "screenWindowCenter", "screenWindowCenter" },
    { "screenWindowWidth", "screenWindowWidth" },
    { "comments", "ImageDescription" },
    { "owner", "Copyright" },
    { "capDate", "DateTime" },
    { "expTime", "ExposureTime" },
    { "aperture", "FNumber" },
    { "isoSpeed", "Exif:ISOSpeedRatings" },
    { "xDensity", "XResolution" },
    { "framesPerSecond", "FramesPerSecond" },
    { "timeCode", "smpte:TimeCode" },
    { "keyCode", "smpte:KeyCode" },
    { "worldToCamera", "worldtocamera" },
    { "worldToNDC", "worldtoNDC" },
};

/* Standard EXR attributes published as "openexr:<name>". */
static const char *const openexr_std[] = {
    "whiteLuminance",   "adoptedNeutral",       "renderingTransform",
    "lookModTransform", "utcOffset",       "longitude",            "latitude",
    "altitude",        "focus",            "envmap",               "wrapmodes",
    "multiView",       "deepImageState",   "originalDataWindow",   "dwaCompressionLevel",
    "preview",         "acesImageContainerFlag", "lineOrder",      "view",
    "name",            "type",             "version",              "chunkCount",
    "tiles",           "idManifest",
};

/* Structural attributes the spec already holds another way: not copied into attrs. The
 * part "name" is kept (as "openexr:name"), so that writing the parts again keeps it. */
static const char *const structural[] = {
    "channels", "dataWindow", "displayWindow", "tiles", "type", "version", "chunkCount",
};

static int
in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

/* vfx name for an EXR attribute name, into buf. */
static const char *
vfx_name_of(const char *exr_name, char *buf, size_t cap)
{
    for (size_t i = 0; i < VFX__COUNTOF(name_map); i++)
        if (strcmp(name_map[i].exr, exr_name) == 0)
            return name_map[i].vfx;
    if (in_list(openexr_std, VFX__COUNTOF(openexr_std), exr_name)) {
        snprintf(buf, cap, "openexr:%s", exr_name);
        return buf;
    }
    return exr_name;
}

/* EXR name for a vfx attribute name (inverse of vfx_name_of), into buf. */
static const char *
exr_name_of(const char *vfx_name, char *buf, size_t cap)
{
    for (size_t i = 0; i < VFX__COUNTOF(name_map); i++)
        if (strcmp(name_map[i].vfx, vfx_name) == 0)
            return name_map[i].exr;
    if (strncmp(vfx_name, "openexr:", 8) == 0) {
        snprintf(buf, cap, "%s", vfx_name + 8);
        return buf;
    }
    return vfx_name;
}

static const char *const lineorder_names[] = { "increasingY", "decreasingY", "randomY" };

/* One EXR attribute -> one vfx attribute. */
static vfx_status
import_attr(vfx_attrs *attrs, const exr_attribute_t *a)
{
    char nbuf[300];
    const char *name = vfx_name_of(a->name, nbuf, sizeof nbuf);
    vfx_attr_value v;
    memset(&v, 0, sizeof v);
    const char *stack_items[16];
    const char **items = NULL;
    vfx_status s;
    switch (a->type) {
    case EXR_ATTR_BOX2I:
        v.type = VFX_ATTR_BOX2I;
        v.u.box2i[0] = a->box2i->min.x;
        v.u.box2i[1] = a->box2i->min.y;
        v.u.box2i[2] = a->box2i->max.x;
        v.u.box2i[3] = a->box2i->max.y;
        break;
    case EXR_ATTR_BOX2F:
        v.type = VFX_ATTR_BOX2F;
        v.u.box2f[0] = a->box2f->min.x;
        v.u.box2f[1] = a->box2f->min.y;
        v.u.box2f[2] = a->box2f->max.x;
        v.u.box2f[3] = a->box2f->max.y;
        break;
    case EXR_ATTR_CHROMATICITIES:
        v.type = VFX_ATTR_CHROMATICITIES;
        v.u.chroma[0] = a->chromaticities->red_x;
        v.u.chroma[1] = a->chromaticities->red_y;
        v.u.chroma[2] = a->chromaticities->green_x;
        v.u.chroma[3] = a->chromaticities->green_y;
        v.u.chroma[4] = a->chromaticities->blue_x;
        v.u.chroma[5] = a->chromaticities->blue_y;
        v.u.chroma[6] = a->chromaticities->white_x;
        v.u.chroma[7] = a->chromaticities->white_y;
        break;
    case EXR_ATTR_COMPRESSION:
        v.type = VFX_ATTR_STRING;
        v.u.s = compression_name((exr_compression_t) a->uc);
        break;
    case EXR_ATTR_LINEORDER:
        v.type = VFX_ATTR_STRING;
        v.u.s = a->uc < 3 ? lineorder_names[a->uc] : "unknown";
        break;
    case EXR_ATTR_ENVMAP:
        v.type = VFX_ATTR_INT;
        v.u.i = a->uc;
        break;
    case EXR_ATTR_DOUBLE:
        v.type = VFX_ATTR_DOUBLE;
        v.u.d = a->d;
        break;
    case EXR_ATTR_FLOAT:
        v.type = VFX_ATTR_FLOAT;
        v.u.f = a->f;
        break;
    case EXR_ATTR_INT:
        v.type = VFX_ATTR_INT;
        v.u.i = a->i;
        break;
    case EXR_ATTR_FLOAT_VECTOR:
        v.type = VFX_ATTR_FLOAT_VEC;
        v.u.fv.p = a->floatvector->arr;
        v.u.fv.n = a->floatvector->length;
        break;
    case EXR_ATTR_KEYCODE:
        v.type = VFX_ATTR_KEYCODE;
        v.u.keycode.film_mfc_code = a->keycode->film_mfc_code;
        v.u.keycode.film_type = a->keycode->film_type;
        v.u.keycode.prefix = a->keycode->prefix;
        v.u.keycode.count = a->keycode->count;
        v.u.keycode.perf_offset = a->keycode->perf_offset;
        v.u.keycode.perfs_per_frame = a->keycode->perfs_per_frame;
        v.u.keycode.perfs_per_count = a->keycode->perfs_per_count;
        break;
    case EXR_ATTR_M33F:
        v.type = VFX_ATTR_M33F;
        memcpy(v.u.m33f, a->m33f->m, sizeof v.u.m33f);
        break;
    case EXR_ATTR_M33D:
        v.type = VFX_ATTR_M33D;
        memcpy(v.u.m33d, a->m33d->m, sizeof v.u.m33d);
        break;
    case EXR_ATTR_M44F:
        v.type = VFX_ATTR_M44F;
        memcpy(v.u.m44f, a->m44f->m, sizeof v.u.m44f);
        break;
    case EXR_ATTR_M44D:
        v.type = VFX_ATTR_M44D;
        memcpy(v.u.m44d, a->m44d->m, sizeof v.u.m44d);
        break;
    case EXR_ATTR_RATIONAL:
        v.type = VFX_ATTR_RATIONAL;
        v.u.rational.num = a->rational->num;
        v.u.rational.den = a->rational->denom;
        break;
    case EXR_ATTR_STRING:
        v.type = VFX_ATTR_STRING;
        v.u.s = a->string->str ? a->string->str : "";
        break;
    case EXR_ATTR_STRING_VECTOR: {
        int32_t n = a->stringvector->n_strings;
        if (n < 0)
            return vfx__fail(VFX_ERR_CORRUPT, "attribute %s: bad string count", a->name);
        items = n <= 16 ? stack_items : vfx__calloc((size_t) n, sizeof *items);
        if (!items)
            return vfx__nomem();
        for (int32_t i = 0; i < n; i++)
            items[i] = a->stringvector->strings[i].str ? a->stringvector->strings[i].str : "";
        v.type = VFX_ATTR_STRING_LIST;
        v.u.sl.items = items;
        v.u.sl.n = n;
        break;
    }
    case EXR_ATTR_TIMECODE:
        v.type = VFX_ATTR_TIMECODE;
        v.u.timecode.time_and_flags = a->timecode->time_and_flags;
        v.u.timecode.user_data = a->timecode->user_data;
        break;
    case EXR_ATTR_V2I:
        v.type = VFX_ATTR_V2I;
        v.u.v2i[0] = a->v2i->x;
        v.u.v2i[1] = a->v2i->y;
        break;
    case EXR_ATTR_V2F:
        v.type = VFX_ATTR_V2F;
        v.u.v2f[0] = a->v2f->x;
        v.u.v2f[1] = a->v2f->y;
        break;
    case EXR_ATTR_V2D:
        v.type = VFX_ATTR_V2D;
        v.u.v2d[0] = a->v2d->x;
        v.u.v2d[1] = a->v2d->y;
        break;
    case EXR_ATTR_V3I:
        v.type = VFX_ATTR_V3I;
        memcpy(v.u.v3i, a->v3i->arr, sizeof v.u.v3i);
        break;
    case EXR_ATTR_V3F:
        v.type = VFX_ATTR_V3F;
        memcpy(v.u.v3f, a->v3f->arr, sizeof v.u.v3f);
        break;
    case EXR_ATTR_V3D:
        v.type = VFX_ATTR_V3D;
        memcpy(v.u.v3d, a->v3d->arr, sizeof v.u.v3d);
        break;
    case EXR_ATTR_PREVIEW: {
        /* kept byte-for-byte in the file's layout: u32 width, u32 height (little endian),
         * then width * height RGBA bytes */
        const exr_attr_preview_t *p = a->preview;
        uint64_t n = (uint64_t) p->width * p->height * 4u;
        if (n > (1u << 28) || (n > 0 && !p->rgba))
            return vfx__fail(VFX_ERR_CORRUPT, "attribute %s: bad preview size", a->name);
        uint8_t *blob = vfx__alloc((size_t) n + 8);
        if (!blob)
            return vfx__nomem();
        for (int i = 0; i < 4; i++) {
            blob[i] = (uint8_t) (p->width >> (8 * i));
            blob[4 + i] = (uint8_t) (p->height >> (8 * i));
        }
        if (n)
            memcpy(blob + 8, p->rgba, (size_t) n);
        v.type = VFX_ATTR_BLOB;
        v.u.blob.type_name = "preview";
        v.u.blob.data = blob;
        v.u.blob.size = (size_t) n + 8;
        s = vfx_attrs_set(attrs, name, &v);
        vfx__free(blob);
        return s;
    }
    case EXR_ATTR_TILEDESC: {
        /* only a custom attribute can reach here ("tiles" is structural) */
        uint8_t raw[9];
        for (int i = 0; i < 4; i++) {
            raw[i] = (uint8_t) (a->tiledesc->x_size >> (8 * i));
            raw[4 + i] = (uint8_t) (a->tiledesc->y_size >> (8 * i));
        }
        raw[8] = a->tiledesc->level_and_round;
        v.type = VFX_ATTR_BLOB;
        v.u.blob.type_name = "tiledesc";
        v.u.blob.data = raw;
        v.u.blob.size = sizeof raw;
        return vfx_attrs_set(attrs, name, &v);
    }
    case EXR_ATTR_CHLIST:
        return VFX_OK; /* only "channels" (structural) is expected; a custom one is dropped */
    case EXR_ATTR_OPAQUE:
    default:
        if (!a->opaque || a->opaque->size < 0 || (a->opaque->size > 0 && !a->opaque->packed_data))
            return VFX_OK;
        v.type = VFX_ATTR_BLOB;
        v.u.blob.type_name = a->type_name ? a->type_name : "";
        v.u.blob.data = a->opaque->packed_data;
        v.u.blob.size = (size_t) a->opaque->size;
        break;
    }
    s = vfx_attrs_set(attrs, name, &v);
    if (items && items != stack_items)
        vfx__free(items);
    return s;
}

/* ---- open --------------------------------------------------------------------------------- */

static vfx_status
box_to_rect(const exr_attr_box2i_t *b, vfx_rect *out)
{
    /* inclusive max -> half-open: max + 1 must not overflow */
    if (b->max.x == INT32_MAX || b->max.y == INT32_MAX || b->max.x < b->min.x ||
        b->max.y < b->min.y)
        return VFX_ERR_CORRUPT;
    out->x0 = b->min.x;
    out->y0 = b->min.y;
    out->x1 = b->max.x + 1;
    out->y1 = b->max.y + 1;
    return VFX_OK;
}

static int32_t
floor_div(int32_t a, int32_t b)
{
    int32_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Where a channel goes in the spec. EXR stores channels sorted by name (A, B, G, R); users
 * and OpenImageIO expect R, G, B, A. As OIIO does: layers (the name before the last '.') in
 * order of first appearance, and inside a layer red, green, blue, alpha first, then the
 * other channels in file order. */
static int
channel_rank(const char *name)
{
    const char *dot = strrchr(name, '.');
    const char *suffix = dot ? dot + 1 : name;
    static const char *const names[4][3] = {
        { "R", "r", "red" }, { "G", "g", "green" }, { "B", "b", "blue" }, { "A", "a", "alpha" }
    };
    for (int k = 0; k < 4; k++)
        for (int j = 0; j < 3; j++)
            if (strcmp(suffix, names[k][j]) == 0)
                return k;
    return 4;
}

typedef struct chan_key {
    const char *name;
    size_t      layer_len; /* bytes before the last '.', 0 for no layer */
    int32_t     index;     /* file index */
    int64_t     key;       /* (first file index of its layer, rank, file index) */
} chan_key;

static int
by_layer(const void *a, const void *b)
{
    const chan_key *x = a, *y = b;
    size_t n = VFX__MIN(x->layer_len, y->layer_len);
    int    c = memcmp(x->name, y->name, n);
    if (c == 0 && x->layer_len != y->layer_len)
        c = x->layer_len < y->layer_len ? -1 : 1;
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

static int
by_key(const void *a, const void *b)
{
    const chan_key *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

/* Fill order[0..n) with file channel indexes in spec order; O(n log n) for hostile lists. */
static vfx_status
order_channels(const exr_attr_chlist_t *cl, int32_t *order)
{
    int32_t   n = cl->num_channels;
    chan_key *k = vfx__calloc((size_t) n, sizeof *k);
    if (!k)
        return vfx__nomem();
    for (int32_t i = 0; i < n; i++) {
        const char *name = cl->entries[i].name.str;
        const char *dot = strrchr(name, '.');
        k[i] = (chan_key){ name, dot ? (size_t) (dot - name) : 0, i, 0 };
    }
    qsort(k, (size_t) n, sizeof *k, by_layer);
    int32_t first = 0;
    for (int32_t i = 0; i < n; i++) {
        if (i > 0 && (k[i].layer_len != k[i - 1].layer_len ||
                      memcmp(k[i].name, k[i - 1].name, k[i].layer_len) != 0))
            first = i;
        k[i].key = ((int64_t) k[first].index << 36) | ((int64_t) channel_rank(k[i].name) << 32) |
                   k[i].index;
    }
    qsort(k, (size_t) n, sizeof *k, by_key);
    for (int32_t i = 0; i < n; i++)
        order[i] = k[i].index;
    vfx__free(k);
    return VFX_OK;
}

static vfx_status
open_part(vfx__rd *rd, exr_reader *er, int32_t pi)
{
    exr_context_t ctx = er->ctx;
    exr_part *ep = &er->parts[pi];
    vfx__part *p = &rd->parts[pi];
    exr_result_t rv;
    char what[64];
    snprintf(what, sizeof what, "part %d", pi);

    if ((rv = exr_get_storage(ctx, pi, &ep->storage)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, what);
    if ((rv = exr_get_compression(ctx, pi, &ep->compression)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, what);
    int header_only = (rd->flags & VFX_READ_HEADER_ONLY) != 0;
    if (ep->storage == EXR_STORAGE_DEEP_SCANLINE || ep->storage == EXR_STORAGE_DEEP_TILED) {
        if (!header_only)
            return vfx__fail(VFX_ERR_UNSUPPORTED, "part %d: deep %s data is not supported yet",
                             pi, ep->storage == EXR_STORAGE_DEEP_TILED ? "tiled" : "scanline");
    } else if (ep->storage != EXR_STORAGE_SCANLINE && ep->storage != EXR_STORAGE_TILED) {
        return vfx__fail(VFX_ERR_CORRUPT, "part %d: unknown storage type", pi);
    }
    if (!compression_decodable(ep->compression) && !header_only) {
        if (ep->compression == EXR_COMPRESSION_DWAA || ep->compression == EXR_COMPRESSION_DWAB)
            return vfx__fail(VFX_ERR_UNSUPPORTED,
                             "part %d: %s compression is not supported (OpenEXRCore 3.1.5 "
                             "has no DWA codec)",
                             pi, ep->compression == EXR_COMPRESSION_DWAA ? "DWAA" : "DWAB");
        return vfx__fail(VFX_ERR_CORRUPT, "part %d: unknown compression %d", pi,
                         (int) ep->compression);
    }

    /* windows */
    exr_attr_box2i_t dw, dispw;
    if ((rv = exr_get_data_window(ctx, pi, &dw)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, what);
    if ((rv = exr_get_display_window(ctx, pi, &dispw)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, what);
    if (box_to_rect(&dw, &p->spec.data) != VFX_OK)
        return vfx__fail(VFX_ERR_CORRUPT, "part %d: invalid data window (%d, %d) - (%d, %d)", pi,
                         dw.min.x, dw.min.y, dw.max.x, dw.max.y);
    if (box_to_rect(&dispw, &p->spec.display) != VFX_OK)
        return vfx__fail(VFX_ERR_CORRUPT, "part %d: invalid display window (%d, %d) - (%d, %d)",
                         pi, dispw.min.x, dispw.min.y, dispw.max.x, dispw.max.y);
    int64_t w = vfx_rect_width(p->spec.data), h = vfx_rect_height(p->spec.data);
    if (w > INT32_MAX || h > INT32_MAX || w * h > rd->max_pixels)
        return vfx__fail(VFX_ERR_LIMIT, "part %d: %" PRId64 " x %" PRId64
                         " pixels is over the limit of %" PRId64, pi, w, h, rd->max_pixels);

    /* channels */
    const exr_attr_chlist_t *cl = NULL;
    if ((rv = exr_get_channels(ctx, pi, &cl)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, what);
    if (!cl || cl->num_channels <= 0 || cl->num_channels > 16384)
        return vfx__fail(VFX_ERR_CORRUPT, "part %d: %d channels", pi, cl ? cl->num_channels : 0);
    VFX_TRY(vfx_channels_new(&p->spec.channels));
    ep->n_channels = cl->num_channels;
    ep->max_x_sampling = ep->max_y_sampling = 1;
    ep->file_of = vfx__calloc((size_t) cl->num_channels, sizeof *ep->file_of);
    if (!ep->file_of)
        return vfx__nomem();
    VFX_TRY(order_channels(cl, ep->file_of));
    for (int si = 0; si < cl->num_channels; si++) {
        int                            i = ep->file_of[si];
        const exr_attr_chlist_entry_t *e = &cl->entries[i];
        vfx_pixel_type t = pixel_type_from_exr(e->pixel_type);
        int32_t xs = e->x_sampling, ys = e->y_sampling;
        if (t == VFX_PIXEL_UNKNOWN || xs < 1 || ys < 1 || !e->name.str)
            return vfx__fail(VFX_ERR_CORRUPT, "part %d: channel %d: bad type or sampling", pi, i);
        if (xs > 1 || ys > 1) {
            if (ep->storage != EXR_STORAGE_SCANLINE || xs > 1024 || ys > 1024 ||
                p->spec.data.x0 % xs != 0 || p->spec.data.y0 % ys != 0 || w % xs != 0 ||
                h % ys != 0)
                return vfx__fail(VFX_ERR_CORRUPT,
                                 "part %d: channel %s: sampling %d x %d does not fit the data "
                                 "window", pi, e->name.str, xs, ys);
        }
        ep->max_x_sampling = VFX__MAX(ep->max_x_sampling, xs);
        ep->max_y_sampling = VFX__MAX(ep->max_y_sampling, ys);
        vfx_status s = vfx_channels_add(p->spec.channels, e->name.str, t, xs, ys);
        if (s == VFX_ERR_ARG)
            return vfx__fail(VFX_ERR_CORRUPT, "part %d: channel %d: %s", pi, i,
                             vfx_error_message());
        VFX_TRY(s);
    }

    /* OpenEXRCore 3.1.5 lays out the FLOAT / UINT channels of a B44(A) chunk differently
     * from OpenEXR's C++ library (which writes the files in the wild): refuse rather than
     * return wrong pixels. */
    if ((ep->compression == EXR_COMPRESSION_B44 || ep->compression == EXR_COMPRESSION_B44A) &&
        !header_only) {
        for (int i = 0; i < cl->num_channels; i++)
            if (cl->entries[i].pixel_type != EXR_PIXEL_HALF)
                return vfx__fail(VFX_ERR_UNSUPPORTED,
                                 "part %d: %s compression with FLOAT/UINT channels (%s) is not "
                                 "supported (OpenEXRCore 3.1.5 decodes it wrongly)",
                                 pi, compression_name(ep->compression), cl->entries[i].name.str);
    }

    /* levels and chunking */
    if (ep->storage == EXR_STORAGE_TILED || ep->storage == EXR_STORAGE_DEEP_TILED) {
        exr_tile_level_mode_t lm;
        exr_tile_round_mode_t rm;
        if ((rv = exr_get_tile_descriptor(ctx, pi, &ep->tile_w, &ep->tile_h, &lm, &rm)) !=
            EXR_ERR_SUCCESS)
            return exr_fail(rv, what);
        if (ep->tile_w == 0 || ep->tile_h == 0 || ep->tile_w > (1u << 16) ||
            ep->tile_h > (1u << 16) ||
            (uint64_t) ep->tile_w * ep->tile_h * (uint64_t) cl->num_channels * 4u > (1u << 30))
            return vfx__fail(VFX_ERR_LIMIT, "part %d: tile size %u x %u is too large", pi,
                             ep->tile_w, ep->tile_h);
        int32_t nlx = 1, nly = 1;
        if ((rv = exr_get_tile_levels(ctx, pi, &nlx, &nly)) != EXR_ERR_SUCCESS)
            return exr_fail(rv, what);
        ep->pixel_bytes = 0;
        for (int c = 0; c < cl->num_channels; c++)
            ep->pixel_bytes += cl->entries[c].pixel_type == EXR_PIXEL_HALF ? 2 : 4;
        if ((rv = exr_get_chunk_count(ctx, pi, &ep->chunk_count)) != EXR_ERR_SUCCESS)
            return exr_fail(rv, what);
        p->level_mode = lm == EXR_TILE_MIPMAP_LEVELS   ? VFX_LEVELS_MIPMAP
                        : lm == EXR_TILE_RIPMAP_LEVELS ? VFX_LEVELS_RIPMAP
                                                       : VFX_LEVELS_ONE;
        p->n_levels_x = nlx;
        p->n_levels_y = nly;
        VFX_TRY(vfx__part_alloc_levels(p));
        for (int32_t ly = 0; ly < nly; ly++) {
            for (int32_t lx = 0; lx < nlx; lx++) {
                if (p->level_mode == VFX_LEVELS_MIPMAP && lx != ly)
                    continue;
                int32_t lw = 0, lh = 0;
                if ((rv = exr_get_level_sizes(ctx, pi, lx, ly, &lw, &lh)) != EXR_ERR_SUCCESS)
                    return exr_fail(rv, what);
                if (lw <= 0 || lh <= 0 || lw > w || lh > h)
                    return vfx__fail(VFX_ERR_CORRUPT, "part %d: level (%d, %d) size %d x %d",
                                     pi, lx, ly, lw, lh);
                size_t k = (size_t) lx + (size_t) ly * (size_t) nlx;
                p->level_rect[k] = vfx_rect_make(p->spec.data.x0, p->spec.data.y0, lw, lh);
                vfx_chunking *c = &p->level_chunking[k];
                c->access = VFX_ACCESS_RANDOM_TILES;
                c->chunk_w = (int32_t) ep->tile_w;
                c->chunk_h = (int32_t) ep->tile_h;
                c->origin_x = p->spec.data.x0;
                c->origin_y = p->spec.data.y0;
                c->n_x = (int32_t) (((int64_t) lw + c->chunk_w - 1) / c->chunk_w);
                c->n_y = (int32_t) (((int64_t) lh + c->chunk_h - 1) / c->chunk_h);
            }
        }
    } else {
        int32_t lpc = 1;
        if ((rv = exr_get_scanlines_per_chunk(ctx, pi, &lpc)) != EXR_ERR_SUCCESS)
            return exr_fail(rv, what);
        if (lpc < 1 || lpc > 256)
            return vfx__fail(VFX_ERR_CORRUPT, "part %d: %d scanlines per chunk", pi, lpc);
        if ((uint64_t) w * (uint64_t) lpc * (uint64_t) cl->num_channels * 4u > (1ull << 30))
            return vfx__fail(VFX_ERR_LIMIT, "part %d: chunks of %" PRId64 " x %d x %d "
                             "channels are too large", pi, w, lpc, cl->num_channels);
        ep->lines_per_chunk = lpc;
        p->level_mode = VFX_LEVELS_ONE;
        p->n_levels_x = p->n_levels_y = 1;
        VFX_TRY(vfx__part_alloc_levels(p));
        p->level_rect[0] = p->spec.data;
        vfx_chunking *c = &p->level_chunking[0];
        c->access = VFX_ACCESS_RANDOM_STRIPS;
        c->chunk_w = (int32_t) w;
        c->chunk_h = lpc;
        c->origin_x = p->spec.data.x0;
        c->origin_y = p->spec.data.y0;
        c->n_x = 1;
        c->n_y = (int32_t) ((h + lpc - 1) / lpc);
    }

    /* A hostile header can declare hundreds of millions of chunks: OpenEXRCore would
     * allocate and fill their offset table (8 bytes each, gigabytes) before finding that the
     * file cannot hold it. The table alone must fit in the file. */
    if (!header_only && rd->file_size >= 0) {
        int32_t nc = 0;
        if ((rv = exr_get_chunk_count(ctx, pi, &nc)) != EXR_ERR_SUCCESS)
            return exr_fail(rv, what);
        if (nc < 0 || (uint64_t) nc * 8u > (uint64_t) rd->file_size)
            return vfx__fail(VFX_ERR_CORRUPT, "part %d: the header declares %d chunks (a %"
                             PRId64 " x %" PRId64 " data window), whose offset table alone "
                             "needs %" PRIu64 " bytes but the file has %" PRId64
                             ": truncated or damaged", pi, nc, w, h, (uint64_t) nc * 8u,
                             (int64_t) rd->file_size);
    }

    /* name, view and attributes */
    const char *pname = NULL;
    if (exr_get_name(ctx, pi, &pname) == EXR_ERR_SUCCESS && pname) {
        p->name = vfx__strdup(pname);
        if (!p->name)
            return vfx__nomem();
    }
    VFX_TRY(vfx_attrs_new(&p->spec.attrs));
    int32_t n_attrs = 0;
    if ((rv = exr_get_attribute_count(ctx, pi, &n_attrs)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, what);
    for (int32_t i = 0; i < n_attrs; i++) {
        const exr_attribute_t *a = NULL;
        if ((rv = exr_get_attribute_by_index(ctx, pi, EXR_ATTR_LIST_FILE_ORDER, i, &a)) !=
            EXR_ERR_SUCCESS)
            return exr_fail(rv, what);
        if (!a || !a->name || in_list(structural, VFX__COUNTOF(structural), a->name))
            continue;
        if (strcmp(a->name, "view") == 0 && a->type == EXR_ATTR_STRING && a->string->str &&
            !p->view) {
            p->view = vfx__strdup(a->string->str);
            if (!p->view)
                return vfx__nomem();
        }
        if (strcmp(a->name, "multiView") == 0 && a->type == EXR_ATTR_STRING_VECTOR &&
            a->stringvector->n_strings > 0 && a->stringvector->strings[0].str && !p->view) {
            /* the first view of a multi-view part is its default view */
            p->view = vfx__strdup(a->stringvector->strings[0].str);
            if (!p->view)
                return vfx__nomem();
        }
        int essential = strcmp(a->name, "compression") == 0 ||
                        strcmp(a->name, "pixelAspectRatio") == 0 ||
                        strcmp(a->name, "screenWindowCenter") == 0 ||
                        strcmp(a->name, "screenWindowWidth") == 0 ||
                        strcmp(a->name, "lineOrder") == 0;
        if ((rd->flags & VFX_READ_NO_METADATA) && !essential)
            continue;
        vfx_status s = import_attr(p->spec.attrs, a);
        if (s == VFX_ERR_ARG)
            return vfx__fail(VFX_ERR_CORRUPT, "part %d: attribute %s: %s", pi, a->name,
                             vfx_error_message());
        VFX_TRY(s);
    }
    return VFX_OK;
}

static void
exr_close(vfx__rd *rd)
{
    exr_reader *er = rd->priv;
    if (!er)
        return;
    if (er->ctx)
        exr_finish(&er->ctx);
    for (int32_t i = 0; er->parts && i < er->n_parts; i++)
        vfx__free(er->parts[i].file_of);
    vfx__free(er->parts);
    vfx__free(er);
    rd->priv = NULL;
}

static void *
exr_alloc_fn(size_t n)
{
    return vfx__alloc(n);
}

static void
exr_free_fn(void *p)
{
    vfx__free(p);
}

/* ---- RIP maps: OpenEXRCore 3.1.5 looks up the tiles of levels with level_y > 0 under the
 * wrong offset-table entries (its index sums only the x levels before level_x for each
 * earlier level_y), so such files -- OpenEXR's own included -- fail to read. For those
 * tiles the reader finds the entry itself. OpenEXRCore 3.1.5 does not say where the offset
 * tables are, so the headers are walked here (a small hand parser of the attribute list:
 * name, type, size, value; bounds checked against the file size). */

typedef struct hdr_cursor {
    vfx__rd *rd;
    uint64_t pos;
    uint8_t  buf[4096];
    uint64_t buf_at; /* file offset of buf[0] */
    size_t   buf_n;
} hdr_cursor;

static vfx_status
hdr_byte(hdr_cursor *h, uint8_t *out)
{
    if (h->pos < h->buf_at || h->pos >= h->buf_at + h->buf_n) {
        int64_t got = vfx__rd_read(h->rd, h->buf, sizeof h->buf, h->pos);
        if (got <= 0)
            return vfx__fail(VFX_ERR_CORRUPT, "header ends early at byte %" PRIu64, h->pos);
        h->buf_at = h->pos;
        h->buf_n = (size_t) got;
    }
    *out = h->buf[h->pos - h->buf_at];
    h->pos++;
    return VFX_OK;
}

/* Skip a NUL-terminated name of at most 255 characters; *empty_out = it was "". */
static vfx_status
hdr_skip_name(hdr_cursor *h, int *empty_out)
{
    uint8_t b = 1;
    int n = 0;
    while (b != 0) {
        VFX_TRY(hdr_byte(h, &b));
        if (++n > 256)
            return vfx__fail(VFX_ERR_CORRUPT, "header: attribute name too long");
    }
    if (empty_out)
        *empty_out = n == 1;
    return VFX_OK;
}

static vfx_status
find_chunk_tables(vfx__rd *rd, exr_reader *er)
{
    hdr_cursor h;
    memset(&h, 0, sizeof h);
    h.rd = rd;
    h.pos = 4;
    uint8_t v[4];
    for (int i = 0; i < 4; i++)
        VFX_TRY(hdr_byte(&h, &v[i]));
    er->multipart = (v[1] & 0x10) != 0; /* version bit 12 */
    int32_t parts = er->multipart ? er->n_parts : 1;
    for (int32_t p = 0; p < parts; p++) {
        for (int32_t n_attr = 0;; n_attr++) {
            int empty = 0;
            VFX_TRY(hdr_skip_name(&h, &empty));
            if (empty)
                break;
            if (n_attr > 100000)
                return vfx__fail(VFX_ERR_CORRUPT, "header: too many attributes");
            VFX_TRY(hdr_skip_name(&h, NULL));
            uint8_t sz[4];
            for (int i = 0; i < 4; i++)
                VFX_TRY(hdr_byte(&h, &sz[i]));
            int32_t size = (int32_t) ((uint32_t) sz[0] | (uint32_t) sz[1] << 8 |
                                      (uint32_t) sz[2] << 16 | (uint32_t) sz[3] << 24);
            if (size < 0 ||
                (rd->file_size >= 0 && h.pos + (uint64_t) size > (uint64_t) rd->file_size))
                return vfx__fail(VFX_ERR_CORRUPT, "header: attribute size %d", size);
            h.pos += (uint64_t) size;
        }
    }
    if (er->multipart) { /* the empty header that ends the list */
        int empty = 0;
        VFX_TRY(hdr_skip_name(&h, &empty));
        if (!empty)
            return vfx__fail(VFX_ERR_CORRUPT, "header: more parts than announced");
    }
    for (int32_t p = 0; p < er->n_parts; p++) {
        er->parts[p].table_off = h.pos;
        h.pos += (uint64_t) er->parts[p].chunk_count * 8u;
    }
    return VFX_OK;
}

/* Chunk info of tile (tx, ty) of RIP level (lx, ly), read from the offset table at the index
 * OpenEXR's C++ library uses (levels row by row, tiles row-major) and checked against the
 * chunk's own leader. */
static vfx_status
rip_chunk_info(vfx__rd *rd, const exr_reader *er, int32_t pi, int32_t tx, int32_t ty,
               int32_t lx, int32_t ly, exr_chunk_info_t *ci)
{
    const exr_part *ep = &er->parts[pi];
    const vfx__part *p = &rd->parts[pi];
    int64_t idx = 0, nx_here = 0;
    for (int32_t y = 0; y <= ly; y++) {
        const vfx_chunking *cy = &p->level_chunking[(size_t) y * (size_t) p->n_levels_x];
        for (int32_t x = 0; x < p->n_levels_x; x++) {
            const vfx_chunking *cx = &p->level_chunking[x];
            if (y < ly || x < lx)
                idx += (int64_t) cx->n_x * cy->n_y;
            else if (x == lx)
                nx_here = cx->n_x;
        }
    }
    idx += (int64_t) ty * nx_here + tx;
    if (idx < 0 || idx >= ep->chunk_count)
        return vfx__fail(VFX_ERR_CORRUPT, "tile (%d, %d) of level (%d, %d): chunk %" PRId64
                         " past the %d chunks", tx, ty, lx, ly, idx, ep->chunk_count);
    uint8_t b[8 + 24];
    if (vfx__rd_read(rd, b, 8, ep->table_off + (uint64_t) idx * 8u) != 8)
        return vfx__fail(VFX_ERR_CORRUPT, "chunk %" PRId64 ": offset table ends early", idx);
    uint64_t off = 0;
    for (int i = 0; i < 8; i++)
        off |= (uint64_t) b[i] << (8 * i);
    int lead = er->multipart ? 24 : 20;
    if (off > (uint64_t) INT64_MAX || vfx__rd_read(rd, b, (uint64_t) lead, off) != lead)
        return vfx__fail(VFX_ERR_CORRUPT, "chunk %" PRId64 ": offset %" PRIu64
                         " past the end of the file", idx, off);
    int32_t f[6];
    for (int k = 0; k < lead / 4; k++)
        f[k] = (int32_t) ((uint32_t) b[4 * k] | (uint32_t) b[4 * k + 1] << 8 |
                          (uint32_t) b[4 * k + 2] << 16 | (uint32_t) b[4 * k + 3] << 24);
    const int32_t *t = er->multipart ? f + 1 : f;
    if ((er->multipart && f[0] != pi) || t[0] != tx || t[1] != ty || t[2] != lx || t[3] != ly ||
        t[4] < 0 || (rd->file_size >= 0 && off + (uint64_t) lead + (uint64_t) t[4] >
                                               (uint64_t) rd->file_size))
        return vfx__fail(VFX_ERR_CORRUPT, "chunk %" PRId64 ": its leader does not match tile "
                         "(%d, %d) of level (%d, %d)", idx, tx, ty, lx, ly);
    const vfx_rect lr = p->level_rect[(size_t) lx + (size_t) ly * (size_t) p->n_levels_x];
    memset(ci, 0, sizeof *ci);
    ci->idx = (int32_t) idx;
    ci->start_x = tx;
    ci->start_y = ty;
    ci->width = (int32_t) VFX__MIN((int64_t) ep->tile_w,
                                   vfx_rect_width(lr) - (int64_t) tx * ep->tile_w);
    ci->height = (int32_t) VFX__MIN((int64_t) ep->tile_h,
                                    vfx_rect_height(lr) - (int64_t) ty * ep->tile_h);
    ci->level_x = (uint8_t) lx;
    ci->level_y = (uint8_t) ly;
    ci->type = (uint8_t) EXR_STORAGE_TILED;
    ci->compression = (uint8_t) ep->compression;
    ci->data_offset = off + (uint64_t) lead;
    ci->packed_size = (uint64_t) t[4];
    ci->unpacked_size = (uint64_t) ci->width * (uint64_t) ci->height * (uint64_t) ep->pixel_bytes;
    return VFX_OK;
}

static vfx_status
exr_open(vfx__rd *rd)
{
    exr_reader *er = vfx__calloc(1, sizeof *er);
    if (!er)
        return vfx__nomem();
    rd->priv = er;
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = on_exr_error;
    init.alloc_fn = exr_alloc_fn;
    init.free_fn = exr_free_fn;
    init.user_data = rd;
    init.read_fn = rd_read_fn;
    init.size_fn = rd_size_fn;
    if (rd->flags & VFX_READ_STRICT)
        init.flags |= EXR_CONTEXT_FLAG_STRICT_HEADER;
    clear_exr_error();
    exr_result_t rv = exr_start_read(&er->ctx, rd->path, &init);
    if (rv != EXR_ERR_SUCCESS) {
        vfx_status s = exr_fail(rv, "header");
        exr_close(rd);
        return s;
    }
    int n = 0;
    if ((rv = exr_get_count(er->ctx, &n)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, "header");
    if (n <= 0 || n > 100000)
        return vfx__fail(VFX_ERR_CORRUPT, "header: %d parts", n);
    er->parts = vfx__calloc((size_t) n, sizeof *er->parts);
    if (!er->parts)
        return vfx__nomem();
    er->n_parts = n;
    VFX_TRY(vfx__rd_alloc_parts(rd, n));
    for (int32_t i = 0; i < n; i++)
        VFX_TRY(open_part(rd, er, i));
    for (int32_t i = 0; i < n; i++)
        if (rd->parts[i].level_mode == VFX_LEVELS_RIPMAP && rd->parts[i].n_levels_y > 1)
            return find_chunk_tables(rd, er);
    return VFX_OK;
}

/* ---- read --------------------------------------------------------------------------------- */

/* The common case of scatter_chunk(): half channels at full resolution into halves or floats
 * (what the engine's tiles hold), every channel of a pixel in one pass (not one strided pass
 * per channel): the planes are interleaved as 16-bit values, then, for floats, converted in
 * bulk (F16C where present) straight into the request's row. Same values as the per-channel
 * path, fewer passes over memory. @return 0 when the case does not apply (nothing written). */
static int
scatter_halves(const vfx__read_req *req, const exr_decode_pipeline_t *dec, const int32_t *fch,
               uint8_t *const *plane, vfx_rect chunk)
{
    int32_t n = req->n_channels, cw = chunk.x1 - chunk.x0;
    if ((req->type != VFX_PIXEL_HALF && req->type != VFX_PIXEL_F32) || n < 1 || n > 64)
        return 0;
    ptrdiff_t xs = req->x_stride;
    int       to_f32 = req->type == VFX_PIXEL_F32;
    if (to_f32 && xs != (ptrdiff_t) n * 4)
        return 0; /* floats: packed pixels only (the engine's tiles) */
    for (int32_t k = 0; k < n; k++) {
        const exr_coding_channel_info_t *cc = &dec->channels[fch[k]];
        if (!plane[k] || cc->data_type != EXR_PIXEL_HALF || cc->x_samples != 1 ||
            cc->y_samples != 1 || cc->width != cw || cc->height != chunk.y1 - chunk.y0)
            return 0;
    }
    int32_t x0 = VFX__MAX(req->rect.x0, chunk.x0), x1 = VFX__MIN(req->rect.x1, chunk.x1);
    int32_t y0 = VFX__MAX(req->rect.y0, chunk.y0), y1 = VFX__MIN(req->rect.y1, chunk.y1);
    if (x1 <= x0)
        return 1;
    uint16_t        buf[4096]; /* interleaved halves on their way to floats */
    const uint16_t *src[64];
    size_t          step = sizeof buf / sizeof buf[0] / (size_t) n; /* pixels per pass */
    for (int32_t y = y0; y < y1; y++) {
        uint8_t *q = req->dst + (ptrdiff_t) (y - req->rect.y0) * req->y_stride +
                     (ptrdiff_t) (x0 - req->rect.x0) * xs;
        size_t at = (size_t) (y - chunk.y0) * (size_t) cw + (size_t) (x0 - chunk.x0);
        for (int32_t k = 0; k < n; k++)
            src[k] = (const uint16_t *) (const void *) plane[k] + at;
        size_t w = (size_t) (x1 - x0);
        if (!to_f32 && xs == (ptrdiff_t) n * 2 && ((uintptr_t) q & 1) == 0) {
            vfx__interleave_u16(src, n, (uint16_t *) (void *) q, w);
            continue;
        }
        if (!to_f32) {
            for (size_t x = 0; x < w; x++, q += xs)
                for (int32_t k = 0; k < n; k++)
                    memcpy(q + 2 * k, src[k] + x, 2);
            continue;
        }
        for (size_t x = 0; x < w; x += step) {
            size_t m = VFX__MIN(step, w - x);
            vfx__interleave_u16(src, n, buf, m);
            for (int32_t k = 0; k < n; k++)
                src[k] += m;
            if (((uintptr_t) q & 3) == 0)
                vfx_half_to_float_n(buf, (float *) (void *) q, m * (size_t) n);
            else
                (void) vfx_convert_values(buf, VFX_PIXEL_HALF, 2, q, VFX_PIXEL_F32, 4,
                                          m * (size_t) n);
            q += (ptrdiff_t) m * xs;
        }
    }
    return 1;
}

/* Copy the decoded samples of one chunk (planar scratch, native types) into the request. */
static vfx_status
scatter_chunk(const vfx__read_req *req, const exr_decode_pipeline_t *dec, const int32_t *fch,
              uint8_t *const *plane, vfx_rect chunk)
{
    size_t tsize = vfx_pixel_type_size(req->type);
    if (scatter_halves(req, dec, fch, plane, chunk))
        return VFX_OK;
    for (int32_t k = 0; k < req->n_channels; k++) {
        const exr_coding_channel_info_t *cc = &dec->channels[fch[k]];
        if (!plane[k] || cc->height <= 0 || cc->width <= 0)
            continue;
        vfx_pixel_type st = pixel_type_from_exr((exr_pixel_type_t) cc->data_type);
        size_t bpe = (size_t) cc->bytes_per_element;
        int32_t xs = cc->x_samples, ys = cc->y_samples;
        /* the first sampled line of this chunk */
        int32_t first_y = chunk.y0;
        if (ys > 1)
            first_y = (int32_t) (((int64_t) floor_div(chunk.y0 + ys - 1, ys)) * ys);
        for (int32_t r = 0; r < cc->height; r++) {
            int64_t sy = (int64_t) first_y + (int64_t) r * ys;
            int64_t y0 = VFX__MAX(sy, (int64_t) req->rect.y0);
            int64_t y1 = VFX__MIN(sy + ys, (int64_t) req->rect.y1);
            if (ys == 1) {
                y0 = VFX__MAX(y0, (int64_t) chunk.y0);
                y1 = VFX__MIN(y1, (int64_t) chunk.y1);
            }
            const uint8_t *srow = plane[k] + (size_t) r * (size_t) cc->width * bpe;
            for (int64_t y = y0; y < y1; y++) {
                uint8_t *drow = req->dst + (ptrdiff_t) (y - req->rect.y0) * req->y_stride +
                                (ptrdiff_t) k * (ptrdiff_t) tsize;
                int32_t x0 = VFX__MAX(req->rect.x0, chunk.x0);
                int32_t x1 = VFX__MIN(req->rect.x1, chunk.x1);
                if (x1 <= x0)
                    continue;
                if (xs == 1) {
                    VFX_TRY(vfx_convert_values(srow + (size_t) (x0 - chunk.x0) * bpe, st,
                                               (ptrdiff_t) bpe,
                                               drow + (ptrdiff_t) (x0 - req->rect.x0) *
                                                          req->x_stride,
                                               req->type, req->x_stride, (size_t) (x1 - x0)));
                } else {
                    for (int32_t x = x0; x < x1; x++) {
                        int32_t i = (x - chunk.x0) / xs;
                        if (i >= cc->width)
                            i = cc->width - 1;
                        VFX_TRY(vfx_convert_values(
                            srow + (size_t) i * bpe, st, (ptrdiff_t) bpe,
                            drow + (ptrdiff_t) (x - req->rect.x0) * req->x_stride, req->type,
                            req->x_stride, 1));
                    }
                }
            }
        }
    }
    return VFX_OK;
}

typedef struct read_state {
    exr_decode_pipeline_t dec;
    int                   dec_live;
    uint8_t              *scratch;
    size_t                scratch_size;
    int32_t              *fch;   /* file channel of each requested channel */
    uint8_t             **plane; /* per requested channel: its plane in scratch */
} read_state;

/* The unpack stage of a chunk our DWA stage decoded in place: nothing left to do. */
static exr_result_t
unpacked_in_place(exr_decode_pipeline_t *d)
{
    (void) d;
    return EXR_ERR_SUCCESS;
}

/* Whether a DWA chunk can be decoded straight into the request (dwa_int.h,
 * vfx__exr_dwa_decompress_direct): compressed, every file channel asked for once, all halves
 * into halves at full resolution, the chunk inside the request, strides that fit. */
static int
dwa_direct_ok(const vfx__read_req *req, const exr_decode_pipeline_t *d, const int32_t *fch,
              const exr_chunk_info_t *ci, vfx_rect chunk, exr_compression_t comp)
{
    if ((comp != EXR_COMPRESSION_DWAA && comp != EXR_COMPRESSION_DWAB) ||
        ci->packed_size == ci->unpacked_size || req->type != VFX_PIXEL_HALF ||
        req->n_channels != d->channel_count || req->n_channels > 64 ||
        chunk.x0 < req->rect.x0 || chunk.x1 > req->rect.x1 || chunk.y0 < req->rect.y0 ||
        chunk.y1 > req->rect.y1 || req->x_stride < 2 || req->x_stride > INT32_MAX ||
        req->y_stride < 2 || req->y_stride > INT32_MAX)
        return 0;
    uint64_t seen = 0;
    for (int32_t k = 0; k < req->n_channels; k++) {
        if (fch[k] < 0 || fch[k] >= d->channel_count || (seen >> fch[k]) & 1u)
            return 0;
        seen |= UINT64_C(1) << fch[k];
        const exr_coding_channel_info_t *cc = &d->channels[fch[k]];
        if (cc->data_type != EXR_PIXEL_HALF || cc->x_samples != 1 || cc->y_samples != 1 ||
            cc->width != chunk.x1 - chunk.x0 || cc->height != chunk.y1 - chunk.y0)
            return 0;
    }
    return 1;
}

static vfx_status
decode_one(vfx__rd *rd, const vfx__read_req *req, read_state *st, const exr_chunk_info_t *ci,
           vfx_rect chunk, int32_t chunk_no)
{
    exr_reader *er = rd->priv;
    exr_context_t ctx = er->ctx;
    int32_t pi = req->part;
    exr_compression_t comp = er->parts[pi].compression;
    char what[80];
    snprintf(what, sizeof what, "chunk %d", chunk_no);
    exr_result_t rv;
    if (!compression_decodable(comp))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "%s: %s compression is not supported", what,
                         compression_name(comp));
    if (!st->dec_live) {
        st->dec = (exr_decode_pipeline_t) EXR_DECODE_PIPELINE_INITIALIZER;
        if ((rv = exr_decoding_initialize(ctx, pi, ci, &st->dec)) != EXR_ERR_SUCCESS)
            return exr_fail(rv, what);
        st->dec_live = 1;
    } else if ((rv = exr_decoding_update(ctx, pi, ci, &st->dec)) != EXR_ERR_SUCCESS) {
        return exr_fail(rv, what);
    }
    exr_decode_pipeline_t *d = &st->dec;
    if (d->channel_count != er->parts[pi].n_channels)
        return vfx__fail(VFX_ERR_INTERNAL, "%s: channel count changed", what);
    /* scratch: one plane per requested channel at native type */
    size_t need = 0;
    for (int32_t k = 0; k < req->n_channels; k++) {
        const exr_coding_channel_info_t *cc = &d->channels[st->fch[k]];
        if (cc->width < 0 || cc->height < 0)
            return vfx__fail(VFX_ERR_CORRUPT, "%s: negative channel size", what);
        need += (size_t) cc->width * (size_t) cc->height * (size_t) cc->bytes_per_element;
    }
    if (need > st->scratch_size) {
        uint8_t *p = vfx__realloc(st->scratch, need);
        if (!p)
            return vfx__nomem();
        st->scratch = p;
        st->scratch_size = need;
    }
    for (int16_t c = 0; c < d->channel_count; c++)
        d->channels[c].decode_to_ptr = NULL;
    if (dwa_direct_ok(req, d, st->fch, ci, chunk, comp)) {
        /* DWA: decode straight into the caller's buffer, no unpacked buffer, no scatter */
        for (int32_t k = 0; k < req->n_channels; k++) {
            exr_coding_channel_info_t *cc = &d->channels[st->fch[k]];
            cc->decode_to_ptr = req->dst + (ptrdiff_t) (chunk.y0 - req->rect.y0) * req->y_stride +
                                (ptrdiff_t) (chunk.x0 - req->rect.x0) * req->x_stride +
                                (ptrdiff_t) k * 2;
            cc->user_pixel_stride = (int32_t) req->x_stride;
            cc->user_line_stride = (int32_t) req->y_stride;
            cc->user_data_type = cc->data_type;
            cc->user_bytes_per_element = cc->bytes_per_element;
        }
        if ((rv = exr_decoding_choose_default_routines(ctx, pi, d)) != EXR_ERR_SUCCESS)
            return exr_fail(rv, what);
        d->decompress_fn = vfx__exr_dwa_decompress_direct;
        d->unpack_and_convert_fn = unpacked_in_place;
        if ((rv = exr_decoding_run(ctx, pi, d)) != EXR_ERR_SUCCESS)
            return exr_fail(rv, what);
        vfx__rd_count_chunks(rd, 1);
        return VFX_OK;
    }
    size_t off = 0;
    int any = 0;
    for (int32_t k = 0; k < req->n_channels; k++) {
        exr_coding_channel_info_t *cc = &d->channels[st->fch[k]];
        size_t bytes = (size_t) cc->width * (size_t) cc->height * (size_t) cc->bytes_per_element;
        st->plane[k] = NULL;
        if (bytes == 0)
            continue;
        if (cc->decode_to_ptr) { /* the same file channel asked twice: share its plane */
            st->plane[k] = cc->decode_to_ptr;
            continue;
        }
        cc->decode_to_ptr = st->scratch + off;
        cc->user_pixel_stride = cc->bytes_per_element;
        cc->user_line_stride = cc->width * cc->bytes_per_element;
        cc->user_data_type = cc->data_type;
        cc->user_bytes_per_element = cc->bytes_per_element;
        st->plane[k] = cc->decode_to_ptr;
        off += bytes;
        any = 1;
    }
    if (!any)
        return VFX_OK; /* no sampled line of the wanted channels in this chunk */
    if ((rv = exr_decoding_choose_default_routines(ctx, pi, d)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, what);
    if ((comp == EXR_COMPRESSION_DWAA || comp == EXR_COMPRESSION_DWAB) && dwa_decompress_stage)
        d->decompress_fn = dwa_decompress_stage;
    if (comp == EXR_COMPRESSION_ZIP || comp == EXR_COMPRESSION_ZIPS)
        d->decompress_fn = vfx__exr_zip_decompress; /* libdeflate (exr_zip.c), not zlib */
    if (comp != EXR_COMPRESSION_NONE && ci->packed_size == ci->unpacked_size && d->decompress_fn)
        d->decompress_fn = raw_chunk_stage;
    if ((rv = exr_decoding_run(ctx, pi, d)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, what);
    vfx__rd_count_chunks(rd, 1);
    return scatter_chunk(req, d, st->fch, st->plane, chunk);
}

static vfx_status
read_chunks(vfx__rd *rd, const vfx__read_req *req, read_state *st)
{
    exr_reader *er = rd->priv;
    const exr_part *ep = &er->parts[req->part];
    const vfx__part *p = &rd->parts[req->part];
    size_t li = (size_t) req->level_x + (size_t) req->level_y * (size_t) p->n_levels_x;
    const vfx_chunking *c = &p->level_chunking[li];
    vfx_rect lr = p->level_rect[li];
    /* a subsampled channel's sample for row y sits on the row floor(y / ys) * ys, which may
     * lie in an earlier chunk */
    int32_t need_y0 = req->rect.y0, need_x0 = req->rect.x0;
    if (ep->max_y_sampling > 1)
        need_y0 = VFX__MAX(lr.y0, floor_div(need_y0, ep->max_y_sampling) * ep->max_y_sampling);
    if (ep->max_x_sampling > 1)
        need_x0 = VFX__MAX(lr.x0, floor_div(need_x0, ep->max_x_sampling) * ep->max_x_sampling);
    int32_t j0 = (int32_t) (((int64_t) need_y0 - c->origin_y) / c->chunk_h);
    int32_t j1 = (int32_t) (((int64_t) req->rect.y1 - 1 - c->origin_y) / c->chunk_h);
    int32_t i0 = (int32_t) (((int64_t) need_x0 - c->origin_x) / c->chunk_w);
    int32_t i1 = (int32_t) (((int64_t) req->rect.x1 - 1 - c->origin_x) / c->chunk_w);
    exr_result_t rv;
    for (int32_t j = j0; j <= j1; j++) {
        for (int32_t i = i0; i <= i1; i++) {
            exr_chunk_info_t ci;
            int32_t chunk_no;
            clear_exr_error();
            if (ep->storage == EXR_STORAGE_TILED) {
                chunk_no = i + j * c->n_x;
                if (p->level_mode == VFX_LEVELS_RIPMAP && req->level_y > 0) {
                    char what[64];
                    snprintf(what, sizeof what, "chunk %d", chunk_no);
                    vfx_status rs = rip_chunk_info(rd, er, req->part, i, j, req->level_x,
                                                   req->level_y, &ci);
                    if (rs != VFX_OK)
                        return rs;
                    rv = EXR_ERR_SUCCESS;
                } else {
                    rv = exr_read_tile_chunk_info(er->ctx, req->part, i, j, req->level_x,
                                                  req->level_y, &ci);
                }
            } else {
                chunk_no = j;
                int32_t y = (int32_t) ((int64_t) c->origin_y + (int64_t) j * c->chunk_h);
                rv = exr_read_scanline_chunk_info(er->ctx, req->part, y, &ci);
            }
            if (rv != EXR_ERR_SUCCESS) {
                char what[64];
                snprintf(what, sizeof what, "chunk %d", chunk_no);
                return exr_fail(rv, what);
            }
            /* the chunk must be the one asked for, inside the level (tiles give their
             * position as tile indexes, strips as pixel coordinates) */
            vfx_rect chunk = { c->origin_x + i * c->chunk_w, c->origin_y + j * c->chunk_h, 0, 0 };
            int pos_ok = ep->storage == EXR_STORAGE_TILED
                             ? ci.start_x == i && ci.start_y == j
                             : ci.start_x == chunk.x0 && ci.start_y == chunk.y0;
            if (!pos_ok || ci.width <= 0 || ci.height <= 0 || ci.width > c->chunk_w ||
                ci.height > c->chunk_h || (int64_t) chunk.x0 + ci.width > lr.x1 ||
                (int64_t) chunk.y0 + ci.height > lr.y1)
                return vfx__fail(VFX_ERR_CORRUPT, "chunk %d: bad position or size", chunk_no);
            chunk.x1 = chunk.x0 + ci.width;
            chunk.y1 = chunk.y0 + ci.height;
            VFX_TRY(decode_one(rd, req, st, &ci, chunk, chunk_no));
        }
    }
    return VFX_OK;
}

static vfx_status
exr_read_rect(vfx__rd *rd, const vfx__read_req *req)
{
    read_state st;
    memset(&st, 0, sizeof st);
    st.fch = vfx__calloc((size_t) req->n_channels, sizeof *st.fch);
    st.plane = vfx__calloc((size_t) req->n_channels, sizeof *st.plane);
    vfx_status s;
    if (!st.fch || !st.plane) {
        s = vfx__nomem();
    } else {
        const exr_reader *er = rd->priv;
        const int32_t    *file_of = er->parts[req->part].file_of;
        for (int32_t k = 0; k < req->n_channels; k++)
            st.fch[k] = file_of[req->channels[k]];
        s = read_chunks(rd, req, &st);
    }
    if (st.dec_live) {
        exr_reader *er = rd->priv;
        exr_decoding_destroy(er->ctx, &st.dec);
    }
    vfx__free(st.scratch);
    vfx__free(st.fch);
    vfx__free(st.plane);
    return s;
}

/* ---- write -------------------------------------------------------------------------------- */

typedef struct exr_writer {
    exr_context_t         ctx;
    int32_t               n_channels;
    int32_t              *file_of;    /* spec channel -> file channel */
    vfx_pixel_type       *ftype;      /* per spec channel: stored type */
    int32_t              *xsamp, *ysamp; /* per spec channel: x / y sampling (1 = full) */
    uint8_t              *stage;      /* `batch` chunks, each packed or planar (packed_stage) */
    size_t                chunk_bytes; /* one chunk in the stage */
    size_t               *plane_off;  /* per spec channel, within a chunk */
    /* 1: chunks are staged in the file's packed layout (per line, the channels in file order;
     * all halves at full resolution, not DWA), so they go to the compressor as they are,
     * without OpenEXRCore's pack pass; 0: one plane per channel (plane_off) */
    int                   packed_stage;
    int32_t               batch;      /* chunks staged before they are encoded together */
    int32_t               n_ready;    /* complete chunks staged */
    int32_t              *slot_x, *slot_y, *slot_w; /* per slot: tile (x, y) or strip y; width */
    int32_t               lines_per_chunk;
    int32_t               stage_lx, stage_ly; /* the level of the staged tiles */
    vfx_rect              stage_rect;         /* and its data window */
    int32_t               tile_h;
    /* RIP maps: OpenEXRCore 3.1.5 files the tiles of levels with level_y > 0 under wrong
     * (colliding) offset-table entries, so the writer keeps the table itself: the offset of
     * each tile is caught in wr_write_fn, and the library's table is replaced when
     * exr_finish() writes it (see rip_chunk_index) */
    uint64_t             *rip_table;  /* chunk_count entries, or NULL */
    int32_t               chunk_count;
    int                   capture;    /* catching the first offset of a chunk write */
    int64_t               capture_idx;
    uint64_t              captured;
    uint64_t              first_chunk; /* the table sits before every chunk */
    int                   tiled;
    int                   dwa;        /* DWAA/DWAB: our compress stage (dwa_codec.c) */
    int                   zip;        /* ZIP/ZIPS: libdeflate at zip_level (exr_zip.c) */
    int                   zip_level;
    int                   header_written;
    int32_t               part;       /* this part's index in the file */
    int                   owns_ctx;   /* part 0 (or a single part): finishes the file */
    /* Chunks are compressed on many threads at once (exr_write_encode) while one writes:
     * every call into the context (chunk info, encoder set-up and teardown, chunk writes)
     * holds this lock; packing and compressing run outside it. */
    pthread_mutex_t       lock;
    int                   lock_init;
} exr_writer;

static int64_t
wr_write_fn(exr_const_context_t ctxt, void *user, const void *buf, uint64_t n, uint64_t offset,
            exr_stream_error_func_ptr_t error_cb)
{
    (void) ctxt;
    vfx__wr *wr = user;
    exr_writer *ew = wr->priv;
    if (ew && ew->capture && ew->captured == UINT64_MAX) {
        /* the first write of a chunk is its leader: that is where the chunk starts */
        ew->captured = offset;
        ew->rip_table[ew->capture_idx] = offset;
        if (offset < ew->first_chunk)
            ew->first_chunk = offset;
    }
    uint8_t *table = NULL;
    if (ew && ew->rip_table && n == (uint64_t) ew->chunk_count * 8u && offset < ew->first_chunk) {
        /* the offset table: ours, little-endian */
        table = vfx__alloc((size_t) n);
        if (!table) {
            error_cb(ctxt, EXR_ERR_OUT_OF_MEMORY, "offset table");
            return -1;
        }
        for (int32_t i = 0; i < ew->chunk_count; i++)
            for (int b = 0; b < 8; b++)
                table[(size_t) i * 8 + (size_t) b] = (uint8_t) (ew->rip_table[i] >> (8 * b));
        buf = table;
    }
    vfx_status ws = vfx__wr_write(wr, buf, n, offset);
    vfx__free(table);
    if (ws != VFX_OK) {
        error_cb(ctxt, EXR_ERR_WRITE_IO, "%s", vfx_error_message());
        return -1;
    }
    return (int64_t) n;
}

static exr_pixel_type_t
exr_type_for(vfx_pixel_type t)
{
    switch (t) {
    case VFX_PIXEL_U32: return EXR_PIXEL_UINT;
    case VFX_PIXEL_F32:
    case VFX_PIXEL_F64: return EXR_PIXEL_FLOAT;
    default: return EXR_PIXEL_HALF; /* half, and u8/u16 (normalised) as OIIO does */
    }
}

static vfx_pixel_type
vfx_type_for(exr_pixel_type_t t)
{
    return pixel_type_from_exr(t);
}

/* Write one vfx attribute under its EXR name with the proper EXR type. */
static vfx_status
export_attr(exr_context_t ctx, int part, const char *vname, const vfx_attr_value *v)
{
    char nbuf[300];
    const char *name = exr_name_of(vname, nbuf, sizeof nbuf);
    /* set by the header setup or structural */
    static const char *const skip[] = {
        "compression", "pixelAspectRatio", "screenWindowCenter", "screenWindowWidth",
        "lineOrder",   "channels",         "dataWindow",         "displayWindow",
        "tiles",       "type",             "version",            "chunkCount",
        "name",        "dwaCompressionLevel",
    };
    if (in_list(skip, VFX__COUNTOF(skip), name) || name[0] == '\0' || strlen(name) > 255)
        return VFX_OK;
    exr_result_t rv = EXR_ERR_SUCCESS;
    switch (v->type) {
    case VFX_ATTR_INT:
        if (strcmp(name, "envmap") == 0)
            rv = exr_attr_set_envmap(ctx, part, name, (exr_envmap_t) v->u.i);
        else
            rv = exr_attr_set_int(ctx, part, name, v->u.i);
        break;
    case VFX_ATTR_FLOAT: rv = exr_attr_set_float(ctx, part, name, v->u.f); break;
    case VFX_ATTR_DOUBLE: rv = exr_attr_set_double(ctx, part, name, v->u.d); break;
    case VFX_ATTR_STRING: rv = exr_attr_set_string(ctx, part, name, v->u.s); break;
    case VFX_ATTR_STRING_LIST:
        rv = exr_attr_set_string_vector(ctx, part, name, v->u.sl.n, (const char **) v->u.sl.items);
        break;
    case VFX_ATTR_FLOAT_VEC: rv = exr_attr_set_float_vector(ctx, part, name, v->u.fv.n, v->u.fv.p); break;
    case VFX_ATTR_INT_VEC: return VFX_OK; /* EXR has no int vector */
    case VFX_ATTR_V2I: {
        exr_attr_v2i_t x = { .arr = { v->u.v2i[0], v->u.v2i[1] } };
        rv = exr_attr_set_v2i(ctx, part, name, &x);
        break;
    }
    case VFX_ATTR_V2F: {
        exr_attr_v2f_t x = { .arr = { v->u.v2f[0], v->u.v2f[1] } };
        rv = exr_attr_set_v2f(ctx, part, name, &x);
        break;
    }
    case VFX_ATTR_V2D: {
        exr_attr_v2d_t x = { .arr = { v->u.v2d[0], v->u.v2d[1] } };
        rv = exr_attr_set_v2d(ctx, part, name, &x);
        break;
    }
    case VFX_ATTR_V3I: {
        exr_attr_v3i_t x = { .arr = { v->u.v3i[0], v->u.v3i[1], v->u.v3i[2] } };
        rv = exr_attr_set_v3i(ctx, part, name, &x);
        break;
    }
    case VFX_ATTR_V3F: {
        exr_attr_v3f_t x = { .arr = { v->u.v3f[0], v->u.v3f[1], v->u.v3f[2] } };
        rv = exr_attr_set_v3f(ctx, part, name, &x);
        break;
    }
    case VFX_ATTR_V3D: {
        exr_attr_v3d_t x = { .arr = { v->u.v3d[0], v->u.v3d[1], v->u.v3d[2] } };
        rv = exr_attr_set_v3d(ctx, part, name, &x);
        break;
    }
    case VFX_ATTR_BOX2I: {
        exr_attr_box2i_t b;
        b.min.x = v->u.box2i[0];
        b.min.y = v->u.box2i[1];
        b.max.x = v->u.box2i[2];
        b.max.y = v->u.box2i[3];
        rv = exr_attr_set_box2i(ctx, part, name, &b);
        break;
    }
    case VFX_ATTR_BOX2F: {
        exr_attr_box2f_t b;
        b.min.x = v->u.box2f[0];
        b.min.y = v->u.box2f[1];
        b.max.x = v->u.box2f[2];
        b.max.y = v->u.box2f[3];
        rv = exr_attr_set_box2f(ctx, part, name, &b);
        break;
    }
    case VFX_ATTR_M33F: {
        exr_attr_m33f_t m;
        memcpy(m.m, v->u.m33f, sizeof m.m);
        rv = exr_attr_set_m33f(ctx, part, name, &m);
        break;
    }
    case VFX_ATTR_M44F: {
        exr_attr_m44f_t m;
        memcpy(m.m, v->u.m44f, sizeof m.m);
        rv = exr_attr_set_m44f(ctx, part, name, &m);
        break;
    }
    case VFX_ATTR_M33D: {
        exr_attr_m33d_t m;
        memcpy(m.m, v->u.m33d, sizeof m.m);
        rv = exr_attr_set_m33d(ctx, part, name, &m);
        break;
    }
    case VFX_ATTR_M44D: {
        exr_attr_m44d_t m;
        memcpy(m.m, v->u.m44d, sizeof m.m);
        rv = exr_attr_set_m44d(ctx, part, name, &m);
        break;
    }
    case VFX_ATTR_RATIONAL: {
        exr_attr_rational_t r = { v->u.rational.num, v->u.rational.den };
        rv = exr_attr_set_rational(ctx, part, name, &r);
        break;
    }
    case VFX_ATTR_TIMECODE: {
        exr_attr_timecode_t t = { v->u.timecode.time_and_flags, v->u.timecode.user_data };
        rv = exr_attr_set_timecode(ctx, part, name, &t);
        break;
    }
    case VFX_ATTR_KEYCODE: {
        exr_attr_keycode_t k = { v->u.keycode.film_mfc_code, v->u.keycode.film_type,
                                 v->u.keycode.prefix,        v->u.keycode.count,
                                 v->u.keycode.perf_offset,   v->u.keycode.perfs_per_frame,
                                 v->u.keycode.perfs_per_count };
        rv = exr_attr_set_keycode(ctx, part, name, &k);
        break;
    }
    case VFX_ATTR_CHROMATICITIES: {
        exr_attr_chromaticities_t c;
        c.red_x = v->u.chroma[0];
        c.red_y = v->u.chroma[1];
        c.green_x = v->u.chroma[2];
        c.green_y = v->u.chroma[3];
        c.blue_x = v->u.chroma[4];
        c.blue_y = v->u.chroma[5];
        c.white_x = v->u.chroma[6];
        c.white_y = v->u.chroma[7];
        rv = exr_attr_set_chromaticities(ctx, part, name, &c);
        break;
    }
    case VFX_ATTR_BLOB: {
        const char *tn = v->u.blob.type_name ? v->u.blob.type_name : "";
        const uint8_t *b = v->u.blob.data;
        if (strcmp(tn, "preview") == 0) {
            if (v->u.blob.size < 8)
                return VFX_OK;
            exr_attr_preview_t pv;
            memset(&pv, 0, sizeof pv);
            pv.width = (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16 |
                       (uint32_t) b[3] << 24;
            pv.height = (uint32_t) b[4] | (uint32_t) b[5] << 8 | (uint32_t) b[6] << 16 |
                        (uint32_t) b[7] << 24;
            if ((uint64_t) pv.width * pv.height * 4u != v->u.blob.size - 8)
                return VFX_OK; /* inconsistent: drop rather than write a bad preview */
            pv.rgba = b + 8;
            pv.alloc_size = 0;
            rv = exr_attr_set_preview(ctx, part, name, &pv);
        } else if (tn[0] == '\0' || strlen(tn) > 255 || v->u.blob.size > INT32_MAX) {
            return VFX_OK;
        } else {
            rv = exr_attr_set_user(ctx, part, name, tn, (int32_t) v->u.blob.size, b);
        }
        break;
    }
    default: return VFX_OK;
    }
    if (rv != EXR_ERR_SUCCESS) {
        char what[320];
        snprintf(what, sizeof what, "attribute %s", name);
        return exr_fail(rv, what);
    }
    return VFX_OK;
}

static vfx_status
parse_compression(const char *name, exr_compression_t *out)
{
    if (!name || !*name) {
        *out = EXR_COMPRESSION_ZIP;
        return VFX_OK;
    }
    for (size_t i = 0; i < VFX__COUNTOF(compression_names); i++) {
        if (strcasecmp(name, compression_names[i]) == 0) {
            *out = (exr_compression_t) i;
            return VFX_OK;
        }
    }
    return vfx__fail(VFX_ERR_ARG, "unknown compression \"%s\" (none, rle, zips, zip, piz, "
                     "pxr24, b44, b44a)", name);
}

/* ACES AP0 primaries and white (SMPTE ST 2065-1), as EXR stores them (red, green, blue,
 * white; x then y). The colour layer has the same numbers (VFX_PRIMARIES_ACES_AP0), but the
 * I/O layer sits below it. */
static const float aces_ap0[8] = { 0.7347f,  0.2653f, 0.0f,     1.0f,
                                   0.0001f, -0.077f, 0.32168f, 0.33767f };

/* ACES container files (SMPTE ST 2065-4): what they may hold, checked before anything is
 * written. */
static vfx_status
check_aces(const vfx__wr *wr, exr_compression_t comp)
{
    const vfx_spec *sp = &wr->spec;
    if (comp != EXR_COMPRESSION_NONE && comp != EXR_COMPRESSION_PIZ && comp != EXR_COMPRESSION_B44A)
        return vfx__fail(VFX_ERR_ARG, "ACES container files allow only none, piz or b44a "
                         "compression, not %s", compression_name(comp));
    if (wr->opt.tile_w > 0 || wr->opt.tile_h > 0)
        return vfx__fail(VFX_ERR_ARG, "ACES container files are scanline files (no tiles)");
    if (wr->opt.pixel_type != VFX_PIXEL_UNKNOWN && wr->opt.pixel_type != VFX_PIXEL_HALF)
        return vfx__fail(VFX_ERR_ARG, "ACES container files store half channels only");
    int32_t n = vfx_channels_count(sp->channels);
    int seen[4] = { 0, 0, 0, 0 };
    for (int32_t i = 0; i < n; i++) {
        vfx_channel_info ch;
        VFX_TRY(vfx_channels_get(sp->channels, i, &ch));
        const char *p = strchr("RGBA", ch.name[0]);
        if (!p || ch.name[1] != '\0' || seen[p - "RGBA"]++)
            return vfx__fail(VFX_ERR_ARG, "ACES container files hold R, G, B and optionally A; "
                             "not channel %s", ch.name);
    }
    if (!seen[0] || !seen[1] || !seen[2])
        return vfx__fail(VFX_ERR_ARG, "ACES container files need R, G and B channels");
    const vfx_attr_value *v = sp->attrs ? vfx_attrs_get(sp->attrs, "chromaticities") : NULL;
    if (v && v->type == VFX_ATTR_CHROMATICITIES) {
        for (int i = 0; i < 8; i++)
            if (fabsf(v->u.chroma[i] - aces_ap0[i]) > 1e-4f)
                return vfx__fail(VFX_ERR_ARG, "the pixels are labelled with other "
                                 "chromaticities than ACES AP0: convert them to ACES2065-1 "
                                 "before writing an ACES container file");
    }
    return VFX_OK;
}

/* The ACES AP0 chromaticities, as an EXR attribute. */
static exr_attr_chromaticities_t
aces_chromaticities(void)
{
    exr_attr_chromaticities_t c;
    c.red_x = aces_ap0[0];
    c.red_y = aces_ap0[1];
    c.green_x = aces_ap0[2];
    c.green_y = aces_ap0[3];
    c.blue_x = aces_ap0[4];
    c.blue_y = aces_ap0[5];
    c.white_x = aces_ap0[6];
    c.white_y = aces_ap0[7];
    return c;
}

/* A part's header attributes are set in the order OpenEXR's C++ library writes them: sorted
 * by name (OpenEXRCore writes them in the order they were set; "type" and "name" come first,
 * from exr_add_part). Besides matching the C++ library's files, the order matters: OpenEXR
 * 3.1's C++ reader misreads an idManifest attribute that comes first, last or right before
 * "channels", and calls such files incomplete. */
enum hdr_kind {
    HDR_CHANNELS, HDR_COMPRESSION, HDR_DATA_WINDOW, HDR_DISPLAY_WINDOW, HDR_LINE_ORDER,
    HDR_PIXEL_ASPECT, HDR_SCREEN_CENTER, HDR_SCREEN_WIDTH, HDR_TILES, HDR_DWA_LEVEL,
    HDR_MULTIVIEW, HDR_ACES_CHROMA, HDR_ACES_NEUTRAL, HDR_ACES_FLAG, HDR_SPEC
};

typedef struct {
    char name[300];             /* the EXR name: the sort key */
    int32_t seq;                /* among equal names, the later one overrides */
    enum hdr_kind kind;
    const char *vname;          /* HDR_SPEC: the vfx attribute */
    const vfx_attr_value *v;
} hdr_item;

static int
cmp_hdr_item(const void *a, const void *b)
{
    const hdr_item *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static void
hdr_push(hdr_item *items, int32_t *n, enum hdr_kind kind, const char *name, const char *vname,
         const vfx_attr_value *v)
{
    hdr_item *it = &items[*n];
    snprintf(it->name, sizeof it->name, "%s", name);
    it->seq = *n;
    it->kind = kind;
    it->vname = vname;
    it->v = v;
    (*n)++;
}

/* Start the file: one OpenEXRCore context for every part, writing through @p wr (the
 * writer of part 0, which owns the temporary file). */
static vfx_status
exr_start(vfx__wr *wr, exr_writer *ew)
{
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = on_exr_error;
    init.alloc_fn = exr_alloc_fn;
    init.free_fn = exr_free_fn;
    init.user_data = wr;
    init.write_fn = wr_write_fn;
    clear_exr_error();
    exr_result_t rv = exr_start_write(&ew->ctx, wr->tmp_path, EXR_WRITE_FILE_DIRECTLY, &init);
    if (rv != EXR_ERR_SUCCESS)
        return exr_fail(rv, "start");
    ew->owns_ctx = 1;
    return VFX_OK;
}

/* Declare one part in ew->ctx (named @p part_name, NULL for a single-part file): storage,
 * windows, compression, tiles, channels and attributes; @p views: the multiView list (part 0
 * of a multi-view file), else NULL. */
static vfx_status
exr_part_header(vfx__wr *wr, exr_writer *ew, const char *part_name, const vfx__wr *first,
                const char **views, int32_t n_views)
{
    const vfx_spec *sp = &wr->spec;
    /* OpenEXR requires the parts of a file to share displayWindow, pixelAspectRatio,
     * chromaticities and timeCode: the later parts take part 0's */
    const vfx_spec *shared = first ? &first->spec : sp;
    exr_compression_t comp = EXR_COMPRESSION_ZIP;
    int aces = (wr->opt.flags & VFX_WRITE_ACES) != 0;
    if (aces && !wr->opt.compression)
        comp = EXR_COMPRESSION_PIZ;
    else
        VFX_TRY(parse_compression(wr->opt.compression, &comp));
    if (aces)
        VFX_TRY(check_aces(wr, comp));
    ew->tiled = wr->opt.tile_w > 0 || wr->opt.tile_h > 0;
    if (ew->tiled && (wr->opt.tile_w <= 0 || wr->opt.tile_h <= 0 || wr->opt.tile_w > 65536 ||
                      wr->opt.tile_h > 65536))
        return vfx__fail(VFX_ERR_ARG, "bad tile size %d x %d", wr->opt.tile_w, wr->opt.tile_h);
    if (!ew->tiled && wr->opt.levels != VFX_LEVELS_ONE)
        return vfx__fail(VFX_ERR_ARG, "MIP and RIP levels need a tiled file (give a tile size)");
    exr_result_t rv;
    int part = 0;
    if ((rv = exr_add_part(ew->ctx, part_name,
                           ew->tiled ? EXR_STORAGE_TILED : EXR_STORAGE_SCANLINE, &part)) !=
        EXR_ERR_SUCCESS)
        return exr_fail(rv, "header");
    ew->part = part;
    exr_attr_box2i_t dw = { { .arr = { sp->data.x0, sp->data.y0 } },
                            { .arr = { sp->data.x1 - 1, sp->data.y1 - 1 } } };
    vfx_rect disp = vfx_rect_is_empty(shared->display) || vfx_rect_is_infinite(shared->display)
                        ? shared->data
                        : shared->display;
    exr_attr_box2i_t dispw = { { .arr = { disp.x0, disp.y0 } },
                               { .arr = { disp.x1 - 1, disp.y1 - 1 } } };
    float par = 1.0f, sww = 1.0f;
    exr_attr_v2f_t swc = { .arr = { 0.0f, 0.0f } };
    const vfx_attr_value *v;
    if (shared->attrs && (v = vfx_attrs_get(shared->attrs, "PixelAspectRatio")) &&
        v->type == VFX_ATTR_FLOAT)
        par = v->u.f;
    if (sp->attrs) {
        if ((v = vfx_attrs_get(sp->attrs, "screenWindowWidth")) && v->type == VFX_ATTR_FLOAT)
            sww = v->u.f;
        if ((v = vfx_attrs_get(sp->attrs, "screenWindowCenter")) && v->type == VFX_ATTR_V2F) {
            swc.x = v->u.v2f[0];
            swc.y = v->u.v2f[1];
        }
    }
    /* tiles may arrive in any order: say so in the file (random y) */
    exr_lineorder_t lo = ew->tiled ? EXR_LINEORDER_RANDOM_Y : EXR_LINEORDER_INCREASING_Y;
    /* ZIP / ZIPS are compressed by libdeflate (exr_zip.c), never by OpenEXRCore (so its
     * exr_set_zip_compression_level is not used: the level is not stored in the file). Levels
     * 0-12, 1-9 as zlib's; 4 unless asked, the OpenEXR C++ library's default (zlib's 6 costs
     * about 1.7x the CPU time for files ~1.5% smaller) */
    ew->zip = comp == EXR_COMPRESSION_ZIP || comp == EXR_COMPRESSION_ZIPS;
    ew->zip_level = wr->opt.level >= 0 ? VFX__MIN(wr->opt.level, 12) : 4;
    ew->dwa = comp == EXR_COMPRESSION_DWAA || comp == EXR_COMPRESSION_DWAB;

    /* channels: checked first, added in their turn below */
    int32_t n = vfx_channels_count(sp->channels);
    ew->n_channels = n;
    ew->file_of = vfx__calloc((size_t) n, sizeof *ew->file_of);
    ew->ftype = vfx__calloc((size_t) n, sizeof *ew->ftype);
    ew->plane_off = vfx__calloc((size_t) n, sizeof *ew->plane_off);
    ew->xsamp = vfx__calloc((size_t) n, sizeof *ew->xsamp);
    ew->ysamp = vfx__calloc((size_t) n, sizeof *ew->ysamp);
    if (!ew->file_of || !ew->ftype || !ew->plane_off || !ew->xsamp || !ew->ysamp)
        return vfx__nomem();
    for (int32_t i = 0; i < n; i++) {
        vfx_channel_info ch;
        VFX_TRY(vfx_channels_get(sp->channels, i, &ch));
        /* subsampled channels (luminance / chroma files): scanline files only, on a data
         * window whose origin and size are multiples of the sampling (OpenEXR's rules) */
        if (ch.x_sampling < 1 || ch.y_sampling < 1 || ch.x_sampling > 64 || ch.y_sampling > 64)
            return vfx__fail(VFX_ERR_ARG, "channel %s: sampling %d x %d", ch.name,
                             ch.x_sampling, ch.y_sampling);
        if (ch.x_sampling != 1 || ch.y_sampling != 1) {
            if (ew->tiled)
                return vfx__fail(VFX_ERR_UNSUPPORTED, "channel %s: tiled EXR files cannot hold "
                                 "subsampled channels; write scanlines", ch.name);
            if (aces)
                return vfx__fail(VFX_ERR_ARG, "channel %s: vfx writes ACES container files "
                                 "as R, G, B(, A) only", ch.name);
            if (sp->data.x0 % ch.x_sampling || sp->data.y0 % ch.y_sampling ||
                vfx_rect_width(sp->data) % ch.x_sampling ||
                vfx_rect_height(sp->data) % ch.y_sampling)
                return vfx__fail(VFX_ERR_ARG, "channel %s: the data window's origin and size "
                                 "must be multiples of its %d x %d sampling", ch.name,
                                 ch.x_sampling, ch.y_sampling);
        }
        ew->xsamp[i] = ch.x_sampling;
        ew->ysamp[i] = ch.y_sampling;
        vfx_pixel_type t = aces                                    ? VFX_PIXEL_HALF
                           : wr->opt.pixel_type != VFX_PIXEL_UNKNOWN ? wr->opt.pixel_type
                                                                     : ch.type;
        exr_pixel_type_t et = exr_type_for(t);
        if ((comp == EXR_COMPRESSION_B44 || comp == EXR_COMPRESSION_B44A) && et != EXR_PIXEL_HALF)
            return vfx__fail(VFX_ERR_UNSUPPORTED,
                             "channel %s: %s compression of FLOAT/UINT channels is not supported "
                             "(OpenEXRCore 3.1.5 writes it incompatibly with OpenEXR's C++ "
                             "library); store half or choose another compression",
                             ch.name, compression_name(comp));
        ew->ftype[i] = vfx_type_for(et);
    }

    /* the attributes, sorted by name (see hdr_kind) */
    int32_t na = sp->attrs ? vfx_attrs_count(sp->attrs) : 0;
    hdr_item *items = vfx__calloc((size_t) na + 20, sizeof *items);
    if (!items)
        return vfx__nomem();
    int32_t ni = 0;
    hdr_push(items, &ni, HDR_CHANNELS, "channels", NULL, NULL);
    hdr_push(items, &ni, HDR_COMPRESSION, "compression", NULL, NULL);
    hdr_push(items, &ni, HDR_DATA_WINDOW, "dataWindow", NULL, NULL);
    hdr_push(items, &ni, HDR_DISPLAY_WINDOW, "displayWindow", NULL, NULL);
    hdr_push(items, &ni, HDR_LINE_ORDER, "lineOrder", NULL, NULL);
    hdr_push(items, &ni, HDR_PIXEL_ASPECT, "pixelAspectRatio", NULL, NULL);
    hdr_push(items, &ni, HDR_SCREEN_CENTER, "screenWindowCenter", NULL, NULL);
    hdr_push(items, &ni, HDR_SCREEN_WIDTH, "screenWindowWidth", NULL, NULL);
    if (ew->tiled)
        hdr_push(items, &ni, HDR_TILES, "tiles", NULL, NULL);
    /* DWA (dwa_codec.c): the level goes in the header, where the compress stage reads it */
    if (ew->dwa)
        hdr_push(items, &ni, HDR_DWA_LEVEL, "dwaCompressionLevel", NULL, NULL);
    if (n_views > 0)
        hdr_push(items, &ni, HDR_MULTIVIEW, "multiView", NULL, NULL);
    vfx_status s = VFX_OK;
    for (int32_t i = 0; i < na && s == VFX_OK; i++) {
        const char *an;
        const vfx_attr_value *av;
        char nbuf[300];
        if ((s = vfx_attrs_at(sp->attrs, i, &an, &av)) != VFX_OK)
            break;
        if (first && (strcmp(an, "chromaticities") == 0 || strcmp(an, "smpte:TimeCode") == 0))
            continue;
        hdr_push(items, &ni, HDR_SPEC, exr_name_of(an, nbuf, sizeof nbuf), an, av);
    }
    static const char *const shared_attrs[] = { "chromaticities", "smpte:TimeCode" };
    for (size_t i = 0; first && shared->attrs && i < VFX__COUNTOF(shared_attrs); i++) {
        const vfx_attr_value *av = vfx_attrs_get(shared->attrs, shared_attrs[i]);
        char nbuf[300];
        if (av)
            hdr_push(items, &ni, HDR_SPEC, exr_name_of(shared_attrs[i], nbuf, sizeof nbuf),
                     shared_attrs[i], av);
    }
    /* an ACES container file's own attributes, overriding the spec's */
    if (aces) {
        hdr_push(items, &ni, HDR_ACES_CHROMA, "chromaticities", NULL, NULL);
        hdr_push(items, &ni, HDR_ACES_NEUTRAL, "adoptedNeutral", NULL, NULL);
        hdr_push(items, &ni, HDR_ACES_FLAG, "acesImageContainerFlag", NULL, NULL);
    }
    qsort(items, (size_t) ni, sizeof *items, cmp_hdr_item);
    exr_attr_chromaticities_t ap0 = aces_chromaticities();
    exr_attr_v2f_t ap0_white = { .arr = { ap0.white_x, ap0.white_y } };
    for (int32_t k = 0; k < ni && s == VFX_OK; k++) {
        const hdr_item *it = &items[k];
        rv = EXR_ERR_SUCCESS;
        switch (it->kind) {
        case HDR_CHANNELS:
            /* the library keeps them sorted by name; file_of below finds where each went */
            for (int32_t i = 0; i < n && rv == EXR_ERR_SUCCESS && s == VFX_OK; i++) {
                vfx_channel_info ch;
                if ((s = vfx_channels_get(sp->channels, i, &ch)) != VFX_OK)
                    break;
                rv = exr_add_channel(ew->ctx, part, ch.name, exr_type_for(ew->ftype[i]),
                                     ch.linear ? EXR_PERCEPTUALLY_LINEAR
                                               : EXR_PERCEPTUALLY_LOGARITHMIC,
                                     ch.x_sampling, ch.y_sampling);
                if (rv != EXR_ERR_SUCCESS) {
                    char what[300];
                    snprintf(what, sizeof what, "channel %s", ch.name);
                    s = exr_fail(rv, what);
                }
            }
            continue;
        case HDR_COMPRESSION: rv = exr_set_compression(ew->ctx, part, comp); break;
        case HDR_DATA_WINDOW: rv = exr_set_data_window(ew->ctx, part, &dw); break;
        case HDR_DISPLAY_WINDOW: rv = exr_set_display_window(ew->ctx, part, &dispw); break;
        case HDR_LINE_ORDER: rv = exr_set_lineorder(ew->ctx, part, lo); break;
        case HDR_PIXEL_ASPECT: rv = exr_set_pixel_aspect_ratio(ew->ctx, part, par); break;
        case HDR_SCREEN_CENTER: rv = exr_set_screen_window_center(ew->ctx, part, &swc); break;
        case HDR_SCREEN_WIDTH: rv = exr_set_screen_window_width(ew->ctx, part, sww); break;
        case HDR_TILES:
            rv = exr_set_tile_descriptor(
                ew->ctx, part, (uint32_t) wr->opt.tile_w, (uint32_t) wr->opt.tile_h,
                wr->opt.levels == VFX_LEVELS_MIPMAP   ? EXR_TILE_MIPMAP_LEVELS
                : wr->opt.levels == VFX_LEVELS_RIPMAP ? EXR_TILE_RIPMAP_LEVELS
                                                      : EXR_TILE_ONE_LEVEL,
                wr->opt.level_round == VFX_LEVEL_ROUND_UP ? EXR_TILE_ROUND_UP
                                                          : EXR_TILE_ROUND_DOWN);
            break;
        case HDR_DWA_LEVEL:
            rv = exr_attr_set_float(ew->ctx, part, "dwaCompressionLevel",
                                    wr->opt.level >= 0 ? (float) wr->opt.level : 45.0f);
            break;
        case HDR_MULTIVIEW:
            rv = exr_attr_set_string_vector(ew->ctx, part, "multiView", n_views, views);
            break;
        case HDR_ACES_CHROMA:
            rv = exr_attr_set_chromaticities(ew->ctx, part, "chromaticities", &ap0);
            break;
        case HDR_ACES_NEUTRAL:
            rv = exr_attr_set_v2f(ew->ctx, part, "adoptedNeutral", &ap0_white);
            break;
        case HDR_ACES_FLAG:
            rv = exr_attr_set_int(ew->ctx, part, "acesImageContainerFlag", 1);
            break;
        case HDR_SPEC: s = export_attr(ew->ctx, part, it->vname, it->v); continue;
        }
        if (rv != EXR_ERR_SUCCESS)
            s = exr_fail(rv, it->kind >= HDR_ACES_CHROMA ? "ACES attributes" : it->name);
    }
    vfx__free(items);
    VFX_TRY(s);
    const exr_attr_chlist_t *cl = NULL;
    if ((rv = exr_get_channels(ew->ctx, part, &cl)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, "header");
    for (int32_t i = 0; i < n; i++) {
        vfx_channel_info ch;
        VFX_TRY(vfx_channels_get(sp->channels, i, &ch));
        ew->file_of[i] = -1;
        for (int c = 0; c < cl->num_channels; c++)
            if (strcmp(cl->entries[c].name.str, ch.name) == 0)
                ew->file_of[i] = c;
        if (ew->file_of[i] < 0)
            return vfx__fail(VFX_ERR_INTERNAL, "channel %s lost", ch.name);
    }

    return VFX_OK;
}

/* After the header is written: the part's levels, chunk grid and staging buffer. */
static vfx_status
exr_part_setup(vfx__wr *wr, exr_writer *ew)
{
    const vfx_spec *sp = &wr->spec;
    int part = ew->part;
    int32_t n = ew->n_channels;
    exr_result_t rv;
    exr_compression_t comp = EXR_COMPRESSION_ZIP;
    if ((rv = exr_get_compression(ew->ctx, part, &comp)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, "header");

    /* the levels, as the library computes them from the tile description */
    int32_t nlx = 1, nly = 1;
    if (ew->tiled && (rv = exr_get_tile_levels(ew->ctx, part, &nlx, &nly)) != EXR_ERR_SUCCESS)
        return exr_fail(rv, "levels");
    if (nlx < 1 || nly < 1 || nlx > 64 || nly > 64)
        return vfx__fail(VFX_ERR_INTERNAL, "%d x %d levels", nlx, nly);
    wr->level_rect = vfx__calloc((size_t) nlx * (size_t) nly, sizeof *wr->level_rect);
    if (!wr->level_rect)
        return vfx__nomem();
    wr->level_mode = ew->tiled ? wr->opt.levels : VFX_LEVELS_ONE;
    wr->n_levels_x = nlx;
    wr->n_levels_y = nly;
    for (int32_t ly = 0; ly < nly; ly++) {
        for (int32_t lx = 0; lx < nlx; lx++) {
            int32_t lw = (int32_t) vfx_rect_width(sp->data);
            int32_t lh = (int32_t) vfx_rect_height(sp->data);
            if (wr->level_mode == VFX_LEVELS_MIPMAP && lx != ly)
                continue;
            if (ew->tiled &&
                (rv = exr_get_level_sizes(ew->ctx, part, lx, ly, &lw, &lh)) != EXR_ERR_SUCCESS)
                return exr_fail(rv, "levels");
            wr->level_rect[lx + ly * nlx] = vfx_rect_make(sp->data.x0, sp->data.y0, lw, lh);
        }
    }
    if (wr->level_mode == VFX_LEVELS_RIPMAP) {
        if ((rv = exr_get_chunk_count(ew->ctx, part, &ew->chunk_count)) != EXR_ERR_SUCCESS)
            return exr_fail(rv, "levels");
        ew->rip_table = vfx__calloc((size_t) VFX__MAX(ew->chunk_count, 1), sizeof *ew->rip_table);
        ew->first_chunk = UINT64_MAX;
        if (!ew->rip_table)
            return vfx__nomem();
    }

    /* the chunk grid and a staging buffer of one chunk */
    int32_t w = (int32_t) vfx_rect_width(sp->data);
    vfx_chunking *c = &wr->chunking;
    c->origin_x = sp->data.x0;
    c->origin_y = sp->data.y0;
    if (ew->tiled) {
        c->access = VFX_ACCESS_RANDOM_TILES;
        c->chunk_w = wr->opt.tile_w;
        c->chunk_h = wr->opt.tile_h;
        ew->tile_h = c->chunk_h;
    } else {
        int32_t lpc = 1;
        if ((rv = exr_get_scanlines_per_chunk(ew->ctx, part, &lpc)) != EXR_ERR_SUCCESS)
            return exr_fail(rv, "header");
        ew->lines_per_chunk = lpc;
        /* OpenEXRCore packs a subsampled channel's rows by (row in chunk) / y_sampling, which
         * needs every chunk to start on a sampled row */
        for (int32_t i = 0; i < n; i++)
            if (lpc > 1 && lpc % ew->ysamp[i] != 0)
                return vfx__fail(VFX_ERR_UNSUPPORTED, "y sampling %d does not divide the %d "
                                 "rows of a %s chunk", ew->ysamp[i], lpc, compression_name(comp));
        c->access = VFX_ACCESS_RANDOM_STRIPS;
        c->chunk_w = w;
        c->chunk_h = lpc;
    }
    c->n_x = (int32_t) ((vfx_rect_width(sp->data) + c->chunk_w - 1) / c->chunk_w);
    c->n_y = (int32_t) ((vfx_rect_height(sp->data) + c->chunk_h - 1) / c->chunk_h);
    size_t off = 0;
    for (int32_t i = 0; i < n; i++) {
        ew->plane_off[i] = off;
        size_t plane;
        if (vfx__mul_size((size_t) c->chunk_w * (size_t) c->chunk_h,
                          vfx_pixel_type_size(ew->ftype[i]), &plane) != 0 ||
            off + plane < off)
            return vfx__fail(VFX_ERR_LIMIT, "chunk too large");
        off += plane;
    }
    if (off > ((size_t) 1 << 32))
        return vfx__fail(VFX_ERR_LIMIT, "chunk of %zu bytes is too large", off);
    /* the file's halves are little-endian: staged as they are only on such hosts */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    ew->packed_stage = !ew->dwa && n >= 1;
#else
    ew->packed_stage = 0;
#endif
    for (int32_t i = 0; i < n; i++)
        if (ew->ftype[i] != VFX_PIXEL_HALF || ew->xsamp[i] != 1 || ew->ysamp[i] != 1)
            ew->packed_stage = 0;
    /* chunks are compressed in parallel, a batch at a time (at most ~256 MiB staged) */
    ew->chunk_bytes = off ? off : 1;
    ew->batch = VFX__CLAMP(2 * vfx_threads(), 1, 16);
    while (ew->batch > 1 && (size_t) ew->batch * ew->chunk_bytes > ((size_t) 256 << 20))
        ew->batch--;
    ew->stage = vfx__alloc((size_t) ew->batch * ew->chunk_bytes);
    ew->slot_x = vfx__calloc((size_t) ew->batch, sizeof *ew->slot_x);
    ew->slot_y = vfx__calloc((size_t) ew->batch, sizeof *ew->slot_y);
    ew->slot_w = vfx__calloc((size_t) ew->batch, sizeof *ew->slot_w);
    if (!ew->stage || !ew->slot_x || !ew->slot_y || !ew->slot_w)
        return vfx__nomem();
    return VFX_OK;
}

static vfx_status
exr_write_close(vfx__wr *wr, int failed);

static vfx_status
exr_write_open(vfx__wr *wr)
{
    exr_writer *ew = vfx__calloc(1, sizeof *ew);
    if (!ew)
        return vfx__nomem();
    wr->priv = ew;
    ew->lock_init = pthread_mutex_init(&ew->lock, NULL) == 0;
    vfx_status s = ew->lock_init ? exr_start(wr, ew) : vfx__nomem();
    if (s == VFX_OK)
        s = exr_part_header(wr, ew, NULL, NULL, NULL, 0);
    if (s == VFX_OK) {
        exr_result_t rv = exr_write_header(ew->ctx);
        s = rv == EXR_ERR_SUCCESS ? VFX_OK : exr_fail(rv, "header");
    }
    if (s == VFX_OK) {
        ew->header_written = 1;
        s = exr_part_setup(wr, ew);
    }
    if (s != VFX_OK)
        (void) exr_write_close(wr, 1);
    return s;
}

static vfx_status
flush_stage(vfx__wr *wr, exr_writer *ew);

static vfx_status
exr_write_flush(vfx__wr *wr)
{
    exr_writer *ew = wr->priv;
    return ew ? flush_stage(wr, ew) : VFX_OK;
}

/* The part name for part @p i: its "name" attribute, else its view, else "subimageNN"
 * (oiiotool's names). */
static const char *
part_name_of(const vfx__wr *wr, int32_t i, char *buf, size_t cap)
{
    const vfx_attr_value *v = wr->spec.attrs ? vfx_attrs_get(wr->spec.attrs, "openexr:name")
                                             : NULL;
    if (v && v->type == VFX_ATTR_STRING && v->u.s && v->u.s[0])
        return v->u.s;
    v = wr->spec.attrs ? vfx_attrs_get(wr->spec.attrs, "openexr:view") : NULL;
    if (v && v->type == VFX_ATTR_STRING && v->u.s && v->u.s[0])
        return v->u.s;
    snprintf(buf, cap, "subimage%02d", (int) i);
    return buf;
}

static const char *
part_view_of(const vfx__wr *wr)
{
    const vfx_attr_value *v = wr->spec.attrs ? vfx_attrs_get(wr->spec.attrs, "openexr:view")
                                             : NULL;
    return v && v->type == VFX_ATTR_STRING && v->u.s && v->u.s[0] ? v->u.s : NULL;
}

/* Multi-part files: every header is declared before any pixel is written (OpenEXR's
 * layout), then the parts take their chunks in any order through one context, owned by
 * part 0. Parts with a "view" attribute make the file multi-view: part 0 also gets the
 * multiView list (its own view first, so it is the default view). */
static vfx_status
exr_write_open_parts(vfx__wr *const *wrs, int32_t n)
{
    vfx_status s = VFX_OK;
    /* the multiView list (set on part 0, in its header's turn): the distinct views, part 0's
     * first */
    int32_t n_views = 0;
    const char **views = vfx__calloc((size_t) VFX__MAX(n, 1), sizeof *views);
    if (!views)
        s = vfx__nomem();
    for (int32_t i = 0; i < n && s == VFX_OK; i++) {
        const char *v = part_view_of(wrs[i]);
        int seen = !v;
        for (int32_t j = 0; j < n_views && !seen; j++)
            seen = strcmp(views[j], v) == 0;
        if (!seen)
            views[n_views++] = v;
    }
    if (n > 0 && !part_view_of(wrs[0]))
        n_views = 0;
    for (int32_t i = 0; i < n && s == VFX_OK; i++) {
        exr_writer *ew = vfx__calloc(1, sizeof *ew);
        if (!ew) {
            s = vfx__nomem();
            break;
        }
        wrs[i]->priv = ew;
        ew->lock_init = pthread_mutex_init(&ew->lock, NULL) == 0;
        if (!ew->lock_init)
            s = vfx__nomem();
        else if (wrs[i]->opt.levels == VFX_LEVELS_RIPMAP && n > 1)
            s = vfx__fail(VFX_ERR_UNSUPPORTED, "part %d: RIP levels in multi-part files are "
                          "not supported", (int) i);
        else if (i == 0)
            s = exr_start(wrs[0], ew);
        else
            ew->ctx = ((exr_writer *) wrs[0]->priv)->ctx;
        char buf[32];
        const char *name = part_name_of(wrs[i], i, buf, sizeof buf);
        for (int32_t j = 0; j < i && s == VFX_OK; j++) {
            char bj[32];
            if (strcmp(part_name_of(wrs[j], j, bj, sizeof bj), name) == 0)
                s = vfx__fail(VFX_ERR_ARG, "parts %d and %d are both named \"%s\"; part "
                              "names must be unique", (int) j, (int) i, name);
        }
        if (s == VFX_OK)
            s = exr_part_header(wrs[i], ew, name, i > 0 ? wrs[0] : NULL, i == 0 ? views : NULL,
                                i == 0 ? n_views : 0);
        if (s != VFX_OK)
            vfx__error_prefix("part %d (%s): ", (int) i, name);
    }
    vfx__free(views);
    exr_writer *ew0 = n > 0 ? wrs[0]->priv : NULL;
    if (s == VFX_OK) {
        exr_result_t rv = exr_write_header(ew0->ctx);
        s = rv == EXR_ERR_SUCCESS ? VFX_OK : exr_fail(rv, "header");
    }
    for (int32_t i = 0; i < n && s == VFX_OK; i++) {
        ((exr_writer *) wrs[i]->priv)->header_written = 1;
        s = exr_part_setup(wrs[i], wrs[i]->priv);
        if (s != VFX_OK)
            vfx__error_prefix("part %d: ", (int) i);
    }
    if (s != VFX_OK) /* the other parts first: part 0 owns the context */
        for (int32_t i = n - 1; i >= 0; i--)
            (void) exr_write_close(wrs[i], 1);
    return s;
}

/* The offset-table index of tile (tx, ty) of RIP level (lx, ly), as OpenEXR's C++ library
 * orders the chunks: levels row by row (all x levels of level_y 0 first), tiles row-major
 * inside a level. */
static int64_t
rip_chunk_index(const vfx__wr *wr, int32_t tx, int32_t ty, int32_t lx, int32_t ly)
{
    const vfx_chunking *c = &wr->chunking;
    int64_t idx = 0;
    int64_t nx_here = 0;
    for (int32_t y = 0; y <= ly; y++) {
        int64_t ny = (vfx_rect_height(wr->level_rect[(size_t) y * (size_t) wr->n_levels_x]) +
                      c->chunk_h - 1) / c->chunk_h;
        for (int32_t x = 0; x < wr->n_levels_x; x++) {
            int64_t nx = (vfx_rect_width(wr->level_rect[x]) + c->chunk_w - 1) / c->chunk_w;
            if (y < ly)
                idx += nx * ny;
            else if (x < lx)
                idx += nx * ny;
            else if (x == lx)
                nx_here = nx;
        }
    }
    return idx + (int64_t) ty * nx_here + tx;
}

/* The chunk info of tile (tx, ty) of width @p tw in level (lx, ly) whose data window is
 * @p level, or (scanline files) of the chunk starting at row @p ty. */
static vfx_status
chunk_info_at(exr_writer *ew, int32_t tx, int32_t ty, int32_t tw, int32_t lx, int32_t ly,
              vfx_rect level, exr_chunk_info_t *ci, char *what, size_t cap)
{
    exr_result_t rv;
    if (ew->tiled) {
        snprintf(what, cap, "tile (%d, %d)", tx, ty);
        rv = exr_write_tile_chunk_info(ew->ctx, ew->part, tx, ty, lx, ly, ci);
        /* OpenEXRCore 3.1.5 clips the edge tiles of levels past 0 to the level-0 size (it
         * says 64 x 64 for an 8-pixel-wide last tile of a 200-pixel level), so the encoder
         * would pack pixels the tile does not have: clip them to the level here. */
        if (rv == EXR_ERR_SUCCESS) {
            int32_t th = VFX__MIN(ew->tile_h, level.y1 - (level.y0 + ty * ew->tile_h));
            if (tw <= 0 || th <= 0)
                return vfx__fail(VFX_ERR_INTERNAL, "%s: empty tile", what);
            uint64_t px_bytes = 0;
            for (int32_t i = 0; i < ew->n_channels; i++)
                px_bytes += vfx_pixel_type_size(ew->ftype[i]);
            ci->width = tw;
            ci->height = th;
            ci->unpacked_size = px_bytes * (uint64_t) tw * (uint64_t) th;
        }
    } else {
        snprintf(what, cap, "scanline chunk at y %d", ty);
        rv = exr_write_scanline_chunk_info(ew->ctx, ew->part, ty, ci);
    }
    return rv == EXR_ERR_SUCCESS ? VFX_OK : exr_fail(rv, what);
}

static vfx_status
chunk_info(exr_writer *ew, int32_t slot, exr_chunk_info_t *ci, char *what, size_t cap)
{
    return chunk_info_at(ew, ew->slot_x[slot], ew->slot_y[slot], ew->slot_w[slot], ew->stage_lx,
                         ew->stage_ly, ew->stage_rect, ci, what, cap);
}

/* Where row @p r (in sampled rows) of spec channel @p i starts in a staged chunk of width @p w
 * (see exr_writer.packed_stage). */
static uint8_t *
stage_row(const exr_writer *ew, uint8_t *base, int32_t i, int32_t r, int32_t w)
{
    if (ew->packed_stage)
        return base + ((size_t) r * (size_t) ew->n_channels + (size_t) ew->file_of[i]) *
                          (size_t) w * 2;
    return base + ew->plane_off[i] +
           (size_t) r * (size_t) (w / ew->xsamp[i]) * vfx_pixel_type_size(ew->ftype[i]);
}

/* Point an encoder's channels at the stage chunk at @p base (width @p w); a packed stage is
 * also the pipeline's packed buffer (borrowed: alloc size 0, so never freed by the library). */
static void
point_encoder(exr_writer *ew, exr_encode_pipeline_t *enc, const uint8_t *base, int32_t w)
{
    uint8_t *b = (uint8_t *) (uintptr_t) base;
    for (int32_t i = 0; i < ew->n_channels; i++) {
        exr_coding_channel_info_t *cc = &enc->channels[ew->file_of[i]];
        int32_t bpe = (int32_t) vfx_pixel_type_size(ew->ftype[i]);
        cc->encode_from_ptr = stage_row(ew, b, i, 0, w);
        cc->user_pixel_stride = bpe;
        cc->user_line_stride = (int32_t) (stage_row(ew, b, i, 1, w) - stage_row(ew, b, i, 0, w));
        cc->user_data_type = cc->data_type;
        cc->user_bytes_per_element = (int16_t) bpe;
    }
    if (ew->packed_stage) {
        enc->packed_buffer = b;
        enc->packed_alloc_size = 0;
    }
}

/* Staged chunks: pack and compress them in parallel on the pool (OpenEXRCore 3.1's
 * exr_encoding_run holds the file's lock throughout, so its stages are run here directly),
 * then write them in order. */
typedef struct pack_job {
    exr_writer            *ew;
    exr_encode_pipeline_t *enc;
} pack_job;

/* Pack and compress one chunk (no lock: touches only the pipeline and its planes). */
static vfx_status
encode_chunk(const exr_writer *ew, exr_encode_pipeline_t *e)
{
    size_t bytes = 0;
    for (int16_t c = 0; c < e->channel_count; c++)
        bytes += (size_t) e->channels[c].width * (size_t) e->channels[c].height *
                 (size_t) e->channels[c].bytes_per_element;
    exr_result_t rv;
    if (ew->packed_stage) { /* staged packed (point_encoder): nothing to pack */
        e->packed_bytes = bytes;
        rv = e->packed_buffer ? EXR_ERR_SUCCESS : EXR_ERR_INVALID_ARGUMENT;
    } else {
        e->packed_buffer = vfx__alloc(bytes ? bytes : 1);
        if (!e->packed_buffer)
            return vfx__nomem();
        e->packed_alloc_size = bytes ? bytes : 1;
        if (ew->dwa) /* DWA reads the stage's planes itself (and packs only if it must) */
            rv = vfx__exr_dwa_compress_planes(e);
        else
            rv = e->convert_and_pack_fn ? e->convert_and_pack_fn(e) : EXR_ERR_INVALID_ARGUMENT;
    }
    if (rv == EXR_ERR_SUCCESS && !ew->dwa) {
        if (ew->zip) {
            rv = vfx__exr_zip_compress(e, ew->zip_level);
        } else if (e->compress_fn) {
            rv = e->compress_fn(e);
        } else {
            e->compressed_buffer = e->packed_buffer;
            e->compressed_bytes = e->packed_bytes;
            e->compressed_alloc_size = 0; /* borrowed: not freed twice */
        }
    }
    if (rv != EXR_ERR_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "compressing chunk %d", e->chunk.idx);
        return exr_fail(rv, what);
    }
    return VFX_OK;
}

static vfx_status
pack_task(void *arg, int64_t k, int worker)
{
    pack_job *j = arg;
    (void) worker;
    return encode_chunk(j->ew, &j->enc[k]);
}

/* The bytes to store for an encoded chunk. A chunk that does not shrink is stored raw, as
 * OpenEXR's C++ library does and as every reader expects (packed size == unpacked size means
 * "not compressed"). OpenEXRCore 3.1.5's PXR24 and B44 encoders miss this rule on
 * incompressible chunks (their output then decodes wrongly or is refused), so it is applied
 * here. */
static const void *
chunk_bytes_of(const exr_encode_pipeline_t *e, uint64_t *size_out)
{
    const void *data = e->compressed_buffer;
    uint64_t size = e->compressed_bytes;
    if (e->packed_bytes > 0 && (!data || size >= e->packed_bytes)) {
        data = e->packed_buffer;
        size = e->packed_bytes;
    }
    *size_out = size;
    return data;
}

/* Write one chunk's bytes (under ew->lock when others may be encoding). */
static vfx_status
write_chunk(vfx__wr *wr, exr_writer *ew, int32_t tx, int32_t ty, int32_t lx, int32_t ly,
            const void *data, uint64_t size)
{
    char what[64];
    exr_result_t rv;
    clear_exr_error();
    if (ew->tiled) {
        snprintf(what, sizeof what, "tile (%d, %d) of level (%d, %d)", tx, ty, lx, ly);
        if (ew->rip_table) {
            /* the table is written with the last chunk: its entry is filled as soon as the
             * chunk's leader goes out (wr_write_fn) */
            ew->capture_idx = rip_chunk_index(wr, tx, ty, lx, ly);
            if (ew->capture_idx < 0 || ew->capture_idx >= ew->chunk_count)
                return vfx__fail(VFX_ERR_INTERNAL, "%s: chunk index %" PRId64, what,
                                 ew->capture_idx);
            ew->capture = 1;
            ew->captured = UINT64_MAX;
        }
        rv = exr_write_tile_chunk(ew->ctx, ew->part, tx, ty, lx, ly, data, size);
        ew->capture = 0;
    } else {
        snprintf(what, sizeof what, "scanline chunk at y %d", ty);
        rv = exr_write_scanline_chunk(ew->ctx, ew->part, ty, data, size);
    }
    return rv == EXR_ERR_SUCCESS ? VFX_OK : exr_fail(rv, what);
}

static vfx_status
encode_many(vfx__wr *wr, exr_writer *ew)
{
    int32_t n = ew->n_ready;
    exr_encode_pipeline_t *enc = vfx__calloc((size_t) n, sizeof *enc);
    if (!enc)
        return vfx__nomem();
    vfx_status s = VFX_OK;
    int32_t live = 0;
    char what[64];
    pthread_mutex_lock(&ew->lock);
    for (int32_t k = 0; k < n && s == VFX_OK; k++) {
        exr_chunk_info_t ci;
        exr_result_t rv;
        s = chunk_info(ew, k, &ci, what, sizeof what);
        if (s != VFX_OK)
            break;
        enc[k] = (exr_encode_pipeline_t) EXR_ENCODE_PIPELINE_INITIALIZER;
        if ((rv = exr_encoding_initialize(ew->ctx, ew->part, &ci, &enc[k])) != EXR_ERR_SUCCESS) {
            s = exr_fail(rv, what);
            break;
        }
        live = k + 1;
        point_encoder(ew, &enc[k], ew->stage + (size_t) k * ew->chunk_bytes, ew->slot_w[k]);
        if ((rv = exr_encoding_choose_default_routines(ew->ctx, ew->part, &enc[k])) != EXR_ERR_SUCCESS)
            s = exr_fail(rv, what);
        else if (ew->dwa)
            enc[k].compress_fn = vfx__exr_dwa_compress; /* OpenEXRCore 3.1.5 has none */
    }
    pthread_mutex_unlock(&ew->lock);
    if (s == VFX_OK) {
        pack_job j = { ew, enc };
        s = vfx__parallel_for(vfx__pool_global(), n, pack_task, &j);
    }
    pthread_mutex_lock(&ew->lock);
    for (int32_t k = 0; k < n && s == VFX_OK; k++) {
        uint64_t size;
        const void *data = chunk_bytes_of(&enc[k], &size);
        s = write_chunk(wr, ew, ew->slot_x[k], ew->slot_y[k], ew->stage_lx, ew->stage_ly, data,
                        size);
    }
    for (int32_t k = 0; k < live; k++)
        exr_encoding_destroy(ew->ctx, &enc[k]);
    pthread_mutex_unlock(&ew->lock);
    vfx__free(enc);
    return s;
}

/* Encode and write every complete staged chunk, in slot order. */
static vfx_status
flush_stage(vfx__wr *wr, exr_writer *ew)
{
    vfx_status s = VFX_OK;
    if (ew->n_ready > 0)
        s = encode_many(wr, ew);
    ew->n_ready = 0;
    return s;
}

/* Convert rows [y0, y1) x [x0, x1) of the caller's buffer into the stage, whose top-left
 * pixel is (sx, sy) and row length sw. */
static vfx_status
stage_into(const exr_writer *ew, uint8_t *base, vfx_rect src_rect, vfx_pixel_type type,
           const uint8_t *src, ptrdiff_t xs, ptrdiff_t ys, vfx_rect part, int32_t sx,
           int32_t sy, int32_t sw)
{
    size_t  tsize = vfx_pixel_type_size(type);
    int32_t n = ew->n_channels;
    /* halves stored at full resolution from packed halves or floats (the engine's tiles): the
     * floats converted in bulk (F16C where present), then all planes filled in one pass */
    int all_half = (type == VFX_PIXEL_HALF || type == VFX_PIXEL_F32) && n >= 1 && n <= 64 &&
                   xs == (ptrdiff_t) (tsize * (size_t) n) && ((uintptr_t) src & (tsize - 1)) == 0 &&
                   (ys & (ptrdiff_t) (tsize - 1)) == 0;
    for (int32_t i = 0; i < n && all_half; i++)
        all_half = ew->ftype[i] == VFX_PIXEL_HALF && ew->xsamp[i] == 1 && ew->ysamp[i] == 1;
    if (all_half) {
        uint16_t  buf[4096];
        uint16_t *q[64];
        size_t    step = sizeof buf / sizeof buf[0] / (size_t) n, w = (size_t) (part.x1 - part.x0);
        for (int32_t y = part.y0; y < part.y1; y++) {
            const uint8_t *p = src + (ptrdiff_t) (y - src_rect.y0) * ys +
                               (ptrdiff_t) (part.x0 - src_rect.x0) * xs;
            for (int32_t i = 0; i < n; i++)
                q[i] = (uint16_t *) (void *) (stage_row(ew, base, i, y - sy, sw) +
                                              (size_t) (part.x0 - sx) * 2);
            if (type == VFX_PIXEL_HALF) {
                vfx__deinterleave_u16((const uint16_t *) (const void *) p, n, q, w);
                continue;
            }
            for (size_t x = 0; x < w; x += step) {
                size_t m = VFX__MIN(step, w - x);
                vfx_float_to_half_n((const float *) (const void *) p, buf, m * (size_t) n);
                vfx__deinterleave_u16(buf, n, q, m);
                for (int32_t i = 0; i < n; i++)
                    q[i] += m;
                p += (ptrdiff_t) m * xs;
            }
        }
        return VFX_OK;
    }
    for (int32_t i = 0; i < ew->n_channels; i++) {
        size_t bpe = vfx_pixel_type_size(ew->ftype[i]);
        /* a subsampled channel keeps the samples at x % cx == 0, y % cy == 0 (part.x0 and
         * sx are multiples of cx; a chunk starts on a sampled row, see write_open) */
        int32_t cx = ew->xsamp[i], cy = ew->ysamp[i];
        for (int32_t y = part.y0; y < part.y1; y++) {
            if (cy > 1 && floor_div(y, cy) * cy != y)
                continue;
            const uint8_t *p = src + (ptrdiff_t) (y - src_rect.y0) * ys +
                               (ptrdiff_t) (part.x0 - src_rect.x0) * xs + (ptrdiff_t) i * (ptrdiff_t) tsize;
            uint8_t *q = stage_row(ew, base, i, (y - sy) / cy, sw) +
                         (size_t) ((part.x0 - sx) / cx) * bpe;
            VFX_TRY(vfx_convert_values(p, type, xs * cx, q, ew->ftype[i], (ptrdiff_t) bpe,
                                       (size_t) ((part.x1 - part.x0 + cx - 1) / cx)));
        }
    }
    return VFX_OK;
}

static vfx_status
stage_pixels(exr_writer *ew, int32_t slot, vfx_rect src_rect, vfx_pixel_type type,
             const uint8_t *src, ptrdiff_t xs, ptrdiff_t ys, vfx_rect part, int32_t sx,
             int32_t sy, int32_t sw)
{
    return stage_into(ew, ew->stage + (size_t) slot * ew->chunk_bytes, src_rect, type, src, xs,
                      ys, part, sx, sy, sw);
}

static vfx_status
exr_write_rect(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
               ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    exr_writer *ew = wr->priv;
    const vfx_chunking *c = &wr->chunking;
    vfx_rect d = wr->level_rect[wr->level_x + wr->level_y * wr->n_levels_x];
    if (ew->tiled) {
        /* tiles stay staged across calls (so a sink handing over one tile at a time still
         * gets them compressed in parallel), but a batch holds one level only */
        if (ew->n_ready > 0 && (ew->stage_lx != wr->level_x || ew->stage_ly != wr->level_y))
            VFX_TRY(flush_stage(wr, ew));
        ew->stage_lx = wr->level_x;
        ew->stage_ly = wr->level_y;
        ew->stage_rect = d;
        ew->tile_h = c->chunk_h;
        int32_t i0 = (rect.x0 - d.x0) / c->chunk_w, i1 = (rect.x1 - 1 - d.x0) / c->chunk_w;
        int32_t j0 = (rect.y0 - d.y0) / c->chunk_h, j1 = (rect.y1 - 1 - d.y0) / c->chunk_h;
        for (int32_t j = j0; j <= j1; j++) {
            for (int32_t i = i0; i <= i1; i++) {
                vfx_rect t = vfx_rect_make(d.x0 + i * c->chunk_w, d.y0 + j * c->chunk_h,
                                           c->chunk_w, c->chunk_h);
                t = vfx_rect_intersect(t, d);
                int32_t k = ew->n_ready, tw = t.x1 - t.x0;
                VFX_TRY(stage_pixels(ew, k, rect, type, src, x_stride, y_stride, t, t.x0, t.y0,
                                     tw));
                ew->slot_x[k] = i;
                ew->slot_y[k] = j;
                ew->slot_w[k] = tw;
                if (++ew->n_ready == ew->batch)
                    VFX_TRY(flush_stage(wr, ew));
            }
        }
        return VFX_OK;
    }
    /* strips: fill the current chunk's slot row by row; full chunks are encoded a batch at a
     * time; a partial chunk at the end stays staged (moved to slot 0) for the next call */
    int32_t lpc = ew->lines_per_chunk, w = d.x1 - d.x0;
    int32_t y = rect.y0;
    while (y < rect.y1) {
        int32_t chunk_y0 = d.y0 + ((y - d.y0) / lpc) * lpc;
        int32_t chunk_y1 = VFX__MIN(chunk_y0 + lpc, d.y1);
        int32_t y1 = VFX__MIN(chunk_y1, rect.y1);
        int32_t k = ew->n_ready;
        vfx_rect part = { d.x0, y, d.x1, y1 };
        VFX_TRY(stage_pixels(ew, k, rect, type, src, x_stride, y_stride, part, d.x0, chunk_y0, w));
        ew->slot_x[k] = 0;
        ew->slot_y[k] = chunk_y0;
        ew->slot_w[k] = w;
        if (y1 == chunk_y1 && ++ew->n_ready == ew->batch)
            VFX_TRY(flush_stage(wr, ew));
        y = y1;
    }
    int32_t partial = ew->n_ready; /* the slot of a partly filled chunk, if any */
    int has_partial = (rect.y1 - d.y0) % lpc != 0 && rect.y1 != d.y1;
    VFX_TRY(flush_stage(wr, ew));
    if (has_partial && partial > 0) {
        memmove(ew->stage, ew->stage + (size_t) partial * ew->chunk_bytes, ew->chunk_bytes);
        ew->slot_x[0] = ew->slot_x[partial];
        ew->slot_y[0] = ew->slot_y[partial];
        ew->slot_w[0] = ew->slot_w[partial];
    }
    return VFX_OK;
}

/* ---- parallel writing: a rect's chunks compressed ahead of their turn (sink_write.c) ---- */

/* The chunks are kept in a vfx__enc_list (fmt_util.h): tx, ty = tile, or 0 and the first row
 * of a scanline chunk. */

/* Stage one chunk (top-left pixel (x0, y0), width w) from the caller's pixels, encode it in
 * its own pipeline and keep a copy of the bytes to store. */
static vfx_status
encode_apart(exr_writer *ew, uint8_t *stage, vfx_rect src_rect, vfx_pixel_type type,
             const uint8_t *src, ptrdiff_t xs, ptrdiff_t ys, vfx_rect chunk, int32_t lx,
             int32_t ly, vfx_rect level, vfx__enc_chunk *out)
{
    VFX_TRY(stage_into(ew, stage, src_rect, type, src, xs, ys, chunk, chunk.x0, chunk.y0,
                       chunk.x1 - chunk.x0));
    exr_encode_pipeline_t enc = EXR_ENCODE_PIPELINE_INITIALIZER;
    exr_chunk_info_t ci;
    char what[64];
    exr_result_t rv;
    int live = 0;
    pthread_mutex_lock(&ew->lock);
    vfx_status s = chunk_info_at(ew, out->tx, out->ty, chunk.x1 - chunk.x0, lx, ly, level, &ci,
                                 what, sizeof what);
    if (s == VFX_OK) {
        if ((rv = exr_encoding_initialize(ew->ctx, ew->part, &ci, &enc)) != EXR_ERR_SUCCESS) {
            s = exr_fail(rv, what);
        } else {
            live = 1;
            point_encoder(ew, &enc, stage, chunk.x1 - chunk.x0);
            rv = exr_encoding_choose_default_routines(ew->ctx, ew->part, &enc);
            if (rv != EXR_ERR_SUCCESS)
                s = exr_fail(rv, what);
            else if (ew->dwa)
                enc.compress_fn = vfx__exr_dwa_compress; /* OpenEXRCore 3.1.5 has none */
        }
    }
    pthread_mutex_unlock(&ew->lock);
    if (s == VFX_OK)
        s = encode_chunk(ew, &enc);
    if (s == VFX_OK) {
        uint64_t size;
        const void *data = chunk_bytes_of(&enc, &size);
        out->data = vfx__alloc(size ? (size_t) size : 1);
        if (!out->data)
            s = vfx__nomem();
        else if (size)
            memcpy(out->data, data, (size_t) size);
        out->size = size;
    }
    if (live) {
        pthread_mutex_lock(&ew->lock);
        exr_encoding_destroy(ew->ctx, &enc);
        pthread_mutex_unlock(&ew->lock);
    }
    return s;
}

/* Any thread, ahead of the rect's turn: every chunk of @p rect compressed, one at a time
 * through a one-chunk stage (memory: one chunk plus the compressed bytes). Scanline rects
 * that do not start and end on chunk boundaries are left to exr_write_rect(). */
static vfx_status
exr_write_encode(vfx__wr *wr, vfx_rect rect, vfx_pixel_type type, const void *src,
                 ptrdiff_t x_stride, ptrdiff_t y_stride, void **enc_out)
{
    exr_writer *ew = wr->priv;
    const vfx_chunking *c = &wr->chunking;
    int32_t lx = wr->level_x, ly = wr->level_y;
    vfx_rect d = wr->level_rect[lx + ly * wr->n_levels_x];
    *enc_out = NULL;
    int64_t n;
    int32_t i0 = 0, j0 = 0, ni = 1;
    if (ew->tiled) {
        i0 = (rect.x0 - d.x0) / c->chunk_w;
        j0 = (rect.y0 - d.y0) / c->chunk_h;
        ni = (rect.x1 - 1 - d.x0) / c->chunk_w - i0 + 1;
        n = (int64_t) ni * ((rect.y1 - 1 - d.y0) / c->chunk_h - j0 + 1);
    } else {
        int32_t lpc = ew->lines_per_chunk;
        if ((rect.y0 - d.y0) % lpc != 0 || ((rect.y1 - d.y0) % lpc != 0 && rect.y1 != d.y1))
            return VFX_OK;
        n = (rect.y1 - rect.y0 + lpc - 1) / lpc;
    }
    vfx__enc_list *e = vfx__enc_list_new(n);
    uint8_t *stage = vfx__alloc(ew->chunk_bytes);
    vfx_status s = e && stage ? VFX_OK : vfx__nomem();
    if (e) {
        e->lx = lx;
        e->ly = ly;
    }
    for (int64_t k = 0; k < n && s == VFX_OK; k++) {
        vfx_rect t;
        vfx__enc_chunk *ec = &e->c[k];
        if (ew->tiled) {
            ec->tx = i0 + (int32_t) (k % ni);
            ec->ty = j0 + (int32_t) (k / ni);
            t = vfx_rect_make(d.x0 + ec->tx * c->chunk_w, d.y0 + ec->ty * c->chunk_h,
                              c->chunk_w, c->chunk_h);
            t = vfx_rect_intersect(t, d);
        } else {
            int32_t y = rect.y0 + (int32_t) k * ew->lines_per_chunk;
            ec->tx = 0;
            ec->ty = y;
            t = (vfx_rect){ d.x0, y, d.x1, VFX__MIN(y + ew->lines_per_chunk, d.y1) };
        }
        s = encode_apart(ew, stage, rect, type, src, x_stride, y_stride, t, lx, ly, d, ec);
        e->n = (int32_t) k + 1;
    }
    vfx__free(stage);
    if (s != VFX_OK) {
        vfx__enc_list_free(wr, e);
        return s;
    }
    *enc_out = e;
    return VFX_OK;
}

/* In order: write the chunks exr_write_encode() made (tiles staged the slow way first). */
static vfx_status
exr_write_commit(vfx__wr *wr, vfx_rect rect, void *p)
{
    exr_writer *ew = wr->priv;
    vfx__enc_list *e = p;
    (void) rect;
    vfx_status s = VFX_OK;
    if (ew->n_ready > 0)
        s = flush_stage(wr, ew);
    pthread_mutex_lock(&ew->lock);
    for (int32_t k = 0; k < e->n && s == VFX_OK; k++)
        s = write_chunk(wr, ew, e->c[k].tx, e->c[k].ty, e->lx, e->ly, e->c[k].data, e->c[k].size);
    pthread_mutex_unlock(&ew->lock);
    vfx__enc_list_free(wr, e);
    return s;
}

static vfx_status
exr_write_close(vfx__wr *wr, int failed)
{
    exr_writer *ew = wr->priv;
    vfx_status s = VFX_OK;
    if (!ew)
        return VFX_OK;
    if (!failed && ew->tiled && ew->n_ready > 0) /* tiles still staged */
        s = flush_stage(wr, ew);
    if (s != VFX_OK)
        failed = 1;
    if (!failed && ew->rip_table)
        for (int32_t i = 0; i < ew->chunk_count; i++)
            if (ew->rip_table[i] == 0) {
                s = vfx__fail(VFX_ERR_INTERNAL, "RIP map: chunk %d not written", i);
                failed = 1;
                break;
            }
    if (ew->ctx && ew->owns_ctx) {
        clear_exr_error();
        exr_result_t rv = exr_finish(&ew->ctx);
        if (rv != EXR_ERR_SUCCESS && !failed)
            s = exr_fail(rv, "finish");
    }
    vfx__free(ew->stage);
    vfx__free(ew->rip_table);
    vfx__free(ew->slot_x);
    vfx__free(ew->slot_y);
    vfx__free(ew->slot_w);
    vfx__free(ew->file_of);
    vfx__free(ew->ftype);
    vfx__free(ew->xsamp);
    vfx__free(ew->ysamp);
    vfx__free(ew->plane_off);
    if (ew->lock_init)
        pthread_mutex_destroy(&ew->lock);
    vfx__free(ew);
    wr->priv = NULL;
    return s;
}

const vfx_format vfx__fmt_exr = {
    sizeof(vfx_format), "openexr", "exr", "exr,sxr,mxr", exr_probe, exr_open, exr_read_rect, exr_close,
    exr_write_open,     exr_write_rect, exr_write_close,
    "OpenEXR (OpenEXRCore; DWAA/DWAB own code): scanline, tiled, multi-part, multi-view, MIP/RIP",
    "u32/half/float; any channels; scanline or --tile; compression none|rle|zips|zip (default; "
    "level 4 as OpenEXR's C++ library, zip:0..12, libdeflate's levels)|"
    "piz|pxr24|b44|b44a|dwaa[:LEVEL]|dwab[:LEVEL]; multi-part and multi-view (--siappend)",
    exr_write_open_parts, exr_write_flush, exr_write_encode, exr_write_commit, vfx__enc_list_free,
    NULL, /* write_row_type */
};
