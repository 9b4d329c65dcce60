/* The format registry, reader and writer front ends shared by every format plugin:
 * detection, data sources (file, memory, user callbacks), argument checks, error context,
 * statistics, and the temporary-file-then-rename protocol of writers. */
#include "io/io_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Pin the layouts of the growing public structs (STYLE §3): fields are only ever appended.
 * (Offsets as on LP64 targets.) */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(offsetof(vfx_read_options, size) == 0, "vfx_read_options layout");
_Static_assert(offsetof(vfx_read_options, max_pixels) == 16, "vfx_read_options layout");
_Static_assert(offsetof(vfx_read_options, io) == 24, "vfx_read_options layout");
_Static_assert(offsetof(vfx_read_options, format) == 32, "vfx_read_options layout");
_Static_assert(sizeof(vfx_read_options) == 40, "vfx_read_options layout");
_Static_assert(offsetof(vfx_io, read) == 16 && offsetof(vfx_io, close) == 32 &&
                   sizeof(vfx_io) == 40, "vfx_io layout");
_Static_assert(offsetof(vfx_write_options, compression) == 16 &&
                   offsetof(vfx_write_options, level) == 24 &&
                   offsetof(vfx_write_options, pixel_type) == 36 &&
                   offsetof(vfx_write_options, flags) == 40 &&
                   offsetof(vfx_write_options, levels) == 44 &&
                   offsetof(vfx_write_options, level_filter) == 56 &&
                   sizeof(vfx_write_options) == 64,
               "vfx_write_options layout");
#endif

/* ---- registry ---------------------------------------------------------------------------- */

static const vfx_format *const formats[] = {
    &vfx__fmt_exr,
    &vfx__fmt_png,
    &vfx__fmt_tiff,
    &vfx__fmt_jpeg,
    &vfx__fmt_hdr,
    &vfx__fmt_dpx,
    &vfx__fmt_pnm,
    &vfx__fmt_bmp,
    &vfx__fmt_tga,
    &vfx__fmt_jp2,
    &vfx__fmt_webp,
    &vfx__fmt_avif,
    &vfx__fmt_heif,
};

static const char *
base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The extension of @p path without the dot, or the whole string when it has no dot (so a
 * bare "exr" works as a hint). */
static const char *
extension_of(const char *path)
{
    const char *b = base_name(path);
    const char *dot = strrchr(b, '.');
    return dot ? dot + 1 : b;
}

static int
format_has_extension(const vfx_format *f, const char *ext)
{
    size_t n = strlen(ext);
    const char *p = f->extensions;
    while (n > 0 && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t) (comma - p) : strlen(p);
        if (len == n && strncasecmp(p, ext, n) == 0)
            return 1;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

static const vfx_format *
format_by_name(const char *name)
{
    for (size_t i = 0; i < VFX__COUNTOF(formats); i++)
        if (strcasecmp(formats[i]->name, name) == 0 || format_has_extension(formats[i], name))
            return formats[i];
    return NULL;
}

const char *
vfx_format_from_extension(const char *path)
{
    if (!path)
        return NULL;
    const char *ext = extension_of(path);
    for (size_t i = 0; i < VFX__COUNTOF(formats); i++)
        if (format_has_extension(formats[i], ext))
            return formats[i]->name;
    return NULL;
}

int32_t
vfx_format_count(void)
{
    return (int32_t) VFX__COUNTOF(formats);
}

vfx_status
vfx_format_info_at(int32_t i, vfx_format_info *out)
{
    if (!out || i < 0 || i >= vfx_format_count())
        return vfx__fail(VFX_ERR_ARG, "format %d: no such format (0 to %d)", (int) i,
                         (int) vfx_format_count() - 1);
    const vfx_format *f = formats[i];
    out->name = f->name;
    out->extensions = f->extensions;
    out->can_read = f->open != NULL;
    out->can_write = f->write_open != NULL;
    out->description = f->description ? f->description : "";
    out->write_notes = f->write_notes ? f->write_notes : "";
    return VFX_OK;
}

/* Highest probe score wins; among equal scores the one claiming the extension. */
static const vfx_format *
detect(const uint8_t *head, size_t n, const char *name)
{
    const vfx_format *best = NULL;
    int best_score = 0;
    const char *ext = name ? extension_of(name) : "";
    for (size_t i = 0; i < VFX__COUNTOF(formats); i++) {
        int s = formats[i]->probe(head, n);
        if (s <= 0)
            continue;
        if (s > best_score || (s == best_score && !format_has_extension(best, ext) &&
                               format_has_extension(formats[i], ext))) {
            best = formats[i];
            best_score = s;
        }
    }
    return best;
}

/* ---- reader data source ------------------------------------------------------------------ */

int64_t
vfx__rd_read(vfx__rd *rd, void *buf, uint64_t n, uint64_t offset)
{
    int64_t got;
    if (n > (uint64_t) INT64_MAX)
        return -1;
    if (rd->mem) {
        uint64_t size = (uint64_t) rd->file_size;
        if (offset >= size)
            return 0;
        uint64_t avail = size - offset;
        uint64_t k = n < avail ? n : avail;
        memcpy(buf, rd->mem + offset, (size_t) k);
        got = (int64_t) k;
    } else if (rd->io.read) {
        got = rd->io.read(rd->io.user, buf, n, offset);
        if (got < 0 || (uint64_t) got > n)
            return -1;
    } else {
        uint8_t *p = buf;
        uint64_t done = 0;
        while (done < n) {
            size_t want = (size_t) VFX__MIN(n - done, (uint64_t) 1 << 30);
            if (offset + done > (uint64_t) INT64_MAX)
                return -1;
            ssize_t k = pread(rd->fd, p + done, want, (off_t) (offset + done));
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                return -1;
            }
            if (k == 0)
                break;
            done += (uint64_t) k;
        }
        got = (int64_t) done;
    }
    atomic_fetch_add_explicit(&rd->bytes_read, got, memory_order_relaxed);
    return got;
}

