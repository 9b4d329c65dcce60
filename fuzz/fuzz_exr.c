/* libFuzzer harness for the OpenEXR read path through the vfx plugin: open from memory, then
 * decode every chunk of every part and level (one chunk at a time, as the engine does).
 * A clean rejection is a pass; crashes, leaks and sanitizer reports are failures. */
#include <stdint.h>
#include <stdlib.h>

#include "vfx/vfx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = 1;
    o.cache_bytes = 64 << 20;
    o.max_pixels = 4096 * 4096; /* keep runs fast */
    return vfx_init(&o) == VFX_OK ? 0 : -1;
}

/* Decode every chunk of one level; stops at the first error or after a budget of chunks. */
static void
read_level(vfx_reader *r, int32_t part, int32_t lx, int32_t ly, int32_t n_channels,
           int64_t *budget)
{
    vfx_chunking c;
    vfx_rect lr;
    if (vfx_reader_chunking(r, part, lx, ly, &c) != VFX_OK ||
        vfx_reader_level_rect(r, part, lx, ly, &lr) != VFX_OK)
        return;
    size_t px = (size_t) c.chunk_w * (size_t) c.chunk_h;
    if (px == 0 || px > ((size_t) 1 << 24))
        return;
    float *buf = malloc(px * (size_t) n_channels * sizeof(float));
    if (!buf)
        return;
    for (int32_t j = 0; j < c.n_y; j++)
        for (int32_t i = 0; i < c.n_x; i++) {
            if (--*budget < 0)
                goto done;
            vfx_rect t = vfx_rect_make(c.origin_x + i * c.chunk_w, c.origin_y + j * c.chunk_h,
                                       c.chunk_w, c.chunk_h);
            t = vfx_rect_intersect(t, lr);
            ptrdiff_t xs = (ptrdiff_t) sizeof(float) * n_channels;
            if (vfx_reader_read_rect(r, part, lx, ly, t, NULL, 0, VFX_PIXEL_F32, buf, xs,
                                     xs * (ptrdiff_t) vfx_rect_width(t)) != VFX_OK)
                goto done;
        }
done:
    free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfx_reader *r = NULL;
    if (vfx_reader_open_memory(data, size, "fuzz.exr", NULL, &r) != VFX_OK)
        return 0;
    int64_t budget = 4096;
    for (int32_t p = 0; p < vfx_reader_part_count(r) && p < 16; p++) {
        const vfx_spec *sp;
        vfx_level_mode m;
        int32_t nx = 0, ny = 0;
        if (vfx_reader_spec(r, p, &sp) != VFX_OK || vfx_reader_levels(r, p, &m, &nx, &ny) != VFX_OK)
            break;
        int32_t nc = vfx_channels_count(sp->channels);
        for (int32_t ly = 0; ly < ny; ly++)
            for (int32_t lx = 0; lx < nx; lx++)
                if (m != VFX_LEVELS_MIPMAP || lx == ly)
                    read_level(r, p, lx, ly, nc, &budget);
    }
    vfx_reader_close(r);
    return 0;
}
