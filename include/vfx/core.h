/* Core types: library init, rects, pixel types and conversion, half floats,
 * channel lists, typed metadata attributes, image specs. */
#ifndef VFX_CORE_H
#define VFX_CORE_H

#include <stddef.h>
#include <stdint.h>
#include "vfx/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ============================================================================================
 * Library init and shutdown
 * ========================================================================================== */

/** Options for vfx_init(). Always start from VFX_INIT_OPTIONS_INIT. */
typedef struct vfx_init_options {
    size_t  size;        /**< sizeof(vfx_init_options): lets the struct grow */
    int32_t threads;     /**< worker threads; 0 = $VFX_THREADS, else the number of cores */
    int64_t cache_bytes; /**< tile cache budget; 0 = $VFX_MEMORY, else min(25% of RAM, 4 GiB) */
    int64_t max_pixels;  /**< refuse images with more pixels; 0 = 2^36 */
    /** Allocator hooks; all three or none. ctx is passed back unchanged. */
    void *(*malloc_fn)(void *ctx, size_t n);
    void *(*realloc_fn)(void *ctx, void *p, size_t n);
    void (*free_fn)(void *ctx, void *p);
    void *alloc_ctx;
} vfx_init_options;
#define VFX_INIT_OPTIONS_INIT { sizeof(vfx_init_options), 0, 0, 0, NULL, NULL, NULL, NULL }

/** Initialise the library. Optional: the first call that needs the library initialises it
 *  with defaults. @p opt may be NULL.
 *  @return VFX_OK; VFX_ERR_STATE if already initialised (call vfx_shutdown() first);
 *  VFX_ERR_ARG for a bad option. */
VFX_API vfx_status vfx_init(const vfx_init_options *opt);

/** Stop worker threads and free global state. vfx_init() may be called again afterwards.
 *  No other vfx call may be running. Does not fail. */
VFX_API void vfx_shutdown(void);

/** The settings in force (after defaults and environment were applied). Does not fail. */
VFX_API int32_t vfx_threads(void);
VFX_API int64_t vfx_cache_bytes(void);
VFX_API int64_t vfx_max_pixels(void);

/** "0.1.0"; static storage. */
VFX_API const char *vfx_version_string(void);
/** VFX_VERSION_NUMBER of the library actually linked. */
VFX_API int vfx_version_number(void);

/* ============================================================================================
 * Rects: half-open, int32, with an infinite rect for infinite regions of definition
 * ========================================================================================== */

/** The pixels x0 <= x < x1, y0 <= y < y1. Empty when x1 <= x0 or y1 <= y0. */
typedef struct vfx_rect {
    int32_t x0, y0, x1, y1;
} vfx_rect;

/** The whole plane. Every operation saturates at these bounds instead of overflowing,
 *  so INFINITE grown, translated or united stays INFINITE. */
#define VFX_COORD_MIN INT32_MIN
#define VFX_COORD_MAX INT32_MAX
#define VFX_RECT_INFINITE ((vfx_rect){ VFX_COORD_MIN, VFX_COORD_MIN, VFX_COORD_MAX, VFX_COORD_MAX })
#define VFX_RECT_EMPTY ((vfx_rect){ 0, 0, 0, 0 })

/** A rect from an origin and a size (saturating). */
VFX_API vfx_rect vfx_rect_make(int32_t x, int32_t y, int32_t width, int32_t height);
VFX_API int      vfx_rect_is_empty(vfx_rect r);
/** True when any edge lies on the saturation bounds. */
VFX_API int      vfx_rect_is_infinite(vfx_rect r);
VFX_API int      vfx_rect_equal(vfx_rect a, vfx_rect b);
/** Width and height as int64 (never overflow); 0 for an empty rect. */
VFX_API int64_t  vfx_rect_width(vfx_rect r);
VFX_API int64_t  vfx_rect_height(vfx_rect r);
/** Pixel count; INT64_MAX for an infinite rect. */
VFX_API int64_t  vfx_rect_area(vfx_rect r);
/** Intersection; an empty result is normalised to VFX_RECT_EMPTY. */
VFX_API vfx_rect vfx_rect_intersect(vfx_rect a, vfx_rect b);
/** Smallest rect covering both; an empty operand is ignored. */
VFX_API vfx_rect vfx_rect_union(vfx_rect a, vfx_rect b);
/** Grow by dx on left and right and dy on top and bottom (negative shrinks), saturating.
 *  Infinite edges stay infinite. */