void
vfx__rd_count_chunks(vfx__rd *rd, int64_t n)
{
    atomic_fetch_add_explicit(&rd->chunks_read, n, memory_order_relaxed);
}

vfx_status
vfx__rd_alloc_parts(vfx__rd *rd, int32_t n)
{
    if (n <= 0)
        return vfx__fail(VFX_ERR_INTERNAL, "no parts");
    rd->parts = vfx__calloc((size_t) n, sizeof *rd->parts);
    if (!rd->parts)
        return vfx__nomem();
    rd->n_parts = n;
    for (int32_t i = 0; i < n; i++)
        rd->parts[i].spec = (vfx_spec) VFX_SPEC_INIT;
    return VFX_OK;
}

vfx_status
vfx__part_alloc_levels(vfx__part *p)
{
    if (p->n_levels_x <= 0 || p->n_levels_y <= 0 || p->n_levels_x > 64 || p->n_levels_y > 64)
        return vfx__fail(VFX_ERR_CORRUPT, "invalid level count %d x %d", p->n_levels_x,
                         p->n_levels_y);
    size_t n = (size_t) p->n_levels_x * (size_t) p->n_levels_y;
    p->level_rect = vfx__calloc(n, sizeof *p->level_rect);
    p->level_chunking = vfx__calloc(n, sizeof *p->level_chunking);
    if (!p->level_rect || !p->level_chunking)
        return vfx__nomem();
    return VFX_OK;
}

static void
reader_free(vfx_reader *r)
{
    if (!r)
        return;
    if (r->fmt && r->priv)
        r->fmt->close(r);
    for (int32_t i = 0; i < r->n_parts; i++) {
        vfx__part *p = &r->parts[i];
        vfx_spec_clear(&p->spec);
        vfx__free(p->name);
        vfx__free(p->view);
        vfx__free(p->level_rect);
        vfx__free(p->level_chunking);
    }
    vfx__free(r->parts);
    if (r->fd >= 0)
        close(r->fd);
    if (r->io.close)
        r->io.close(r->io.user);
    vfx__free(r->path);
    vfx__free(r);
}

/* Common tail of the open functions: detect, open the plugin, add context to errors. */
static vfx_status
reader_start(vfx_reader *r, const vfx_read_options *opt)
{
    uint8_t head[64];
    int64_t n = vfx__rd_read(r, head, sizeof head, 0);
    if (n < 0)
        return vfx__fail(VFX_ERR_IO, "%s: cannot read: %s", r->name, strerror(errno));
    if (opt && opt->format) {
        r->fmt = format_by_name(opt->format);
        if (!r->fmt)
            return vfx__fail(VFX_ERR_ARG, "%s: unknown format \"%s\"", r->name, opt->format);
    } else {
        r->fmt = detect(head, (size_t) n, r->path);
        if (!r->fmt)
            return vfx__fail(VFX_ERR_UNSUPPORTED, "%s: unknown image format", r->name);
    }
    r->flags = opt ? opt->flags : 0;
    r->max_pixels = (opt && opt->max_pixels > 0) ? opt->max_pixels : vfx_max_pixels();
    vfx_status s = r->fmt->open(r);
    if (s != VFX_OK) {
        vfx__error_prefix("%s: %s: ", r->fmt->tag, r->name);
        return s;
    }
    if (r->n_parts <= 0 || !r->parts)
        return vfx__fail(VFX_ERR_INTERNAL, "%s: %s: plugin reported no parts", r->fmt->tag,
                         r->name);
    return VFX_OK;
}

static vfx_status
reader_new(const char *path, vfx_reader **out)
{
    vfx_reader *r = vfx__calloc(1, sizeof *r);
    if (!r)
        return vfx__nomem();
    r->fd = -1;
    r->file_size = -1;
    atomic_init(&r->chunks_read, 0);
    atomic_init(&r->bytes_read, 0);
    r->path = vfx__strdup(path ? path : "<memory>");
    if (!r->path) {
        vfx__free(r);
        return vfx__nomem();
    }
    r->name = base_name(r->path);
    *out = r;
    return VFX_OK;
}

