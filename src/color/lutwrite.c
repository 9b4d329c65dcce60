/* Baking a processor into LUT files (.cube, .spi3d, .spi1d), written atomically. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "color/color_int.h"

/* Ops that act on each channel alone (so a 1D LUT can hold the processor). */
static int
per_channel(const vfx_color_processor *p)
{
    for (int32_t i = 0; i < p->n_ops; i++) {
        const vfx__color_op *op = &p->ops[i];
        switch (op->code) {
        case VFX_COLOR_OP_MATRIX:
            for (int k = 0; k < 9; k++)
                if (k % 4 != 0 && op->u.matrix.m[k] != 0.0)
                    return 0;
            break;
        case VFX_COLOR_OP_CDL:
            if (op->u.cdl.cdl.saturation != 1.0)
                return 0;
            break;
        case VFX_COLOR_OP_LUT3D:
        case VFX_COLOR_OP_HLG_OOTF: return 0;
        default: break;
        }
    }
    return 1;
}

/* Evaluate the processor on a size^3 grid, red fastest. */
static vfx_status
sample_3d(const vfx_color_processor *p, int32_t size, float **out)
{
    size_t e = (size_t) size, n = e * e * e;
    float *t = vfx__alloc(n * 4 * sizeof(float));
    if (!t)
        return vfx__nomem();
    for (size_t b = 0; b < e; b++)
        for (size_t g = 0; g < e; g++)
            for (size_t r = 0; r < e; r++) {
                float *q = t + 4 * (r + e * (g + e * b));
                q[0] = (float) ((double) r / (double) (e - 1));
                q[1] = (float) ((double) g / (double) (e - 1));
                q[2] = (float) ((double) b / (double) (e - 1));
                q[3] = 1.0f;
            }
    vfx_status s = vfx_color_processor_apply_f32(p, t, 4, 0, 0, (int32_t) (e * e), (int32_t) e);
    if (s != VFX_OK) {
        vfx__free(t);
        return s;
    }
    *out = t;
    return VFX_OK;
}

static vfx_status
write_body(FILE *f, const vfx_color_processor *p, const char *ext, int32_t size)
{
    if (strcasecmp(ext, "spi1d") == 0) {
        if (!per_channel(p))
            return vfx__fail(VFX_ERR_UNSUPPORTED, "lut: a processor that mixes channels cannot "
                                                  "be baked into a 1D LUT");
        fprintf(f, "Version 1\nFrom 0.0 1.0\nLength %d\nComponents 3\n{\n", (int) size);
        for (int32_t i = 0; i < size; i++) {
            float v[3];
            v[0] = v[1] = v[2] = (float) ((double) i / (double) (size - 1));
            vfx_color_processor_apply_rgb(p, v);
            fprintf(f, "    %.9g %.9g %.9g\n", v[0], v[1], v[2]);
        }
        fprintf(f, "}\n");
        return VFX_OK;
    }
    float *t = NULL;
    VFX_TRY(sample_3d(p, size, &t));
    size_t e = (size_t) size;
    if (strcasecmp(ext, "cube") == 0) {
        fprintf(f, "# baked by vfx\nLUT_3D_SIZE %d\n", (int) size);
        for (size_t i = 0; i < e * e * e; i++)
            fprintf(f, "%.9g %.9g %.9g\n", t[4 * i], t[4 * i + 1], t[4 * i + 2]);
    } else {
        fprintf(f, "SPILUT 1.0\n3 3\n%d %d %d\n", (int) size, (int) size, (int) size);
        for (size_t r = 0; r < e; r++)
            for (size_t g = 0; g < e; g++)
                for (size_t b = 0; b < e; b++) {
                    const float *q = t + 4 * (r + e * (g + e * b));
                    fprintf(f, "%zu %zu %zu %.9g %.9g %.9g\n", r, g, b, q[0], q[1], q[2]);
                }
    }
    vfx__free(t);
    return VFX_OK;
}

vfx_status
vfx_color_processor_bake(const vfx_color_processor *p, const char *path, int32_t size)
{
    if (!p || !path)
        return vfx__fail(VFX_ERR_ARG, "lut: NULL argument");
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return vfx__fail(VFX_ERR_UNSUPPORTED, "lut: %s: no extension to tell the format", path);
    const char *ext = dot + 1;
    int is1d = strcasecmp(ext, "spi1d") == 0;
    if (!is1d && strcasecmp(ext, "cube") != 0 && strcasecmp(ext, "spi3d") != 0)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "lut: %s: cannot write '.%s' files", path, ext);
    if (size < 2 || size > (is1d ? (1 << 20) : 129))
        return vfx__fail(VFX_ERR_ARG, "lut: size %d out of range", (int) size);
    size_t n = strlen(path) + 32;
    char *tmp = vfx__alloc(n);
    if (!tmp)
        return vfx__nomem();
    snprintf(tmp, n, "%s.tmp%ld", path, (long) getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        vfx_status s = vfx__fail(VFX_ERR_IO, "lut: %s: cannot create: %s", tmp, strerror(errno));
        vfx__free(tmp);
        return s;
    }
    vfx_status s = write_body(f, p, ext, size);
    if (ferror(f) && s == VFX_OK)
        s = vfx__fail(VFX_ERR_IO, "lut: %s: write error", tmp);
    if (fclose(f) != 0 && s == VFX_OK)
        s = vfx__fail(VFX_ERR_IO, "lut: %s: write error: %s", tmp, strerror(errno));
    if (s == VFX_OK && rename(tmp, path) != 0)
        s = vfx__fail(VFX_ERR_IO, "lut: %s: cannot rename into place: %s", path, strerror(errno));
    if (s != VFX_OK)
        remove(tmp);
    vfx__free(tmp);
    return s;
}
