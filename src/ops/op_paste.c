/* Assembling and re-indexing ops, as oiiotool: paste, mosaic (pastes on a black canvas),
 * circular shift, croptofull, reorient (from the EXIF Orientation attribute), channel append,
 * and channel reductions (channel_sum with weights, maxchan, minchan).
 *
 * paste: out = bg, except inside fg's data window where fg's channels replace bg's first
 * channels (not a composite: OIIO's paste copies). fg moves with its display window's corner
 * at the given point, as oiiotool. Streams: a tile reads bg's rect and the part
 * of fg inside it.
 * cshift: out(x, y) = in(x - dx, y - dy) wrapped into the input's data window: the RoI is the
 * shifted rect and the engine's periodic edge mode does the wrapping.
 * chappend: a's channels then b's, over the union of the data windows (each reads 0 outside
 * its own); a name already taken becomes "channel<i>", as OIIO. */
#include <float.h>
#include <stdio.h>
#include <string.h>

#include "ops/filter.h"
#include "vfx/ops.h"

/* ---- paste ----------------------------------------------------------------------------------- */

typedef struct paste_params {
    vfx_rect fg; /* fg's data window (already moved) */
    vfx_rect rod;
    int32_t  n_fg; /* channels copied */
} paste_params;

static vfx_status
paste_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const paste_params *p = vfx__node_params(n);
    *rod_out = p->rod;
    return VFX_OK;
}

static void
paste_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const paste_params *p = vfx__node_params(n);
    *need_out = k == 0 ? *want : vfx_rect_intersect(*want, p->fg);
}

static vfx_status
paste_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const paste_params *p = vfx__node_params(n);
    int32_t             nc = out->n_channels, nf = in[1]->n_channels;
    int64_t             w = vfx_rect_width(out->rect);
    vfx_rect            f = vfx_rect_intersect(out->rect, p->fg);
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++)
        memcpy(vfx__tile_at(out, out->rect.x0, y), vfx__tile_at(in[0], out->rect.x0, y),
               (size_t) w * (size_t) nc * sizeof(float));
    if (vfx_rect_is_empty(f))
        return VFX_OK;
    for (int32_t y = f.y0; y < f.y1; y++) {
        const float *a = vfx__tile_at(in[1], f.x0, y);
        float       *q = vfx__tile_at(out, f.x0, y);
        for (int32_t x = f.x0; x < f.x1; x++, a += nf, q += nc)
            for (int32_t c = 0; c < p->n_fg; c++)
                q[c] = a[c];
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_paste = {
    sizeof(vfx_op_class), "paste", 0, sizeof(paste_params),
    paste_rod, paste_roi, paste_render, NULL, NULL, NULL, NULL, NULL
};

vfx_status
vfx_image_paste(vfx_image *bg, vfx_image *fg, int32_t x, int32_t y, int keep_position,
                vfx_image **out)
{
    return vfx_image_paste_ex(bg, fg, x, y, keep_position, 0, out);
}

/* A black constant over r plus the input, cropped to r. */
vfx_status
vfx__image_window_black(vfx_image *bg, vfx_rect r, vfx_image **out)
{
    float      zero[64] = { 0 };
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_image *black = NULL, *sum = NULL;
    if (vfx_image_n_channels(bg) > 64)
        return vfx__fail(VFX_ERR_ARG, "more than 64 channels");
    vfx_status s = vfx_spec_copy(&spec, vfx_image_spec(bg));
    if (s == VFX_OK) {
        spec.data = r;
        s = vfx_image_new_constant(zero, &spec, &black);
    }
    if (s == VFX_OK)
        s = vfx_image_arith(bg, black, VFX_ARITH_ADD, &sum);
    if (s == VFX_OK)
        s = vfx_image_crop(sum, r, out);
    vfx_image_unref(sum);
    vfx_image_unref(black);
    vfx_spec_clear(&spec);
    return s;
}

vfx_status
vfx_image_paste_ex(vfx_image *bg, vfx_image *fg, int32_t x, int32_t y, int keep_position,
                   int merge_roi, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "paste: out is NULL");
    *out = NULL;
    if (!bg || !fg)
        return vfx__fail(VFX_ERR_ARG, "paste: NULL input");
    vfx_rect fr = vfx_image_rod(fg), br = vfx_image_rod(bg);
    if (vfx_rect_is_infinite(fr))
        return vfx__fail(VFX_ERR_ARG, "paste: the pasted image's RoD is infinite");
    vfx_image *moved = NULL;
    vfx_status s;
    vfx_rect   fd = vfx_image_spec(fg)->display;
    if (keep_position || vfx_rect_is_empty(fr) || (fd.x0 == x && fd.y0 == y))
        moved = vfx_image_ref(fg);
    else if ((s = vfx_image_translate(fg, x - fd.x0, y - fd.y0, fd, &moved)) != VFX_OK)
        return s;
    vfx_image *base = NULL;
    vfx_rect   fm = vfx_image_rod(moved);
    /* oiiotool 2.4's mergeroi: the union with fg's data window *before* the move (fg is then
     * pasted moved, clipped to it) */
    if (merge_roi && !vfx_rect_is_empty(fr) && !vfx_rect_is_infinite(br)) {
        br = vfx_rect_is_empty(br) ? fr : vfx_rect_union(br, fr);
        if ((s = vfx__image_window_black(bg, br, &base)) != VFX_OK) {
            vfx_image_unref(moved);
            return s;
        }
    } else {
        base = vfx_image_ref(bg);
    }
    paste_params p;
    memset(&p, 0, sizeof p);
    p.fg = fm;
    p.rod = br;
    p.n_fg = VFX__MIN(vfx_image_n_channels(fg), vfx_image_n_channels(bg));
    vfx_image *ins[2] = { base, moved };
    s = vfx__node_new(&vfx__op_paste, &p, sizeof p, ins, 2, NULL, out);
    vfx_image_unref(moved);
    vfx_image_unref(base);
    if (s == VFX_OK && merge_roi) { /* and the display window: the union of both */
        vfx_rect   bd = vfx_image_spec(bg)->display, ud = vfx_rect_union(bd, fd);
        vfx_image *r = NULL;
        if (!vfx_rect_equal(ud, bd)) {
            s = vfx_image_translate(*out, 0, 0, ud, &r);
            vfx_image_unref(*out);
            *out = s == VFX_OK ? r : NULL;
        }
    }
    return s;
}