vfx_status
vfx_reader_open(const char *path, const vfx_read_options *opt, vfx_reader **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "vfx_reader_open: out is NULL");
    *out = NULL;
    if (!path)
        return vfx__fail(VFX_ERR_ARG, "vfx_reader_open: path is NULL");
    if (opt && opt->size < offsetof(vfx_read_options, io) + sizeof opt->io)
        return vfx__fail(VFX_ERR_ARG, "vfx_reader_open: options struct too small");
    VFX_TRY(vfx__ensure_init());
    vfx_reader *r;
    VFX_TRY(reader_new(path, &r));
    const vfx_io *io = opt ? opt->io : NULL;
    if (io) {
        if (io->size < offsetof(vfx_io, get_size) + sizeof io->get_size || !io->read) {
            reader_free(r);
            return vfx__fail(VFX_ERR_ARG, "vfx_reader_open: bad vfx_io callbacks");
        }
        r->io.size = sizeof r->io;
        r->io.user = io->user;
        r->io.read = io->read;
        r->io.get_size = io->get_size;
        if (VFX__HAS(io, vfx_io, close))
            r->io.close = io->close;
        r->file_size = io->get_size ? io->get_size(io->user) : -1;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            int e = errno;
            reader_free(r);
            return vfx__fail(VFX_ERR_IO, "%s: cannot open: %s", path, strerror(e));
        }
        struct stat st;
        if (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            reader_free(r);
            return vfx__fail(VFX_ERR_IO, "%s: not a regular file", path);
        }
        r->file_size = (int64_t) st.st_size;
    }
    vfx_status s = reader_start(r, opt);
    if (s != VFX_OK) {
        reader_free(r);
        return s;
    }
    *out = r;
    return VFX_OK;
}

vfx_status
vfx_reader_open_memory(const void *data, size_t size, const char *name_hint,
                       const vfx_read_options *opt, vfx_reader **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "vfx_reader_open_memory: out is NULL");
    *out = NULL;
    if (!data && size > 0)
        return vfx__fail(VFX_ERR_ARG, "vfx_reader_open_memory: data is NULL");
    if (size > (size_t) INT64_MAX)
        return vfx__fail(VFX_ERR_ARG, "vfx_reader_open_memory: size too large");
    if (opt && opt->size < offsetof(vfx_read_options, io) + sizeof opt->io)
        return vfx__fail(VFX_ERR_ARG, "vfx_reader_open_memory: options struct too small");
    VFX_TRY(vfx__ensure_init());
    vfx_reader *r;
    VFX_TRY(reader_new(name_hint ? name_hint : "<memory>", &r));
    static const uint8_t empty[1] = { 0 };
    r->mem = data ? data : empty;
    r->file_size = (int64_t) size;
    vfx_status s = reader_start(r, opt);
    if (s != VFX_OK) {
        reader_free(r);
        return s;
    }
    *out = r;
    return VFX_OK;
}

void
vfx_reader_close(vfx_reader *r)
{
    reader_free(r);
}

const char *
vfx_reader_format_name(const vfx_reader *r)
{
    return r && r->fmt ? r->fmt->name : "";
}

int32_t
vfx_reader_part_count(const vfx_reader *r)
{
    return r ? r->n_parts : 0;
}

static vfx_status
check_part(const vfx_reader *r, int32_t part)
{
    if (!r)
        return vfx__fail(VFX_ERR_ARG, "reader is NULL");
    if (part < 0 || part >= r->n_parts)
        return vfx__fail(VFX_ERR_ARG, "%s: part %d out of range (%d parts)", r->name, part,
                         r->n_parts);
    return VFX_OK;
}

static vfx_status
check_level(const vfx_reader *r, int32_t part, int32_t lx, int32_t ly, size_t *index_out)
{
    VFX_TRY(check_part(r, part));
    const vfx__part *p = &r->parts[part];
    if (lx < 0 || ly < 0 || lx >= p->n_levels_x || ly >= p->n_levels_y ||
        (p->level_mode == VFX_LEVELS_MIPMAP && lx != ly))
        return vfx__fail(VFX_ERR_ARG, "%s: part %d has no level (%d, %d)", r->name, part, lx,
                         ly);
    *index_out = (size_t) lx + (size_t) ly * (size_t) p->n_levels_x;
    return VFX_OK;
}

vfx_status
vfx_reader_spec(const vfx_reader *r, int32_t part, const vfx_spec **out)
{
    VFX_TRY(check_part(r, part));
    *out = &r->parts[part].spec;
    return VFX_OK;
}

const char *
vfx_reader_part_name(const vfx_reader *r, int32_t part)
{
    if (!r || part < 0 || part >= r->n_parts)
        return NULL;
    return r->parts[part].name;
}

const char *
vfx_reader_part_view(const vfx_reader *r, int32_t part)
{
    if (!r || part < 0 || part >= r->n_parts)
        return NULL;
    return r->parts[part].view;
}

vfx_status
vfx_reader_levels(const vfx_reader *r, int32_t part, vfx_level_mode *mode_out, int32_t *n_x_out,
                  int32_t *n_y_out)
{
    VFX_TRY(check_part(r, part));
    const vfx__part *p = &r->parts[part];
    if (mode_out)
        *mode_out = p->level_mode;
    if (n_x_out)
        *n_x_out = p->n_levels_x;
    if (n_y_out)
        *n_y_out = p->n_levels_y;
    return VFX_OK;
}

