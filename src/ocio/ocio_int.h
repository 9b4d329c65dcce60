/* Private OCIO config layer: the parsed config (config.c), transform compilation
 * (transform.c), built-in transforms (builtin.c) and the default config text (default.c). */
#ifndef VFX_OCIO_INT_H
#define VFX_OCIO_INT_H

#include <yaml.h>

#include "core/core_int.h"
#include "vfx/color.h"
#include "vfx/ocio.h"

/** Nesting deeper than this (groups, colour-space references) is refused. */
#define VFX__OCIO_MAX_DEPTH 48
/** Transform nodes visited while checking or compiling one conversion (YAML aliases can make a
 *  small text describe an exponential tree). */
#define VFX__OCIO_MAX_VISITS 50000
/** Ops in one compiled processor (before optimising). */
#define VFX__OCIO_MAX_OPS 4096

typedef struct vfx__ocio_cs {
    const char        *name, *family, *description, *encoding;
    int32_t            isdata, is_display, inactive;
    const yaml_node_t *aliases;           /* a sequence or a scalar, or NULL */
    const yaml_node_t *to_ref, *from_ref; /* transform nodes or NULL */
    const yaml_node_t *node;
} vfx__ocio_cs;

typedef struct vfx__ocio_view {
    const char        *name, *colorspace, *view_transform, *display_colorspace, *looks;
    const char        *description, *rule; /* rule: a viewing_rules name, "" for none */
    const yaml_node_t *node;
} vfx__ocio_view;

typedef struct vfx__ocio_display {
    const char     *name;
    vfx__ocio_view *views;   /* shared views copied in */
    int32_t         n_views;
    int32_t        *active;  /* indexes into views, active order */
    int32_t         n_active;
} vfx__ocio_display;

typedef struct vfx__ocio_vt {
    const char        *name;
    const yaml_node_t *to_scene, *from_scene, *to_display, *from_display;
    const yaml_node_t *node;
} vfx__ocio_vt;

typedef struct vfx__ocio_look {
    const char        *name, *process_space;
    const yaml_node_t *xf, *inv;
    const yaml_node_t *node;
} vfx__ocio_look;

typedef struct vfx__ocio_nt {              /* named_transforms (v2.0+) */
    const char        *name, *family, *description, *encoding;
    const yaml_node_t *aliases;
    const yaml_node_t *fwd, *inv;         /* transform, inverse_transform (one may be NULL) */
    const yaml_node_t *node;
} vfx__ocio_nt;

typedef struct vfx__ocio_member {          /* a file of an .ocioz archive, in memory */
    char          *name;                  /* its path in the archive, '/' separated */
    unsigned char *data;
    size_t         size;
} vfx__ocio_member;

typedef struct vfx__ocio_kv {
    const char *key, *value;
} vfx__ocio_kv;

struct vfx_ocio_config {
    yaml_document_t    doc;
    int                have_doc;
    char              *src_name;     /* for messages: the path or the given name */
    char              *working_dir;
    int32_t            major, minor;
    const char        *name, *description, *default_vt;
    vfx__ocio_kv      *roles;        int32_t n_roles;
    vfx__ocio_cs      *cs;           int32_t n_cs;
    vfx__ocio_display *displays;     int32_t n_displays;
    int32_t           *active_displays; int32_t n_active_displays;
    vfx__ocio_view    *shared;       int32_t n_shared;
    vfx__ocio_vt      *vts;          int32_t n_vts;
    vfx__ocio_look    *looks;        int32_t n_looks;
    vfx__ocio_nt      *nts;          int32_t n_nts;
    const yaml_node_t *viewing_rules; /* a sequence or NULL */
    vfx__ocio_member  *members;      int32_t n_members;  /* .ocioz: every file but config.ocio */
    char              *archive;      /* .ocioz: the archive's path, NULL for plain configs */
    const char       **search;       int32_t n_search;
    const yaml_node_t *file_rules;   /* a sequence or NULL */
    vfx__ocio_kv      *env;          int32_t n_env, cap_env;  /* config defaults + overrides */
    char             **owned;        int32_t n_owned, cap_owned;
};

/* ---- config.c ---------------------------------------------------------------------------- */
const yaml_node_t *vfx__ocio_node(const vfx_ocio_config *cfg, int idx);
/** Value of key @p key in mapping @p map, or NULL. */
const yaml_node_t *vfx__ocio_map_get(const vfx_ocio_config *cfg, const yaml_node_t *map,
                                     const char *key);