vfx_status
vfx_image_mosaic(vfx_image *const *images, int32_t nx, int32_t ny, int32_t pad, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "mosaic: out is NULL");
    *out = NULL;
    if (!images || nx < 1 || ny < 1 || pad < 0 || nx > 4096 || ny > 4096 || pad > 65536)
        return vfx__fail(VFX_ERR_ARG, "mosaic: bad layout %dx%d pad %d", (int) nx, (int) ny,
                         (int) pad);
    int64_t wide = 0, high = 0;
    int32_t nc = 0, n = nx * ny;
    for (int32_t i = 0; i < n; i++) {
        if (!images[i])
            return vfx__fail(VFX_ERR_ARG, "mosaic: image %d is NULL", (int) i);
        const vfx_spec *sp = vfx_image_spec(images[i]);
        wide = VFX__MAX(wide, vfx_rect_width(sp->display));
        high = VFX__MAX(high, vfx_rect_height(sp->display));
        nc = VFX__MAX(nc, vfx_image_n_channels(images[i]));
        if (vfx_rect_is_infinite(vfx_image_rod(images[i])))
            return vfx__fail(VFX_ERR_ARG, "mosaic: image %d has an infinite RoD", (int) i);
    }
    int64_t W = nx * wide + (nx - 1) * (int64_t) pad, H = ny * high + (ny - 1) * (int64_t) pad;
    if (W > (1 << 24) || H > (1 << 24) || nc > 64)
        return vfx__fail(VFX_ERR_ARG, "mosaic: result too large (%lldx%lld, %d channels)",
                         (long long) W, (long long) H, (int) nc);
    /* the canvas: black, float, the channels of the image with the most */
    int32_t widest = 0;
    for (int32_t i = 0; i < n; i++)
        if (vfx_image_n_channels(images[i]) == nc) {
            widest = i;
            break;
        }
    float      zero[64] = { 0 };
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_image *acc = NULL;
    vfx_status s = vfx_spec_copy(&spec, vfx_image_spec(images[widest]));
    if (s == VFX_OK) {
        spec.data = spec.display = vfx_rect_make(0, 0, (int32_t) W, (int32_t) H);
        for (int32_t c = 0; c < nc && s == VFX_OK; c++)
            s = vfx_channels_set_type(spec.channels, c, VFX_PIXEL_F32);
    }
    if (s == VFX_OK)
        s = vfx_image_new_constant(zero, &spec, &acc);
    for (int32_t j = 0; j < ny && s == VFX_OK; j++)
        for (int32_t i = 0; i < nx && s == VFX_OK; i++) {
            vfx_image *next = NULL;
            s = vfx_image_paste(acc, images[j * nx + i], (int32_t) (i * (wide + pad)),
                                (int32_t) (j * (high + pad)), 0, &next);
            vfx_image_unref(acc);
            acc = next;
        }
    vfx_spec_clear(&spec);
    if (s != VFX_OK) {
        vfx_image_unref(acc);
        return s;
    }
    *out = acc;
    return VFX_OK;
}