VFX_API vfx_rect vfx_rect_grow(vfx_rect r, int32_t dx, int32_t dy);
/** Move by (dx, dy), saturating; infinite edges stay infinite. */
VFX_API vfx_rect vfx_rect_translate(vfx_rect r, int32_t dx, int32_t dy);
/** Same as vfx_rect_intersect(r, clip): reads better at call sites that clip to a RoD. */
VFX_API vfx_rect vfx_rect_clip(vfx_rect r, vfx_rect clip);
VFX_API int      vfx_rect_contains_point(vfx_rect r, int32_t x, int32_t y);
/** True when @p inner lies wholly inside @p outer (an empty inner is always contained). */
VFX_API int      vfx_rect_contains(vfx_rect outer, vfx_rect inner);

/* ============================================================================================
 * Pixel types and conversion
 *
 * Convention (as in OpenImageIO): integer types are normalised, 0 -> 0.0 and the type's
 * maximum -> 1.0 (u8 / 255, u16 / 65535, u32 / 4294967295). Converting float to integer
 * clamps to [0, 1], maps NaN to 0 and rounds to nearest. half <-> float is bit-exact with
 * OpenEXR's half; float -> half rounds to nearest, ties to even. Integer -> integer keeps the
 * normalised value (u8 -> u16 multiplies by 257, u16 -> u8 rounds).
 * ========================================================================================== */

typedef enum vfx_pixel_type {
    VFX_PIXEL_UNKNOWN = 0,
    VFX_PIXEL_U8      = 1,
    VFX_PIXEL_U16     = 2,
    VFX_PIXEL_U32     = 3,
    VFX_PIXEL_HALF    = 4,
    VFX_PIXEL_F32     = 5,
    VFX_PIXEL_F64     = 6
} vfx_pixel_type;

/** Bytes per value: 1, 2, 4, 2, 4, 8; 0 for UNKNOWN. */
VFX_API size_t         vfx_pixel_type_size(vfx_pixel_type t);
/** "u8", "u16", "u32", "half", "float", "double"; "unknown" otherwise. */
VFX_API const char    *vfx_pixel_type_name(vfx_pixel_type t);
/** Accepts the names above and the aliases "uint8", "uint16", "uint32", "f16", "f32", "f64".
 *  Returns VFX_PIXEL_UNKNOWN for anything else. */
VFX_API vfx_pixel_type vfx_pixel_type_from_name(const char *name);
VFX_API int            vfx_pixel_type_is_float(vfx_pixel_type t);

/** Convert @p n values. Strides are in bytes between consecutive values (so one channel of an
 *  interleaved buffer can be converted in place of a plane). Source and destination must not
 *  overlap unless they are the same pointer with equal strides and equal-size types.
 *  @return VFX_OK, or VFX_ERR_ARG for an unknown type. */
VFX_API vfx_status vfx_convert_values(const void *src, vfx_pixel_type src_type, ptrdiff_t src_stride,
                                      void *dst, vfx_pixel_type dst_type, ptrdiff_t dst_stride,
                                      size_t n);

/** Convert a 2-D block of @p width x @p height pixels of @p n_channels values each.
 *  x strides are bytes between pixels, y strides bytes between rows; channels are packed
 *  within a pixel. */