/** A scalar's text ("" for non-scalars). */
const char        *vfx__ocio_scalar(const yaml_node_t *n);
/** CORRUPT "src:line:col: <what>" at node @p n. */
vfx_status         vfx__ocio_fail_at(const vfx_ocio_config *cfg, const yaml_node_t *n,
                                     vfx_status code, const char *fmt, ...) VFX__PRINTF(4, 5);
/** Index of a colour space by name, alias or role (context-expanded first), or -1. */
int32_t            vfx__ocio_find_cs(const vfx_ocio_config *cfg, const char *name);
const vfx__ocio_look *vfx__ocio_find_look(const vfx_ocio_config *cfg, const char *name);
const vfx__ocio_view *vfx__ocio_find_view(const vfx_ocio_config *cfg, const char *display,
                                          const char *view);
const vfx__ocio_vt *vfx__ocio_find_vt(const vfx_ocio_config *cfg, const char *name);
/** The archive member a path from vfx_ocio_config_resolve_file() names, or NULL (plain
 *  configs, or a path outside the archive). */
const vfx__ocio_member *vfx__ocio_find_member(const vfx_ocio_config *cfg, const char *resolved);
/* ocioz.c: read every file of the .ocioz archive @p path into memory (config.ocio separately). */
vfx_status vfx__ocioz_read(const char *path, unsigned char **config_out, size_t *config_size_out,
                           vfx__ocio_member **members_out, int32_t *n_members_out);
void       vfx__ocioz_free_members(vfx__ocio_member *m, int32_t n);
/** Index of a named transform by name or alias (context-expanded first), or -1. */
int32_t            vfx__ocio_find_nt(const vfx_ocio_config *cfg, const char *name);

/* ---- transform.c ------------------------------------------------------------------------- */
typedef struct vfx__ocio_build {
    const vfx_ocio_config *cfg;
    int32_t                depth;
    int64_t                visits;
    int                    check_only; /* validate references, load no files, build nothing */
    int                    dv_inverse; /* set by the dispatch for an inverted DisplayViewTransform */
    int                    looks_no_bypass; /* looks reach their process space even from data */
} vfx__ocio_build;

/** Append transform node @p xf (forward, or inverse when @p inverse) to @p p (NULL when
 *  check_only). */
vfx_status vfx__ocio_build_xf(vfx__ocio_build *b, const yaml_node_t *xf, int inverse,
                              vfx_color_processor *p);
/** Append the conversion between colour spaces @p src and @p dst (indexes). */
vfx_status vfx__ocio_build_convert(vfx__ocio_build *b, int32_t src, int32_t dst,
                                   vfx_color_processor *p);
/** Append named transform @p i forward (its transform, else its inverse_transform inverted)
 *  or, with @p inverse, the other way. */
vfx_status vfx__ocio_build_nt(vfx__ocio_build *b, int32_t i, int inverse, vfx_color_processor *p);
/** Append @p looks ("+a, -b"), moving *cur through the looks' process spaces. */
vfx_status vfx__ocio_build_looks(vfx__ocio_build *b, const char *looks, int32_t *cur,
                                 vfx_color_processor *p);
/** Append @p src (index) to a display and view, with @p looks (NULL: the view's). @p data_bypass
 *  1: a data source or display colour space passes through (the default); 0: the view applies
 *  to it too (DisplayViewTransform's `data_bypass: false`). */
vfx_status vfx__ocio_build_display(vfx__ocio_build *b, int32_t src, const char *display,
                                   const char *view, const char *looks, int data_bypass,
                                   vfx_color_processor *p);

/* ---- builtin.c --------------------------------------------------------------------------- */
/** 1 when @p style names a built-in transform vfx knows (case-insensitive). */
int        vfx__ocio_builtin_known(const char *style);
/** Append built-in @p style forward to @p p. VFX_ERR_UNSUPPORTED for styles OCIO has but vfx
 *  cannot express (ACES output transforms...), VFX_ERR_NOT_FOUND for unknown styles. */
vfx_status vfx__ocio_builtin_append(const char *style, vfx_color_processor *p);
/* builtin_aces.c: the ACES output transforms, LMTs, ADX, ACESproxy and VENICE styles */
int        vfx__ocio_builtin_aces_known(const char *style);
vfx_status vfx__ocio_builtin_aces_append(const char *style, vfx_color_processor *p);

/* ---- default.c --------------------------------------------------------------------------- */
extern const char vfx__ocio_default_config[];

#endif
