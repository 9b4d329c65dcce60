/* The DWAA / DWAB chunk decoder alone (src/io/dwa_codec.c). The input's first bytes describe
 * the part, the rest is one compressed chunk:
 *   [0]      number of channels - 1 (mod 16)
 *   [1..2]   chunk width - 1 (little-endian, mod 2048)
 *   [3..4]   chunk height - 1 (mod 256)
 *   [5]      first line of the chunk (signed: exercises y sampling phases)
 *   per channel, 2 bytes: a name (index into names[]) and flags: bits 0-1 type (3 = HALF),
 *            bit 2 x sampling 2, bit 3 y sampling 2, bit 4 pLinear
 * fuzz/corpus/dwa/ holds real chunks from OpenEXR-written files with such a prefix. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/dwa_int.h"

static const char *const names[] = {
    "R",   "G",         "B",         "A",         "Y",    "RY",    "BY",  "Z",
    "id",  "diffuse.R", "diffuse.G", "diffuse.B", "mask", "red",   "grn", "blue",
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    vfx_init_options o = VFX_INIT_OPTIONS_INIT;
    o.threads = 1;
    return vfx_init(&o) == VFX_OK ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 6)
        return 0;
    int32_t n_ch = 1 + data[0] % 16;
    int32_t w = 1 + (int32_t) ((data[1] | data[2] << 8) % 2048);
    int32_t h = 1 + (int32_t) ((data[3] | data[4] << 8) % 256);
    int32_t y0 = (int8_t) data[5];
    size_t  head = 6 + 2 * (size_t) n_ch;
    if (size < head)
        return 0;
    vfx__dwa_channel ch[16];
    for (int32_t i = 0; i < n_ch; i++) {
        uint8_t f = data[7 + 2 * i];
        ch[i].name = names[data[6 + 2 * i] % 16];
        ch[i].type = (f & 3) == 3 ? VFX__DWA_HALF : (int32_t) (f & 3);
        ch[i].x_sampling = 1 + ((f >> 2) & 1);
        ch[i].y_sampling = 1 + ((f >> 3) & 1);
        ch[i].p_linear = (f >> 4) & 1;
    }
    vfx_rect rect = { 0, y0, w, y0 + h };
    size_t need = 0;
    if (vfx__dwa_unpacked_size(ch, n_ch, rect, &need) != VFX_OK)
        return 0;
    uint8_t *out = malloc(need ? need : 1);
    if (!out)
        return 0;
    /* exactly the input, so a sanitizer sees any read past it */
    vfx_status s = vfx__dwa_decode(data + head, size - head, ch, n_ch, rect, out, need);
    if (s != VFX_OK && s != VFX_ERR_CORRUPT && s != VFX_ERR_NOMEM)
        abort(); /* anything else is a broken invariant */
    free(out);
    return 0;
}