VFX_API vfx_status vfx_convert_image(const void *src, vfx_pixel_type src_type,
                                     ptrdiff_t src_x_stride, ptrdiff_t src_y_stride,
                                     void *dst, vfx_pixel_type dst_type,
                                     ptrdiff_t dst_x_stride, ptrdiff_t dst_y_stride,
                                     int32_t width, int32_t height, int32_t n_channels);

/** IEEE 754 binary16 <-> binary32, bit-exact with OpenEXR's half. Do not fail. */
VFX_API float    vfx_half_to_float(uint16_t h);
VFX_API uint16_t vfx_float_to_half(float f);
/** Bulk forms (F16C when the CPU has it, chosen at run time). Do not fail. */
VFX_API void vfx_half_to_float_n(const uint16_t *src, float *dst, size_t n);
VFX_API void vfx_float_to_half_n(const float *src, uint16_t *dst, size_t n);

/* ============================================================================================
 * Channel lists
 * ========================================================================================== */

/** What a channel holds, guessed from its name (the part after the last '.'):
 *  A/alpha -> ALPHA (AR/AG/AB too), Z/depth -> DEPTH, ZBack -> DEPTH_BACK, R/G/B/Y/X... ->
 *  COLOR, anything else OTHER. */
typedef enum vfx_channel_role {
    VFX_ROLE_OTHER      = 0,
    VFX_ROLE_COLOR      = 1,
    VFX_ROLE_ALPHA      = 2,
    VFX_ROLE_DEPTH      = 3,
    VFX_ROLE_DEPTH_BACK = 4
} vfx_channel_role;

/** One channel as seen through vfx_channels_get(). */
typedef struct vfx_channel_info {
    const char      *name;       /**< borrowed; valid while the list lives and is unchanged */
    vfx_pixel_type   type;
    int32_t          x_sampling; /**< 1 for full resolution; EXR subsampled chroma uses 2 */
    int32_t          y_sampling;
    vfx_channel_role role;
    int32_t          linear;     /**< EXR pLinear hint: 1 if perceptually linear */
} vfx_channel_info;

typedef struct vfx_channels vfx_channels; /* opaque, ordered */

VFX_API vfx_status vfx_channels_new(vfx_channels **out);
/** Release; accepts NULL. */
VFX_API void       vfx_channels_free(vfx_channels *c);
VFX_API vfx_status vfx_channels_copy(const vfx_channels *c, vfx_channels **out);
/** Append a channel. @return VFX_ERR_ARG for an empty name, a duplicate name, an unknown type
 *  or sampling < 1. */
VFX_API vfx_status vfx_channels_add(vfx_channels *c, const char *name, vfx_pixel_type type,
                                    int32_t x_sampling, int32_t y_sampling);
/** Convenience: a list of full-resolution channels from comma-separated names ("R,G,B,A"). */
VFX_API vfx_status vfx_channels_from_names(const char *names, vfx_pixel_type type, vfx_channels **out);
VFX_API int32_t    vfx_channels_count(const vfx_channels *c);
/** Channel @p i (0-based). @return VFX_ERR_ARG when out of range. */
VFX_API vfx_status vfx_channels_get(const vfx_channels *c, int32_t i, vfx_channel_info *out);
/** Index of the channel named @p name, or -1. Exact, case-sensitive. */
VFX_API int32_t    vfx_channels_find(const vfx_channels *c, const char *name);
/** Index of the first channel with this role, or -1. */
VFX_API int32_t    vfx_channels_find_role(const vfx_channels *c, vfx_channel_role role);
VFX_API vfx_status vfx_channels_set_type(vfx_channels *c, int32_t i, vfx_pixel_type type);
VFX_API vfx_status vfx_channels_rename(vfx_channels *c, int32_t i, const char *name);
VFX_API vfx_status vfx_channels_remove(vfx_channels *c, int32_t i);
/** Same names, types, samplings, in the same order. */
VFX_API int        vfx_channels_equal(const vfx_channels *a, const vfx_channels *b);
/** The role a name implies (see vfx_channel_role). Does not fail. */
VFX_API vfx_channel_role vfx_channel_role_from_name(const char *name);