vfx_status
vfx_reader_level_rect(const vfx_reader *r, int32_t part, int32_t level_x, int32_t level_y,
                      vfx_rect *out)
{
    size_t i = 0;
    VFX_TRY(check_level(r, part, level_x, level_y, &i));
    *out = r->parts[part].level_rect[i];
    return VFX_OK;
}

vfx_status
vfx_reader_chunking(const vfx_reader *r, int32_t part, int32_t level_x, int32_t level_y,
                    vfx_chunking *out)
{
    size_t i = 0;
    VFX_TRY(check_level(r, part, level_x, level_y, &i));
    *out = r->parts[part].level_chunking[i];
    return VFX_OK;
}

/* Zero the pixels of @p rect (relative to dst at rect0) outside @p keep. */
static void
zero_outside(uint8_t *dst, vfx_rect rect, vfx_rect keep, size_t pixel_bytes, ptrdiff_t xs,
             ptrdiff_t ys)
{
    for (int32_t y = rect.y0; y < rect.y1; y++) {
        uint8_t *row = dst + (ptrdiff_t) (y - rect.y0) * ys;
        int whole = y < keep.y0 || y >= keep.y1 || vfx_rect_is_empty(keep);
        for (int32_t x = rect.x0; x < rect.x1; x++) {
            if (!whole && x >= keep.x0 && x < keep.x1) {
                x = keep.x1 - 1;
                continue;
            }
            memset(row + (ptrdiff_t) (x - rect.x0) * xs, 0, pixel_bytes);
        }
    }
}

vfx_status
vfx_reader_read_rect(vfx_reader *r, int32_t part, int32_t level_x, int32_t level_y,
                     vfx_rect rect, const int32_t *channels, int32_t n_channels,
                     vfx_pixel_type type, void *dst, ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    size_t li = 0;
    VFX_TRY(check_level(r, part, level_x, level_y, &li));
    const vfx__part *p = &r->parts[part];
    int32_t n_all = vfx_channels_count(p->spec.channels);
    size_t tsize = vfx_pixel_type_size(type);
    if (tsize == 0)
        return vfx__fail(VFX_ERR_ARG, "read_rect: unknown pixel type");
    if (!dst || vfx_rect_is_empty(rect))
        return vfx__fail(VFX_ERR_ARG, "read_rect: no buffer or empty rect");
    if (vfx_rect_is_infinite(rect))
        return vfx__fail(VFX_ERR_ARG, "read_rect: infinite rect");
    int32_t stack_idx[64];
    int32_t *all = NULL;
    if (!channels) {
        n_channels = n_all;
        if (n_all <= (int32_t) VFX__COUNTOF(stack_idx)) {
            all = stack_idx;
        } else {
            all = vfx__calloc((size_t) n_all, sizeof *all);
            if (!all)
                return vfx__nomem();
        }
        for (int32_t i = 0; i < n_all; i++)
            all[i] = i;
        channels = all;
    } else {
        if (n_channels <= 0)
            return vfx__fail(VFX_ERR_ARG, "read_rect: no channels requested");
        for (int32_t i = 0; i < n_channels; i++)
            if (channels[i] < 0 || channels[i] >= n_all)
                return vfx__fail(VFX_ERR_ARG, "read_rect: channel %d out of range (%d)",
                                 channels[i], n_all);
    }
    size_t pixel_bytes = tsize * (size_t) n_channels;
    vfx_rect data = p->level_rect[li];
    vfx_rect inside = vfx_rect_intersect(rect, data);
    vfx_status s = VFX_OK;
    if (!vfx_rect_equal(inside, rect))
        zero_outside(dst, rect, inside, pixel_bytes, x_stride, y_stride);
    if (!vfx_rect_is_empty(inside)) {
        vfx__read_req req;
        req.part = part;
        req.level_x = level_x;
        req.level_y = level_y;
        req.rect = inside;
        req.channels = channels;
        req.n_channels = n_channels;
        req.type = type;
        req.dst = (uint8_t *) dst + (ptrdiff_t) (inside.y0 - rect.y0) * y_stride +
                  (ptrdiff_t) (inside.x0 - rect.x0) * x_stride;
        req.x_stride = x_stride;
        req.y_stride = y_stride;
        s = r->fmt->read_rect(r, &req);
        if (s != VFX_OK)
            vfx__error_prefix("%s: %s: ", r->fmt->tag, r->name);
    }
    if (all && all != stack_idx)
        vfx__free(all);
    return s;
}

void
vfx_reader_get_stats(const vfx_reader *r, vfx_reader_stats *out)
{
    if (!out)
        return;
    out->chunks_read = r ? atomic_load(&((vfx_reader *) r)->chunks_read) : 0;
    out->bytes_read = r ? atomic_load(&((vfx_reader *) r)->bytes_read) : 0;
}

/* ---- writer ------------------------------------------------------------------------------ */

