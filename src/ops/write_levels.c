/* MIP and RIP pyramids (maketx): level 0 streams from the image, every further level is a
 * resize of the level before it, written level by level into one tiled file. */
#include "graph/graph_int.h"
#include "io/io_int.h"
#include "vfx/ops.h"

/* Levels past (0, 0): each is the previous one (to its left, else above) resized with
 * @p filter, so a level costs about a quarter of the one before it, as in OIIO's maketx.
 * Level 0 is @p im restricted to @p region, which becomes its display window: the resize
 * maps level rect to level rect. Every level is rendered and written in turn, tile by tile. */
static vfx_status
write_levels(vfx_image *im, vfx_writer *w, vfx_rect region, const char *filter,
             const vfx_sink_options *sopt)
{
    vfx_level_mode mode;
    int32_t nx, ny;
    VFX_TRY(vfx_writer_levels(w, &mode, &nx, &ny));
    if (nx * ny <= 1)
        return VFX_OK;
    vfx_image **lv = vfx__calloc((size_t) nx * (size_t) ny, sizeof *lv);
    if (!lv)
        return vfx__nomem();
    vfx_image *crop = NULL;
    vfx_status s = vfx_image_crop(im, region, &crop);
    if (s == VFX_OK)
        s = vfx_image_translate(crop, 0, 0, region, &lv[0]);
    vfx_image_unref(crop);
    for (int32_t ly = 0; ly < ny && s == VFX_OK; ly++) {
        for (int32_t lx = 0; lx < nx && s == VFX_OK; lx++) {
            if ((lx == 0 && ly == 0) || (mode == VFX_LEVELS_MIPMAP && lx != ly))
                continue;
            vfx_image *from = mode == VFX_LEVELS_MIPMAP ? lv[(lx - 1) + (ly - 1) * nx]
                              : lx > 0                  ? lv[(lx - 1) + ly * nx]
                                                        : lv[lx + (ly - 1) * nx];
            vfx_rect r;
            s = vfx_writer_level_rect(w, lx, ly, &r);
            if (s == VFX_OK)
                s = vfx_image_resize(from, r, filter ? filter : "box", 0.0f, &lv[lx + ly * nx]);
            if (s == VFX_OK)
                s = vfx_writer_set_level(w, lx, ly);
            if (s == VFX_OK)
                s = vfx__write_level(lv[lx + ly * nx], w, r, sopt);
            if (s != VFX_OK)
                vfx__error_prefix("level (%d, %d): ", lx, ly);
        }
    }
    for (int32_t k = 0; k < nx * ny; k++)
        vfx_image_unref(lv[k]);
    vfx__free(lv);
    return s;
}

vfx_status
vfx_image_write_levels(vfx_image *im, const char *path, const vfx_write_options *wopt,
                       const vfx_sink_options *sopt)
{
    if (!im || !path || !wopt)
        return vfx__fail(VFX_ERR_ARG, "write levels: NULL image, path or options");
    if (!VFX__HAS(wopt, vfx_write_options, level_filter))
        return vfx__fail(VFX_ERR_ARG, "write levels: options struct too small");
    if (wopt->levels != VFX_LEVELS_MIPMAP && wopt->levels != VFX_LEVELS_RIPMAP)
        return vfx__fail(VFX_ERR_ARG, "%s: levels must be MIPMAP or RIPMAP", path);
    if (wopt->tile_w <= 0 || wopt->tile_h <= 0)
        return vfx__fail(VFX_ERR_ARG, "%s: MIP and RIP levels need a tile size", path);
    vfx_rect region;
    VFX_TRY(vfx__write_region(im, sopt, &region));
    vfx_spec spec = VFX_SPEC_INIT;
    VFX_TRY(vfx_spec_copy(&spec, vfx_image_spec(im)));
    spec.data = region;
    vfx_writer *w = NULL;
    vfx_status s = vfx_writer_open(path, &spec, wopt, &w);
    vfx_spec_clear(&spec);
    if (s != VFX_OK)
        return s;
    /* Level n+1 reads level n's tiles through the cache; releasing them behind each run
     * would recompute the whole chain down to the file for every level. */
    vfx__drop_behind_hold(1);
    s = vfx__write_level(im, w, region, sopt);
    if (s == VFX_OK)
        s = write_levels(im, w, region, wopt->level_filter, sopt);
    vfx__drop_behind_hold(0);
    vfx_status s2 = vfx_writer_close(w, s != VFX_OK);
    return s != VFX_OK ? s : s2;
}