/* ============================================================================================
 * Typed metadata attributes
 *
 * One naming scheme across formats (docs/metadata.md): "oiio:ColorSpace"-like names become
 * "colorspace", "Orientation", "ICCProfile", "Exif:*", and "openexr:*" for EXR-only ones.
 * ========================================================================================== */

typedef enum vfx_attr_type {
    VFX_ATTR_NONE        = 0,
    VFX_ATTR_INT         = 1,  /**< int32 */
    VFX_ATTR_FLOAT       = 2,
    VFX_ATTR_DOUBLE      = 3,
    VFX_ATTR_STRING      = 4,
    VFX_ATTR_STRING_LIST = 5,
    VFX_ATTR_INT_VEC     = 6,  /**< any number of int32 */
    VFX_ATTR_FLOAT_VEC   = 7,  /**< any number of float */
    VFX_ATTR_V2I         = 8,
    VFX_ATTR_V2F         = 9,
    VFX_ATTR_V3I         = 10,
    VFX_ATTR_V3F         = 11,
    VFX_ATTR_V2D         = 12,
    VFX_ATTR_V3D         = 13,
    VFX_ATTR_BOX2I       = 14, /**< xmin, ymin, xmax, ymax as the source format states them */
    VFX_ATTR_BOX2F       = 15,
    VFX_ATTR_M33F        = 16, /**< row-major */
    VFX_ATTR_M44F        = 17,
    VFX_ATTR_M33D        = 18,
    VFX_ATTR_M44D        = 19,
    VFX_ATTR_RATIONAL    = 20, /**< num / den, den unsigned */
    VFX_ATTR_TIMECODE    = 21, /**< SMPTE 12M packed words */
    VFX_ATTR_KEYCODE     = 22,
    VFX_ATTR_CHROMATICITIES = 23, /**< red, green, blue, white xy */
    VFX_ATTR_BLOB        = 24  /**< opaque bytes with a type name, kept byte-for-byte */
} vfx_attr_type;

/** An attribute value. Pointers inside are borrowed: on set the library copies what they
 *  point to; on get they point into the attribute set (valid until it changes or is freed). */
typedef struct vfx_attr_value {
    vfx_attr_type type;
    union {
        int32_t i;
        float   f;
        double  d;
        const char *s;
        struct { const char *const *items; int32_t n; } sl;
        struct { const int32_t *p; int32_t n; } iv;
        struct { const float *p; int32_t n; } fv;
        int32_t v2i[2];
        float   v2f[2];
        int32_t v3i[3];
        float   v3f[3];
        double  v2d[2];
        double  v3d[3];
        int32_t box2i[4];
        float   box2f[4];
        float   m33f[9];
        float   m44f[16];
        double  m33d[9];
        double  m44d[16];
        struct { int32_t num; uint32_t den; } rational;
        struct { uint32_t time_and_flags, user_data; } timecode;
        struct {
            int32_t film_mfc_code, film_type, prefix, count, perf_offset, perfs_per_frame,
                perfs_per_count;
        } keycode;
        float chroma[8]; /**< red x,y  green x,y  blue x,y  white x,y */
        struct { const char *type_name; const void *data; size_t size; } blob;
    } u;
} vfx_attr_value;

typedef struct vfx_attrs vfx_attrs; /* opaque, ordered by insertion, names unique */