/* ---- circular shift --------------------------------------------------------------------------- */

typedef struct cshift_params {
    int32_t dx, dy;
} cshift_params;

static void
cshift_roi(const vfx_node *n, int k, const vfx_rect *want, vfx_rect *need_out)
{
    const cshift_params *p = vfx__node_params(n);
    (void) k;
    *need_out = (vfx_rect){ want->x0 - p->dx, want->y0 - p->dy, want->x1 - p->dx,
                            want->y1 - p->dy };
}

static vfx_edge
cshift_edge(const vfx_node *n, int k)
{
    (void) n;
    (void) k;
    return VFX_EDGE_PERIODIC;
}

static vfx_status
cshift_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const cshift_params *p = vfx__node_params(n);
    size_t row = (size_t) vfx_rect_width(out->rect) * (size_t) out->n_channels * sizeof(float);
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++)
        memcpy(vfx__tile_at(out, out->rect.x0, y),
               vfx__tile_at(in[0], out->rect.x0 - p->dx, y - p->dy), row);
    return VFX_OK;
}

const vfx_op_class vfx__op_cshift = {
    sizeof(vfx_op_class), "cshift", 0, sizeof(cshift_params),
    NULL, cshift_roi, cshift_render, NULL, NULL, cshift_edge, NULL, NULL
};

vfx_status
vfx_image_circular_shift(vfx_image *in, int32_t dx, int32_t dy, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "cshift: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "cshift: input is NULL");
    vfx_rect r = vfx_image_rod(in);
    if (vfx_rect_is_infinite(r) || vfx_rect_is_empty(r))
        return vfx__fail(VFX_ERR_ARG, "cshift: the input's RoD is empty or infinite");
    /* reduce the shift to one period, so the RoI stays near the RoD */
    int64_t w = vfx_rect_width(r), h = vfx_rect_height(r);
    cshift_params p = { (int32_t) ((dx % w + w) % w), (int32_t) ((dy % h + h) % h) };
    return vfx__node_new(&vfx__op_cshift, &p, sizeof p, &in, 1, NULL, out);
}

/* ---- croptofull, reorient ----------------------------------------------------------------------- */

vfx_status
vfx_image_croptofull(vfx_image *in, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "croptofull: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "croptofull: input is NULL");
    if (vfx_image_n_channels(in) > 64)
        return vfx__fail(VFX_ERR_ARG, "croptofull: more than 64 channels");
    return vfx__pad_to_display(in, out);
}

