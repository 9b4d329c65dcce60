/* Half-open int32 rects. All arithmetic goes through int64 and saturates at the int32
 * bounds, which stand for "infinite": an infinite edge stays infinite whatever is done. */
#include "core/core_int.h"

static int32_t
sat(int64_t v)
{
    return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : (int32_t) v;
}

/* Move a low edge (x0/y0) by d unless it is infinite. */
static int32_t
move_lo(int32_t e, int64_t d)
{
    return e == VFX_COORD_MIN ? e : sat((int64_t) e + d);
}

/* Move a high edge (x1/y1) by d unless it is infinite. */
static int32_t
move_hi(int32_t e, int64_t d)
{
    return e == VFX_COORD_MAX ? e : sat((int64_t) e + d);
}

vfx_rect
vfx_rect_make(int32_t x, int32_t y, int32_t width, int32_t height)
{
    vfx_rect r = { x, y, sat((int64_t) x + width), sat((int64_t) y + height) };
    return r;
}

int
vfx_rect_is_empty(vfx_rect r)
{
    return r.x1 <= r.x0 || r.y1 <= r.y0;
}

int
vfx_rect_is_infinite(vfx_rect r)
{
    return !vfx_rect_is_empty(r) && (r.x0 == VFX_COORD_MIN || r.y0 == VFX_COORD_MIN ||
                                     r.x1 == VFX_COORD_MAX || r.y1 == VFX_COORD_MAX);
}

int
vfx_rect_equal(vfx_rect a, vfx_rect b)
{
    if (vfx_rect_is_empty(a) && vfx_rect_is_empty(b))
        return 1;
    return a.x0 == b.x0 && a.y0 == b.y0 && a.x1 == b.x1 && a.y1 == b.y1;
}

int64_t
vfx_rect_width(vfx_rect r)
{
    return vfx_rect_is_empty(r) ? 0 : (int64_t) r.x1 - r.x0;
}

int64_t
vfx_rect_height(vfx_rect r)
{
    return vfx_rect_is_empty(r) ? 0 : (int64_t) r.y1 - r.y0;
}

int64_t
vfx_rect_area(vfx_rect r)
{
    int64_t w = vfx_rect_width(r), h = vfx_rect_height(r);
    if (w == 0 || h == 0)
        return 0;
    if (vfx_rect_is_infinite(r) || w > INT64_MAX / h)
        return INT64_MAX;
    return w * h;
}

vfx_rect
vfx_rect_intersect(vfx_rect a, vfx_rect b)
{
    vfx_rect r = { VFX__MAX(a.x0, b.x0), VFX__MAX(a.y0, b.y0), VFX__MIN(a.x1, b.x1),
                   VFX__MIN(a.y1, b.y1) };
    return vfx_rect_is_empty(r) ? VFX_RECT_EMPTY : r;
}

vfx_rect
vfx_rect_union(vfx_rect a, vfx_rect b)
{
    if (vfx_rect_is_empty(a))
        return vfx_rect_is_empty(b) ? VFX_RECT_EMPTY : b;
    if (vfx_rect_is_empty(b))
        return a;
    vfx_rect r = { VFX__MIN(a.x0, b.x0), VFX__MIN(a.y0, b.y0), VFX__MAX(a.x1, b.x1),
                   VFX__MAX(a.y1, b.y1) };
    return r;
}

vfx_rect
vfx_rect_grow(vfx_rect r, int32_t dx, int32_t dy)
{
    if (vfx_rect_is_empty(r))
        return VFX_RECT_EMPTY;
    vfx_rect o = { move_lo(r.x0, -(int64_t) dx), move_lo(r.y0, -(int64_t) dy), move_hi(r.x1, dx),
                   move_hi(r.y1, dy) };
    return vfx_rect_is_empty(o) ? VFX_RECT_EMPTY : o;
}

vfx_rect
vfx_rect_translate(vfx_rect r, int32_t dx, int32_t dy)
{
    if (vfx_rect_is_empty(r))
        return VFX_RECT_EMPTY;
    vfx_rect o = { move_lo(r.x0, dx), move_lo(r.y0, dy), move_hi(r.x1, dx), move_hi(r.y1, dy) };
    return vfx_rect_is_empty(o) ? VFX_RECT_EMPTY : o;
}

vfx_rect
vfx_rect_clip(vfx_rect r, vfx_rect clip)
{
    return vfx_rect_intersect(r, clip);
}

int
vfx_rect_contains_point(vfx_rect r, int32_t x, int32_t y)
{
    return x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;
}

int
vfx_rect_contains(vfx_rect outer, vfx_rect inner)
{
    if (vfx_rect_is_empty(inner))
        return 1;
    return inner.x0 >= outer.x0 && inner.y0 >= outer.y0 && inner.x1 <= outer.x1 &&
           inner.y1 <= outer.y1;
}