vfx_status
vfx__wr_write(vfx__wr *wr, const void *buf, uint64_t n, uint64_t offset)
{
    const uint8_t *p = buf;
    uint64_t done = 0;
    while (done < n) {
        size_t want = (size_t) VFX__MIN(n - done, (uint64_t) 1 << 30);
        if (offset + done > (uint64_t) INT64_MAX)
            return vfx__fail(VFX_ERR_IO, "write offset too large");
        ssize_t k = pwrite(wr->fd, p + done, want, (off_t) (offset + done));
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return vfx__fail(VFX_ERR_IO, "write failed: %s", strerror(errno));
        }
        if (k == 0)
            return vfx__fail(VFX_ERR_IO, "write failed: no progress");
        done += (uint64_t) k;
    }
    return VFX_OK;
}

static void
writer_free(vfx_writer *w)
{
    for (int32_t i = 1; w->parts && i < w->n_parts; i++)
        if (w->parts[i])
            writer_free(w->parts[i]);
    vfx__free(w->parts);
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp_path)
        unlink(w->tmp_path);
    vfx_spec_clear(&w->spec);
    vfx__free(w->level_rect);
    vfx__free(w->compression);
    vfx__free(w->tmp_path);
    vfx__free(w->path);
    vfx__free(w);
}

/* A fresh temporary file next to @p path: "<dir>/.<base>.vfx-XXXXXX". */
static vfx_status
make_temp(vfx_writer *w)
{
    size_t n = strlen(w->path);
    size_t dir_len = (size_t) (w->name - w->path);
    w->tmp_path = vfx__alloc(n + 16);
    if (!w->tmp_path)
        return vfx__nomem();
    memcpy(w->tmp_path, w->path, dir_len);
    snprintf(w->tmp_path + dir_len, n + 16 - dir_len, ".%s.vfx-XXXXXX", w->name);
    w->fd = mkostemp(w->tmp_path, O_CLOEXEC);
    if (w->fd < 0) {
        int e = errno;
        VFX_FREE(w->tmp_path);
        return vfx__fail(VFX_ERR_IO, "%s: cannot create a temporary file: %s", w->path,
                         strerror(e));
    }
    /* mkstemp makes 0600; give the usual permissions of a new file */
    mode_t mask = umask(022);
    umask(mask);
    (void) fchmod(w->fd, 0666 & ~mask);
    return VFX_OK;
}

/* A writer for @p spec with its options checked and copied, and its format chosen; no file
 * yet. */
static vfx_status
writer_new(const char *path, const vfx_spec *spec, const vfx_write_options *opt,
           vfx_writer **out)
{
    *out = NULL;
    if (!path || !spec)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_open: path or spec is NULL");
    if (opt && opt->size < offsetof(vfx_write_options, flags) + sizeof opt->flags)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_open: options struct too small");
    if (!spec->channels || vfx_channels_count(spec->channels) <= 0)
        return vfx__fail(VFX_ERR_ARG, "%s: spec has no channels", path);
    if (vfx_rect_is_empty(spec->data) || vfx_rect_is_infinite(spec->data))
        return vfx__fail(VFX_ERR_ARG, "%s: empty or infinite data window", path);
    VFX_TRY(vfx__ensure_init());
    vfx_write_options o = VFX_WRITE_OPTIONS_INIT;
    if (opt) {
        o.format = opt->format;
        o.compression = opt->compression;
        o.level = opt->level;
        o.tile_w = opt->tile_w;
        o.tile_h = opt->tile_h;
        o.pixel_type = opt->pixel_type;
        o.flags = opt->flags;
        if (VFX__HAS(opt, vfx_write_options, level_filter)) {
            o.levels = opt->levels;
            o.level_round = opt->level_round;
            o.level_filter = NULL; /* used by vfx_image_write() only */
        }
    }
    if (o.levels != VFX_LEVELS_ONE && o.levels != VFX_LEVELS_MIPMAP &&
        o.levels != VFX_LEVELS_RIPMAP)
        return vfx__fail(VFX_ERR_ARG, "%s: unknown level mode %d", path, (int) o.levels);
    if (o.level_round != VFX_LEVEL_ROUND_DOWN && o.level_round != VFX_LEVEL_ROUND_UP)
        return vfx__fail(VFX_ERR_ARG, "%s: unknown level rounding %d", path, o.level_round);
    const vfx_format *fmt = o.format ? format_by_name(o.format) : NULL;
    if (!fmt) {
        const char *name = o.format ? o.format : vfx_format_from_extension(path);
        fmt = name ? format_by_name(name) : NULL;
    }
    if (!fmt || !fmt->write_open)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "%s: no writer for this format", path);

    vfx_writer *w = vfx__calloc(1, sizeof *w);
    if (!w)
        return vfx__nomem();
    w->fd = -1;
    w->fmt = fmt;
    w->opt = o;
    w->spec = (vfx_spec) VFX_SPEC_INIT;
    w->path = vfx__strdup(path);
    if (!w->path) {
        writer_free(w);
        return vfx__nomem();
    }
    w->name = base_name(w->path);
    if (o.compression) {
        w->compression = vfx__strdup(o.compression);
        if (!w->compression) {
            writer_free(w);
            return vfx__nomem();
        }
    }
    w->opt.compression = w->compression;
    w->opt.format = NULL;
    vfx_status s = vfx_spec_copy(&w->spec, spec);
    if (s != VFX_OK) {
        writer_free(w);
        return s;
    }
    *out = w;
    return VFX_OK;
}

