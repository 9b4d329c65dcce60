/* libFuzzer harness for the deep EXR path (src/io/exr_deep.c): read a deep part from memory
 * (sample count tables and sample data are untrusted), then compute its statistics, flatten
 * it (render every pixel) and write it back as deep EXR. A clean rejection is a pass. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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
    o.max_pixels = 1024 * 1024; /* keep runs fast */
    return vfx_init(&o) == VFX_OK ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vfx_deep_read_options o = VFX_DEEP_READ_OPTIONS_INIT;
    o.max_values = (int64_t) 1 << 22; /* 16 MiB of samples at most */
    vfx_deep *d = NULL;
    if (vfx_deep_read_memory(data, size, "fuzz.exr", &o, &d) != VFX_OK)
        return 0;
    vfx_deep_stats st;
    if (vfx_deep_compute_stats(d, &st) == VFX_OK)
        vfx_deep_stats_clear(&st);
    vfx_image *flat = NULL;
    if (vfx_deep_flatten(d, &flat) == VFX_OK) {
        vfx_rect r = vfx_image_rod(flat);
        int32_t nc = vfx_image_n_channels(flat);
        size_t n = (size_t) vfx_rect_area(r) * (size_t) nc;
        float *buf = malloc(n ? n * sizeof(float) : 1);
        if (buf)
            vfx_image_render(flat, r, buf, VFX_PIXEL_F32, (ptrdiff_t) nc * 4,
                             (ptrdiff_t) nc * 4 * (ptrdiff_t) vfx_rect_width(r), nc, NULL);
        free(buf);
        vfx_image_unref(flat);
    }
    char path[64];
    snprintf(path, sizeof path, "/tmp/vfx-fuzz-deep-%d.exr", (int) getpid());
    if (vfx_deep_write(d, path, NULL) == VFX_OK)
        unlink(path);
    vfx_deep_unref(d);
    return 0;
}