vfx_status
vfx_image_reorient(vfx_image *in, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "reorient: out is NULL");
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "reorient: input is NULL");
    const vfx_spec *is = vfx_image_spec(in);
    int32_t         o = 1;
    if (is->attrs && vfx_attrs_get_int(is->attrs, "Orientation", &o) != VFX_OK)
        o = 1;
    vfx_image *t = NULL, *r = NULL;
    vfx_status s = VFX_OK;
    switch (o) { /* the EXIF meaning, undone as OIIO's reorient */
    case 2: s = vfx_image_flop(in, &r); break;
    case 3: s = vfx_image_rotate180(in, &r); break;
    case 4: s = vfx_image_flip(in, &r); break;
    case 5:
        s = vfx_image_flop(in, &t);
        if (s == VFX_OK)
            s = vfx_image_rotate90(t, &r);
        break;
    case 6: s = vfx_image_rotate90(in, &r); break;
    case 7:
        s = vfx_image_flip(in, &t);
        if (s == VFX_OK)
            s = vfx_image_rotate90(t, &r);
        break;
    case 8: s = vfx_image_rotate270(in, &r); break;
    default: r = vfx_image_ref(in); break;
    }
    vfx_image_unref(t);
    if (s != VFX_OK)
        return s;
    /* the same pixels with Orientation = 1: a crop to the RoD (a fused copy) with a new spec */
    vfx_spec spec = VFX_SPEC_INIT;
    s = vfx_spec_copy(&spec, vfx_image_spec(r));
    if (s == VFX_OK && !spec.attrs)
        s = vfx_attrs_new(&spec.attrs);
    if (s == VFX_OK)
        s = vfx_attrs_set_int(spec.attrs, "Orientation", 1);
    if (s == VFX_OK) {
        vfx_rect rod = vfx_image_rod(r); /* the crop op's params are its rect */
        s = vfx__node_new(&vfx__op_crop, &rod, sizeof rod, &r, 1, &spec, out);
    }
    vfx_spec_clear(&spec);
    vfx_image_unref(r);
    return s;
}

/* ---- chappend ------------------------------------------------------------------------------------ */

typedef struct chappend_params {
    vfx_rect rod;
} chappend_params;

static vfx_status
chappend_rod(const vfx_node *n, vfx_rect *rod_out)
{
    const chappend_params *p = vfx__node_params(n);
    *rod_out = p->rod;
    return VFX_OK;
}

static vfx_status
chappend_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    int32_t na = in[0]->n_channels, nb = in[1]->n_channels, nc = out->n_channels;
    (void) n;
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(in[0], out->rect.x0, y);
        const float *b = vfx__tile_at(in[1], out->rect.x0, y);
        float       *q = vfx__tile_at(out, out->rect.x0, y);
        for (int32_t x = out->rect.x0; x < out->rect.x1; x++, a += na, b += nb, q += nc) {
            memcpy(q, a, (size_t) na * sizeof(float));
            memcpy(q + na, b, (size_t) nb * sizeof(float));
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_chappend = {
    sizeof(vfx_op_class), "chappend", 0, sizeof(chappend_params),
    chappend_rod, NULL, chappend_render, NULL, NULL, NULL, NULL, NULL
};

vfx_status
vfx_image_channel_append(vfx_image *a, vfx_image *b, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "chappend: out is NULL");
    *out = NULL;
    if (!a || !b)
        return vfx__fail(VFX_ERR_ARG, "chappend: NULL input");
    const vfx_spec *as = vfx_image_spec(a), *bs = vfx_image_spec(b);
    int32_t         na = vfx_image_n_channels(a), nb = vfx_image_n_channels(b);
    if (na + nb > 1024)
        return vfx__fail(VFX_ERR_ARG, "chappend: more than 1024 channels");
    chappend_params p;
    p.rod = vfx_rect_union(vfx_image_rod(a), vfx_image_rod(b));
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, as);
    for (int32_t i = 0; i < nb && s == VFX_OK; i++) {
        vfx_channel_info ci;
        char             name[32];
        const char      *nm;
        s = vfx_channels_get(bs->channels, i, &ci);
        if (s != VFX_OK)
            break;
        nm = ci.name;
        if (vfx_channels_find(spec.channels, nm) >= 0) { /* taken: OIIO's default name */
            snprintf(name, sizeof name, "channel%d", (int) (na + i));
            nm = name;
        }
        s = vfx_channels_add(spec.channels, nm, ci.type, 1, 1);
    }
    if (s == VFX_OK) {
        spec.data = p.rod;
        vfx_image *ins[2] = { a, b };
        s = vfx__node_new(&vfx__op_chappend, &p, sizeof p, ins, 2, &spec, out);
    }
    vfx_spec_clear(&spec);
    return s;
}

