/* DWA through the whole EXR reader: the input is an EXR file (the corpus holds small DWAA /
 * DWAB files, scanline and tiled); every pixel of every part's first level is read. */
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
    o.max_pixels = 4096 * 4096;
    return vfx_init(&o) == VFX_OK ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfx_reader *r = NULL;
    if (vfx_reader_open_memory(data, size, "exr", NULL, &r) != VFX_OK)
        return 0; /* a clean rejection is a pass */
    for (int32_t p = 0; p < vfx_reader_part_count(r); p++) {
        const vfx_spec *sp;
        if (vfx_reader_spec(r, p, &sp) != VFX_OK)
            continue;
        vfx_rect rc = sp->data;
        int64_t area = vfx_rect_area(rc);
        int32_t nc = vfx_channels_count(sp->channels);
        if (area <= 0 || nc <= 0 || area * nc > (int64_t) 1 << 24)
            continue;
        float *px = malloc((size_t) area * (size_t) nc * sizeof *px);
        if (!px)
            continue;
        ptrdiff_t xs = (ptrdiff_t) (sizeof *px * (size_t) nc);
        (void) vfx_reader_read_rect(r, p, 0, 0, rc, NULL, 0, VFX_PIXEL_F32, px, xs,
                                    xs * (ptrdiff_t) vfx_rect_width(rc));
        free(px);
    }
    vfx_reader_close(r);
    return 0;
}