/* After write_open: one level (the data window) when the plugin set none. */
static vfx_status
writer_default_levels(vfx_writer *w)
{
    if (w->level_rect)
        return VFX_OK;
    if (w->opt.levels != VFX_LEVELS_ONE)
        return vfx__fail(VFX_ERR_UNSUPPORTED, "%s: %s: this format cannot store %s levels",
                         w->fmt->tag, w->name,
                         w->opt.levels == VFX_LEVELS_MIPMAP ? "MIP" : "RIP");
    if (!(w->level_rect = vfx__alloc(sizeof *w->level_rect)))
        return vfx__nomem();
    w->level_mode = VFX_LEVELS_ONE;
    w->n_levels_x = w->n_levels_y = 1;
    w->level_rect[0] = w->spec.data;
    return VFX_OK;
}

vfx_status
vfx_writer_open(const char *path, const vfx_spec *spec, const vfx_write_options *opt,
                vfx_writer **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_open: out is NULL");
    *out = NULL;
    vfx_writer *w = NULL;
    VFX_TRY(writer_new(path, spec, opt, &w));
    const vfx_format *fmt = w->fmt;
    vfx_status s = make_temp(w);
    if (s == VFX_OK) {
        s = fmt->write_open(w);
        if (s != VFX_OK)
            vfx__error_prefix("%s: %s: ", fmt->tag, w->name);
        else if ((s = writer_default_levels(w)) != VFX_OK)
            (void) fmt->write_close(w, 1);
    }
    if (s != VFX_OK) {
        writer_free(w);
        return s;
    }
    w->next_row = w->spec.data.y0;
    *out = w;
    return VFX_OK;
}

vfx_status
vfx_writer_open_parts(const char *path, int32_t n_parts, const vfx_spec *specs,
                      const vfx_write_options *const *opts, vfx_writer **out)
{
    if (!out)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_open_parts: out is NULL");
    *out = NULL;
    if (!path || !specs || n_parts < 1 || n_parts > 100000)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_open_parts: bad arguments (%d parts)",
                         (int) n_parts);
    if (n_parts == 1)
        return vfx_writer_open(path, &specs[0], opts ? opts[0] : NULL, out);
    vfx_writer **parts = vfx__calloc((size_t) n_parts, sizeof *parts);
    if (!parts)
        return vfx__nomem();
    vfx_status s = VFX_OK;
    for (int32_t i = 0; i < n_parts && s == VFX_OK; i++) {
        s = writer_new(path, &specs[i], opts ? opts[i] : NULL, &parts[i]);
        if (s == VFX_OK && (parts[i]->fmt != parts[0]->fmt || !parts[0]->fmt->write_open_parts))
            s = vfx__fail(VFX_ERR_UNSUPPORTED, "%s: the %s format cannot store several parts",
                          path, parts[i]->fmt->name);
        if (s != VFX_OK)
            vfx__error_prefix("part %d: ", (int) i);
    }
    vfx_writer *w = parts[0];
    if (s != VFX_OK || (s = make_temp(w)) != VFX_OK) {
        for (int32_t i = 0; i < n_parts; i++)
            if (parts[i])
                writer_free(parts[i]);
        vfx__free(parts);
        return s;
    }
    w->parts = parts;
    w->n_parts = n_parts;
    s = w->fmt->write_open_parts(parts, n_parts);
    if (s != VFX_OK) {
        vfx__error_prefix("%s: %s: ", w->fmt->tag, w->name);
        writer_free(w);
        return s;
    }
    for (int32_t i = 0; i < n_parts && s == VFX_OK; i++) {
        s = writer_default_levels(parts[i]);
        parts[i]->next_row = parts[i]->spec.data.y0;
    }
    if (s != VFX_OK) {
        for (int32_t i = n_parts - 1; i >= 0; i--)
            (void) w->fmt->write_close(parts[i], 1);
        writer_free(w);
        return s;
    }
    *out = w;
    return VFX_OK;
}

/* The part the writer calls act on. */
static vfx_writer *
cur_part(const vfx_writer *w)
{
    return w->parts ? w->parts[w->cur_part] : (vfx_writer *) w;
}

int32_t
vfx_writer_part_count(const vfx_writer *w)
{
    return !w ? 0 : w->parts ? w->n_parts : 1;
}

/* Pixels of every level of writer @p p. */
static int64_t
writer_total_pixels(const vfx_writer *p)
{
    int64_t total = 0;
    for (int32_t ly = 0; ly < p->n_levels_y; ly++)
        for (int32_t lx = 0; lx < p->n_levels_x; lx++)
            if (p->level_mode != VFX_LEVELS_MIPMAP || lx == ly)
                total += vfx_rect_area(p->level_rect[lx + ly * p->n_levels_x]);
    return total;
}

