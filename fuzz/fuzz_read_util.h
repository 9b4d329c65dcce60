/* Shared by the reader fuzz harnesses: open from memory with a format forced, then decode
 * every part and level in strips, top to bottom and once more out of order, so the decode
 * paths (and restarts of sequential decoders) run too. A clean rejection is a pass. */
#ifndef VFX_FUZZ_READ_UTIL_H
#define VFX_FUZZ_READ_UTIL_H

#include <stdint.h>
#include <stdlib.h>

#include "vfx/vfx.h"

static int
fuzz_init(void)
{
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = 1;
    o.cache_bytes = 64 << 20;
    o.max_pixels = 4096 * 4096;
    return vfx_init(&o) == VFX_OK ? 0 : -1;
}

static void
fuzz_read_all(vfx_reader *r)
{
    for (int32_t p = 0; p < vfx_reader_part_count(r); p++) {
        int32_t nx = 1, ny = 1;
        vfx_level_mode mode = VFX_LEVELS_ONE;
        if (vfx_reader_levels(r, p, &mode, &nx, &ny) != VFX_OK)
            return;
        for (int32_t l = 0; l < nx && l < ny; l++) {
            vfx_rect rc;
            if (vfx_reader_level_rect(r, p, l, l, &rc) != VFX_OK)
                return;
            int64_t w = vfx_rect_width(rc);
            const vfx_spec *sp = NULL;
            vfx_reader_spec(r, p, &sp);
            int32_t nc = vfx_channels_count(sp->channels);
            if (nc > 64)
                nc = 64;
            /* strips of up to 16 rows and 2^20 pixels */
            int32_t strip = (int32_t) ((1 << 20) / (w > 0 ? w : 1));
            strip = strip < 1 ? 1 : strip > 16 ? 16 : strip;
            float *buf = malloc((size_t) w * (size_t) strip * (size_t) nc * sizeof(float) + 1);
            if (!buf)
                return;
            ptrdiff_t xs = (ptrdiff_t) (nc * (int32_t) sizeof(float));
            int32_t ch[64];
            for (int32_t c = 0; c < nc; c++)
                ch[c] = c;
            for (int pass = 0; pass < 2; pass++) {
                for (int32_t y = rc.y0; y < rc.y1; y += strip) {
                    /* second pass: the bottom strip first, then the top */
                    int32_t yy = pass == 0 ? y : rc.y1 - 1 - (y - rc.y0);
                    vfx_rect s = { rc.x0, yy, rc.x1, yy + (pass == 0 ? strip : 1) };
                    if (s.y1 > rc.y1)
                        s.y1 = rc.y1;
                    if (vfx_reader_read_rect(r, p, l, l, s, ch, nc, VFX_PIXEL_F32, buf, xs,
                                             xs * (ptrdiff_t) w) != VFX_OK)
                        break;
                    if (pass == 1 && y - rc.y0 > 2 * strip)
                        break;
                }
            }
            free(buf);
        }
    }
}

static int
fuzz_one(const uint8_t *data, size_t size, const char *format)
{
    vfx_read_options o = VFX_READ_OPTIONS_INIT;
    o.format = format;
    vfx_reader *r = NULL;
    if (vfx_reader_open_memory(data, size, format, &o, &r) != VFX_OK)
        return 0;
    fuzz_read_all(r);
    vfx_reader_close(r);
    return 0;
}

#endif
