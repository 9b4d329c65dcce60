/* Reconstruction filters as oiiotool names and sizes them. Each 1-D filter maps x to its
 * canonical support by its width (triangle, gaussian, mitchell, cubic: 2 / width so the
 * support is [-1, 1]; catmull-rom, b-spline: 4 / width; lanczos3: 6 / width) and is then a
 * closed form; sinc's argument is not scaled (width only bounds it). Evaluated in double from
 * the float argument, rounded once. */
#include <math.h>
#include <string.h>

#include "ops/filter.h"

#define PI 3.14159265358979323846

static const struct {
    const char *name, *alias;
    float       width;
    int         separable;
} filters[VFX__F_COUNT] = {
    [VFX__F_BOX] = { "box", NULL, 1, 1 },
    [VFX__F_TRIANGLE] = { "triangle", NULL, 2, 1 },
    [VFX__F_GAUSSIAN] = { "gaussian", NULL, 3, 1 },
    [VFX__F_SHARP_GAUSSIAN] = { "sharp-gaussian", NULL, 2, 1 },
    [VFX__F_CATROM] = { "catmull-rom", "catrom", 4, 1 },
    [VFX__F_BLACKMAN_HARRIS] = { "blackman-harris", NULL, 3, 1 },
    [VFX__F_SINC] = { "sinc", NULL, 4, 1 },
    [VFX__F_LANCZOS3] = { "lanczos3", "lanczos", 6, 1 },
    [VFX__F_RADIAL_LANCZOS3] = { "radial-lanczos3", "radial-lanczos", 6, 0 },
    [VFX__F_MITCHELL] = { "mitchell", NULL, 4, 1 },
    [VFX__F_BSPLINE] = { "bspline", "b-spline", 4, 1 },
    [VFX__F_DISK] = { "disk", NULL, 1, 0 },
    [VFX__F_CUBIC] = { "cubic", NULL, 4, 1 },
    [VFX__F_KEYS] = { "keys", NULL, 4, 1 },
    [VFX__F_SIMON] = { "simon", NULL, 4, 1 },
    [VFX__F_RIFMAN] = { "rifman", NULL, 4, 1 },
};

int
vfx__filter_find(const char *name)
{
    for (int i = 0; i < VFX__F_COUNT; i++)
        if (strcmp(name, filters[i].name) == 0 ||
            (filters[i].alias && strcmp(name, filters[i].alias) == 0))
            return i;
    return -1;
}

float
vfx__filter_width(int id)
{
    return filters[id].width;
}

int
vfx__filter_separable(int id)
{
    return filters[id].separable;
}

/* Lanczos, 3 lobes, on [-3, 3]. */
static double
lanczos3(double x)
{
    x = fabs(x);
    if (x > 3.0)
        return 0.0;
    if (x < 0.0001)
        return 1.0;
    return 3.0 * sin(PI * x) * sin(PI * x / 3.0) / (PI * PI * x * x);
}

/* Keys' family of cubics with parameter a, on [-1, 1] (rescaled from [-2, 2]). */
static double
cubic(double x, double a)
{
    x = fabs(x);
    if (x > 1.0)
        return 0.0;
    x *= 2.0;
    if (x >= 1.0)
        return a * (x * (x * (x - 5.0) + 8.0) - 4.0);
    return x * x * ((a + 2.0) * x - (a + 3.0)) + 1.0;
}

float
vfx__filter_1d(int id, float width, float x)
{
    float  rs = 2.0f / width; /* x * rs is in [-1, 1] on the support */
    double t;
    switch ((vfx__filter_id) id) {
    case VFX__F_BOX:
        return fabsf(x) <= width * 0.5f ? 1.0f : 0.0f;
    case VFX__F_TRIANGLE:
        t = fabs((double) (x * rs));
        return t < 1.0 ? (float) (1.0 - t) : 0.0f;
    case VFX__F_GAUSSIAN:
    case VFX__F_SHARP_GAUSSIAN:
        t = fabs((double) (x * rs));
        return t < 1.0 ? (float) exp((id == VFX__F_GAUSSIAN ? -2.0 : -4.0) * t * t) : 0.0f;
    case VFX__F_CATROM: {
        t = fabs((double) (x * (4.0f / width)));
        double t2 = t * t, t3 = t2 * t;
        if (t >= 2.0)
            return 0.0f;
        return (float) (t < 1.0 ? 3.0 * t3 - 5.0 * t2 + 2.0 : -t3 + 5.0 * t2 - 8.0 * t + 4.0);
    }
    case VFX__F_BLACKMAN_HARRIS: {
        t = (double) (x * rs);
        if (t < -1.0 || t > 1.0)
            return 0.0f;
        double u = (t + 1.0) * 0.5; /* the classic window on [0, 1] */
        return (float) (0.35875 - 0.48829 * cos(2 * PI * u) + 0.14128 * cos(4 * PI * u) -
                        0.01168 * cos(6 * PI * u));
    }
    case VFX__F_SINC:
        t = fabs((double) x);
        if (t > (double) (width * 0.5f))
            return 0.0f;
        return t < 0.0001 ? 1.0f : (float) (sin(PI * t) / (PI * t));
    case VFX__F_LANCZOS3:
    case VFX__F_RADIAL_LANCZOS3:
        return (float) lanczos3((double) (x * (6.0f / width)));
    case VFX__F_MITCHELL: {
        t = fabs((double) (x * rs));
        if (t > 1.0)
            return 0.0f;
        t *= 2.0;
        const double B = 1.0 / 3.0, C = 1.0 / 3.0, t2 = t * t;
        if (t >= 1.0)
            return (float) (((-B - 6 * C) * t * t2 + (6 * B + 30 * C) * t2 +
                             (-12 * B - 48 * C) * t + (8 * B + 24 * C)) / 6.0);
        return (float) (((12 - 9 * B - 6 * C) * t * t2 + (-18 + 12 * B + 6 * C) * t2 +
                         (6 - 2 * B)) / 6.0);
    }
    case VFX__F_BSPLINE: {
        t = fabs((double) (x * (4.0f / width)));
        if (t <= 1.0) {
            double u = 1.0 - t;
            return (float) (0.5 * u * (u * (1.0 - u) + 1.0) + 1.0 / 6.0);
        }
        if (t < 2.0) {
            double u = 2.0 - t;
            return (float) (u * u * u / 6.0);
        }
        return 0.0f;
    }
    case VFX__F_CUBIC:
        return (float) cubic((double) (x * rs), 0.0);
    case VFX__F_KEYS:
        return (float) cubic((double) (x * rs), -0.5);
    case VFX__F_SIMON:
        return (float) cubic((double) (x * rs), -0.75);
    case VFX__F_RIFMAN:
        return (float) cubic((double) (x * rs), -1.0);
    case VFX__F_DISK:
    case VFX__F_COUNT:
        break;
    }
    return 0.0f;
}

float
vfx__filter_2d(int id, float w, float h, float x, float y)
{
    if (id == VFX__F_DISK) {
        float u = x / (w * 0.5f), v = y / (h * 0.5f);
        return u * u + v * v < 1.0f ? 1.0f : 0.0f;
    }
    if (id == VFX__F_RADIAL_LANCZOS3) {
        double u = (double) (x * (6.0f / w)), v = (double) (y * (6.0f / h));
        return (float) lanczos3(sqrt(u * u + v * v));
    }
    return vfx__filter_1d(id, w, x) * vfx__filter_1d(id, h, y);
}