vfx_status
vfx_writer_set_part(vfx_writer *w, int32_t part)
{
    if (!w)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_set_part: NULL writer");
    if (part < 0 || part >= vfx_writer_part_count(w))
        return vfx__fail(VFX_ERR_ARG, "%s: no part %d (the file has %d)", w->name, (int) part,
                         (int) vfx_writer_part_count(w));
    if (part == w->cur_part)
        return VFX_OK;
    /* OpenEXR stores the parts one after the other: only the next part, once this one is
     * complete */
    vfx_writer *p = cur_part(w);
    if (part != w->cur_part + 1 || p->pixels_written < writer_total_pixels(p))
        return vfx__fail(VFX_ERR_ARG, "%s: parts are written in order, each complete before "
                         "the next (part %d has %" PRId64 " of %" PRId64 " pixels; asked "
                         "for part %d)", w->name, (int) w->cur_part, p->pixels_written,
                         writer_total_pixels(p), (int) part);
    if (w->fmt->write_flush) {
        vfx_status s = w->fmt->write_flush(p);
        if (s != VFX_OK) {
            vfx__error_prefix("%s: %s: ", w->fmt->tag, w->name);
            return s;
        }
    }
    w->cur_part = part;
    return VFX_OK;
}

vfx_status
vfx_writer_levels(const vfx_writer *w, vfx_level_mode *mode_out, int32_t *n_x_out,
                  int32_t *n_y_out)
{
    if (!w)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_levels: NULL writer");
    w = cur_part(w);
    if (mode_out)
        *mode_out = w->level_mode;
    if (n_x_out)
        *n_x_out = w->n_levels_x;
    if (n_y_out)
        *n_y_out = w->n_levels_y;
    return VFX_OK;
}

static vfx_status
writer_check_level(const vfx_writer *w, int32_t lx, int32_t ly)
{
    if (lx < 0 || ly < 0 || lx >= w->n_levels_x || ly >= w->n_levels_y ||
        (w->level_mode == VFX_LEVELS_MIPMAP && lx != ly))
        return vfx__fail(VFX_ERR_ARG, "%s: no level (%d, %d) in this file", w->name, lx, ly);
    return VFX_OK;
}

vfx_status
vfx_writer_level_rect(const vfx_writer *w, int32_t level_x, int32_t level_y, vfx_rect *out)
{
    if (!w || !out)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_level_rect: NULL argument");
    w = cur_part(w);
    VFX_TRY(writer_check_level(w, level_x, level_y));
    *out = w->level_rect[level_x + level_y * w->n_levels_x];
    return VFX_OK;
}

vfx_status
vfx_writer_set_level(vfx_writer *w, int32_t level_x, int32_t level_y)
{
    if (!w)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_set_level: NULL writer");
    w = cur_part(w);
    VFX_TRY(writer_check_level(w, level_x, level_y));
    vfx_rect d = w->level_rect[level_x + level_y * w->n_levels_x];
    vfx_chunking *c = &w->chunking;
    if (c->access == VFX_ACCESS_RANDOM_STRIPS)
        c->chunk_w = (int32_t) vfx_rect_width(d);
    c->n_x = (int32_t) ((vfx_rect_width(d) + c->chunk_w - 1) / c->chunk_w);
    c->n_y = (int32_t) ((vfx_rect_height(d) + c->chunk_h - 1) / c->chunk_h);
    w->level_x = level_x;
    w->level_y = level_y;
    w->next_row = d.y0;
    return VFX_OK;
}

vfx_status
vfx_writer_chunking(const vfx_writer *w, vfx_chunking *out)
{
    if (!w || !out)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_chunking: NULL argument");
    w = cur_part(w);
    *out = w->chunking;
    return VFX_OK;
}

/* The rect checks of a write: inside the level, on the tile grid, or whole rows (and, when
 * @p in_order, the next rows). */
static vfx_status
check_write_rect(const vfx_writer *w, vfx_rect rect, int in_order)
{
    vfx_rect d = w->level_rect[w->level_x + w->level_y * w->n_levels_x];
    if (vfx_rect_is_empty(rect) || !vfx_rect_contains(d, rect))
        return vfx__fail(VFX_ERR_ARG, "%s: rect outside the data window", w->name);
    const vfx_chunking *c = &w->chunking;
    if (c->access == VFX_ACCESS_RANDOM_TILES) {
        int ok = (rect.x0 - d.x0) % c->chunk_w == 0 && (rect.y0 - d.y0) % c->chunk_h == 0 &&
                 ((rect.x1 - d.x0) % c->chunk_w == 0 || rect.x1 == d.x1) &&
                 ((rect.y1 - d.y0) % c->chunk_h == 0 || rect.y1 == d.y1);
        if (!ok)
            return vfx__fail(VFX_ERR_ARG, "%s: rect not on the %dx%d tile grid", w->name,
                             c->chunk_w, c->chunk_h);
    } else if (rect.x0 != d.x0 || rect.x1 != d.x1 || (in_order && rect.y0 != w->next_row)) {
        return vfx__fail(VFX_ERR_ARG,
                         "%s: strips must be whole rows in order (expected row %d, got %d)",
                         w->name, w->next_row, rect.y0);
    }
    return VFX_OK;
}

static void
wrote_rect(vfx_writer *w, vfx_rect rect)
{
    if (w->chunking.access != VFX_ACCESS_RANDOM_TILES)
        w->next_row = rect.y1;
    w->pixels_written += vfx_rect_area(rect);
}