/* ---- channel reductions: weighted sum, max, min into one channel "Y" ----------------------------- */

enum { RED_SUM, RED_MAX, RED_MIN };

typedef struct reduce_params {
    int32_t kind, n_in;
    float   w[64];
} reduce_params;

static vfx_status
reduce_render(const vfx_node *n, vfx_tile *out, const vfx_tile *const *in, void *scratch)
{
    const reduce_params *p = vfx__node_params(n);
    int32_t              ni = p->n_in;
    (void) scratch;
    for (int32_t y = out->rect.y0; y < out->rect.y1; y++) {
        const float *a = vfx__tile_at(in[0], out->rect.x0, y);
        float       *q = vfx__tile_at(out, out->rect.x0, y);
        for (int32_t x = out->rect.x0; x < out->rect.x1; x++, a += ni, q++) {
            float v = p->kind == RED_SUM ? 0.0f : p->kind == RED_MAX ? -FLT_MAX : FLT_MAX;
            for (int32_t c = 0; c < ni; c++) {
                if (p->kind == RED_SUM)
                    v += a[c] * p->w[c];
                else if (p->kind == RED_MAX)
                    v = a[c] > v ? a[c] : v;
                else
                    v = a[c] < v ? a[c] : v;
            }
            *q = v;
        }
    }
    return VFX_OK;
}

const vfx_op_class vfx__op_chreduce = {
    sizeof(vfx_op_class), "chreduce", 0, sizeof(reduce_params),
    NULL, NULL, reduce_render, NULL, NULL, NULL, NULL, NULL
};

static vfx_status
reduce_new(const char *what, int kind, vfx_image *in, const float *weights, vfx_image **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "%s: out is NULL", what);
    *out = NULL;
    if (!in)
        return vfx__fail(VFX_ERR_ARG, "%s: input is NULL", what);
    reduce_params p;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    p.n_in = vfx_image_n_channels(in);
    if (p.n_in > 64)
        return vfx__fail(VFX_ERR_ARG, "%s: more than 64 channels", what);
    for (int32_t c = 0; c < p.n_in; c++)
        p.w[c] = weights ? weights[c] : 1.0f;
    vfx_spec   spec = VFX_SPEC_INIT;
    vfx_status s = vfx_spec_copy(&spec, vfx_image_spec(in));
    vfx_channel_info ci;
    if (s == VFX_OK)
        s = vfx_channels_get(spec.channels, 0, &ci);
    vfx_channels *oc = NULL;
    if (s == VFX_OK)
        s = vfx_channels_new(&oc);
    if (s == VFX_OK)
        s = vfx_channels_add(oc, "Y", ci.type, 1, 1);
    if (s == VFX_OK) {
        vfx_channels_free(spec.channels);
        spec.channels = oc;
        oc = NULL;
        spec.display = spec.data; /* as OIIO: a new image of the data window */
        s = vfx__node_new(&vfx__op_chreduce, &p, sizeof p, &in, 1, &spec, out);
    }
    vfx_channels_free(oc);
    vfx_spec_clear(&spec);
    return s;
}

vfx_status
vfx_image_channel_sum(vfx_image *in, const float *weights, vfx_image **out)
{
    return reduce_new("chsum", RED_SUM, in, weights, out);
}

vfx_status
vfx_image_maxchan(vfx_image *in, vfx_image **out)
{
    return reduce_new("maxchan", RED_MAX, in, NULL, out);
}

vfx_status
vfx_image_minchan(vfx_image *in, vfx_image **out)
{
    return reduce_new("minchan", RED_MIN, in, NULL, out);
}