VFX_API vfx_status vfx_attrs_new(vfx_attrs **out);
/** Release; accepts NULL. */
VFX_API void       vfx_attrs_free(vfx_attrs *a);
VFX_API vfx_status vfx_attrs_copy(const vfx_attrs *a, vfx_attrs **out);
/** Insert or replace @p name (the library copies the value). On failure @p a is unchanged. */
VFX_API vfx_status vfx_attrs_set(vfx_attrs *a, const char *name, const vfx_attr_value *v);
VFX_API vfx_status vfx_attrs_set_int(vfx_attrs *a, const char *name, int32_t v);
VFX_API vfx_status vfx_attrs_set_float(vfx_attrs *a, const char *name, float v);
VFX_API vfx_status vfx_attrs_set_double(vfx_attrs *a, const char *name, double v);
VFX_API vfx_status vfx_attrs_set_string(vfx_attrs *a, const char *name, const char *v);
/** Borrowed pointer to the value of @p name, or NULL when absent. */
VFX_API const vfx_attr_value *vfx_attrs_get(const vfx_attrs *a, const char *name);
/** Typed getters: VFX_ERR_NOT_FOUND when absent, VFX_ERR_ARG when of another type
 *  (int is widened to float/double on request). */
VFX_API vfx_status vfx_attrs_get_int(const vfx_attrs *a, const char *name, int32_t *out);
VFX_API vfx_status vfx_attrs_get_float(const vfx_attrs *a, const char *name, float *out);
VFX_API vfx_status vfx_attrs_get_string(const vfx_attrs *a, const char *name, const char **out);
/** Remove @p name; VFX_ERR_NOT_FOUND when absent. */
VFX_API vfx_status vfx_attrs_remove(vfx_attrs *a, const char *name);
VFX_API int32_t    vfx_attrs_count(const vfx_attrs *a);
/** The @p i-th attribute in insertion order (name and value borrowed). */
VFX_API vfx_status vfx_attrs_at(const vfx_attrs *a, int32_t i, const char **name_out,
                                const vfx_attr_value **value_out);
/** Copy every attribute of @p src into @p dst (replacing same names). */
VFX_API vfx_status vfx_attrs_merge(vfx_attrs *dst, const vfx_attrs *src);
/** Two values of the same type and contents (bitwise for floats, so NaN == NaN). */
VFX_API int        vfx_attr_value_equal(const vfx_attr_value *a, const vfx_attr_value *b);
/** Same names with equal values, in any order. */
VFX_API int        vfx_attrs_equal(const vfx_attrs *a, const vfx_attrs *b);
/** "int", "float", ..., "chromaticities", "blob". Static storage. */
VFX_API const char *vfx_attr_type_name(vfx_attr_type t);
/** Human-readable value into @p buf (truncated to @p size, always NUL-terminated), as
 *  exrheader would print it roughly. Returns the length it wanted. */
VFX_API size_t     vfx_attr_value_format(const vfx_attr_value *v, char *buf, size_t size);

/* ============================================================================================
 * Image spec: what an image is, without pixels
 * ========================================================================================== */

/** Channels, windows and metadata of one image. The spec owns its channel list and attribute
 *  set. Start from VFX_SPEC_INIT; release with vfx_spec_clear(). */
typedef struct vfx_spec {
    vfx_rect      data;     /**< data window (the region of definition); may be infinite */
    vfx_rect      display;  /**< display window ("full" image) */
    vfx_channels *channels; /**< owned; may be NULL while being built */
    vfx_attrs    *attrs;    /**< owned; may be NULL when there is no metadata */
} vfx_spec;
#define VFX_SPEC_INIT { { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, NULL, NULL }

/** Fill @p spec with @p width x @p height, data = display at (0, 0), channels from
 *  comma-separated names of one type, and an empty attribute set. */
VFX_API vfx_status vfx_spec_init_simple(vfx_spec *spec, int32_t width, int32_t height,
                                        const char *channel_names, vfx_pixel_type type);
/** Deep copy into @p dst (which must be cleared or VFX_SPEC_INIT); on failure dst is cleared. */
VFX_API vfx_status vfx_spec_copy(vfx_spec *dst, const vfx_spec *src);
/** Free what the spec owns and reset it to VFX_SPEC_INIT; accepts NULL. Does not fail. */
VFX_API void       vfx_spec_clear(vfx_spec *spec);

#ifdef __cplusplus
}
#endif
#endif