vfx_status
vfx_writer_write_rect(vfx_writer *w, vfx_rect rect, vfx_pixel_type type, const void *src,
                      ptrdiff_t x_stride, ptrdiff_t y_stride)
{
    if (!w || !src)
        return vfx__fail(VFX_ERR_ARG, "vfx_writer_write_rect: NULL argument");
    w = cur_part(w);
    if (vfx_pixel_type_size(type) == 0)
        return vfx__fail(VFX_ERR_ARG, "%s: unknown pixel type", w->name);
    VFX_TRY(check_write_rect(w, rect, 1));
    vfx_status s = w->fmt->write_rect(w, rect, type, src, x_stride, y_stride);
    if (s != VFX_OK) {
        vfx__error_prefix("%s: %s: ", w->fmt->tag, w->name);
        return s;
    }
    wrote_rect(w, rect);
    return VFX_OK;
}

vfx_status
vfx__writer_encode(vfx_writer *w, vfx_rect rect, vfx_pixel_type type, const void *src,
                   ptrdiff_t x_stride, ptrdiff_t y_stride, void **enc_out)
{
    *enc_out = NULL;
    if (!w || !src)
        return vfx__fail(VFX_ERR_ARG, "vfx__writer_encode: NULL argument");
    w = cur_part(w);
    if (!VFX__HAS(w->fmt, vfx_format, write_enc_free) || !w->fmt->write_encode)
        return VFX_OK;
    if (vfx_pixel_type_size(type) == 0)
        return vfx__fail(VFX_ERR_ARG, "%s: unknown pixel type", w->name);
    VFX_TRY(check_write_rect(w, rect, 0));
    vfx_status s = w->fmt->write_encode(w, rect, type, src, x_stride, y_stride, enc_out);
    if (s != VFX_OK) {
        *enc_out = NULL;
        vfx__error_prefix("%s: %s: ", w->fmt->tag, w->name);
    }
    return s;
}

vfx_status
vfx__writer_commit(vfx_writer *w, vfx_rect rect, void *enc)
{
    if (!w || !enc)
        return vfx__fail(VFX_ERR_ARG, "vfx__writer_commit: NULL argument");
    w = cur_part(w);
    vfx_status s = check_write_rect(w, rect, 1);
    if (s != VFX_OK) {
        w->fmt->write_enc_free(w, enc);
        return s;
    }
    s = w->fmt->write_commit(w, rect, enc);
    if (s != VFX_OK) {
        vfx__error_prefix("%s: %s: ", w->fmt->tag, w->name);
        return s;
    }
    wrote_rect(w, rect);
    return VFX_OK;
}

vfx_pixel_type
vfx__writer_row_type(vfx_writer *w)
{
    if (!w)
        return VFX_PIXEL_UNKNOWN;
    w = cur_part(w);
    if (!VFX__HAS(w->fmt, vfx_format, write_row_type) || !w->fmt->write_row_type)
        return VFX_PIXEL_UNKNOWN;
    return w->fmt->write_row_type(w);
}

void
vfx__writer_enc_free(vfx_writer *w, void *enc)
{
    if (w && enc)
        cur_part(w)->fmt->write_enc_free(cur_part(w), enc);
}

vfx_status
vfx_writer_close(vfx_writer *w, int failed)
{
    if (!w)
        return VFX_OK;
    vfx_status s = VFX_OK;
    int32_t n_parts = vfx_writer_part_count(w);
    for (int32_t i = 0; i < n_parts && !failed; i++) {
        const vfx_writer *p = w->parts ? w->parts[i] : w;
        int64_t total = writer_total_pixels(p);
        if (p->pixels_written < total) {
            s = vfx__fail(VFX_ERR_STATE, "%s: closed with %" PRId64 " of %" PRId64
                          " pixels of part %d written; file not created", w->path,
                          p->pixels_written, total, (int) i);
            failed = 1;
        }
    }
    /* the other parts first: part 0 finishes the file */
    for (int32_t i = n_parts - 1; i >= 0; i--) {
        vfx_writer *p = w->parts ? w->parts[i] : w;
        vfx_status s2 = w->fmt->write_close(p, failed);
        if (s2 != VFX_OK) {
            vfx__error_prefix("%s: %s: ", w->fmt->tag, w->name);
            if (s == VFX_OK)
                s = s2;
            failed = 1;
        }
    }
    if (!failed) {
        if (fsync(w->fd) != 0) {
            s = vfx__fail(VFX_ERR_IO, "%s: flush failed: %s", w->path, strerror(errno));
        } else {
            int fd = w->fd;
            w->fd = -1;
            if (close(fd) != 0) {
                s = vfx__fail(VFX_ERR_IO, "%s: close failed: %s", w->path, strerror(errno));
            } else if (rename(w->tmp_path, w->path) != 0) {
                s = vfx__fail(VFX_ERR_IO, "%s: cannot rename the temporary file: %s", w->path,
                              strerror(errno));
            } else {
                VFX_FREE(w->tmp_path); /* renamed: nothing to remove */
            }
        }
    }
    writer_free(w);
    return s;
}
