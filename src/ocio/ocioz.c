/* .ocioz archives (OCIO 2.2's packaged configs): a zip holding config.ocio at its root and
 * the LUT files under the folders its search_path names. Read with minizip (zlib's contrib
 * unzip, Debian libminizip-dev); every member is loaded into memory once, with limits on the
 * count and the sizes so a hostile archive cannot exhaust memory, and nothing is extracted to
 * disk. */
#include <string.h>
#include <unzip.h>

#include "ocio/ocio_int.h"

#define MAX_MEMBERS     4096
#define MAX_MEMBER_SIZE ((size_t) 256 << 20) /* one LUT file */
#define MAX_TOTAL_SIZE  ((size_t) 1 << 30)   /* the whole archive, uncompressed */

void
vfx__ocioz_free_members(vfx__ocio_member *m, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        vfx__free(m[i].name);
        vfx__free(m[i].data);
    }
    vfx__free(m);
}

static vfx_status
read_current(unzFile z, const char *path, const char *name, size_t size, unsigned char **out)
{
    unsigned char *buf = vfx__alloc(size + 1);
    if (!buf)
        return vfx__nomem();
    if (unzOpenCurrentFile(z) != UNZ_OK) {
        vfx__free(buf);
        return vfx__fail(VFX_ERR_CORRUPT, "ocio: %s: member '%s' cannot be opened (encrypted or an "
                         "unknown compression)", path, name);
    }
    size_t got = 0;
    int r = 1;
    while (got < size && (r = unzReadCurrentFile(z, buf + got, (unsigned) VFX__MIN(size - got, (size_t) 1 << 20))) > 0)
        got += (size_t) r;
    unsigned char extra;
    int more = got == size ? unzReadCurrentFile(z, &extra, 1) : 0;
    int crc = unzCloseCurrentFile(z); /* UNZ_CRCERROR when the data does not match */
    if (r < 0 || got != size || more != 0 || crc != UNZ_OK) {
        vfx__free(buf);
        return vfx__fail(VFX_ERR_CORRUPT, "ocio: %s: member '%s' is damaged (%s)", path, name,
                         crc == UNZ_CRCERROR ? "CRC mismatch" : got != size || more ? "size mismatch"
                                                                                   : "bad compressed data");
    }
    buf[size] = 0;
    *out = buf;
    return VFX_OK;
}

vfx_status
vfx__ocioz_read(const char *path, unsigned char **config_out, size_t *config_size_out,
                vfx__ocio_member **members_out, int32_t *n_members_out)
{
    *config_out = NULL;
    *members_out = NULL;
    *n_members_out = 0;
    unzFile z = unzOpen64(path);
    if (!z)
        return vfx__fail(VFX_ERR_CORRUPT, "ocio: %s: not a readable zip archive (.ocioz)", path);
    unz_global_info64 gi;
    vfx_status st = VFX_OK;
    vfx__ocio_member *m = NULL;
    int32_t n = 0;
    size_t total = 0;
    unsigned char *config = NULL;
    size_t config_size = 0;
    if (unzGetGlobalInfo64(z, &gi) != UNZ_OK) {
        st = vfx__fail(VFX_ERR_CORRUPT, "ocio: %s: bad zip directory", path);
    } else if (gi.number_entry == 0) {
        st = vfx__fail(VFX_ERR_CORRUPT, "ocio: %s: empty archive (no config.ocio)", path);
    } else if (gi.number_entry > MAX_MEMBERS) {
        st = vfx__fail(VFX_ERR_LIMIT, "ocio: %s: more than %d files in the archive", path, MAX_MEMBERS);
    } else {
        m = vfx__calloc((size_t) gi.number_entry, sizeof *m);
        if (!m)
            st = vfx__nomem();
    }
    int r = st == VFX_OK ? unzGoToFirstFile(z) : UNZ_END_OF_LIST_OF_FILE;
    while (st == VFX_OK && r == UNZ_OK) {
        char name[1024];
        unz_file_info64 fi;
        if (unzGetCurrentFileInfo64(z, &fi, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK) {
            st = vfx__fail(VFX_ERR_CORRUPT, "ocio: %s: bad zip entry", path);
            break;
        }
        if (fi.size_filename >= sizeof name) {
            st = vfx__fail(VFX_ERR_CORRUPT, "ocio: %s: a file name longer than %d bytes", path, (int) sizeof name - 1);
            break;
        }
        for (char *c = name; *c; c++)
            if (*c == '\\')
                *c = '/'; /* archives made on Windows */
        size_t len = strlen(name);
        if (len && name[len - 1] == '/') { /* a folder */
            r = unzGoToNextFile(z);
            continue;
        }
        if (fi.uncompressed_size > MAX_MEMBER_SIZE || total + fi.uncompressed_size > MAX_TOTAL_SIZE) {
            st = vfx__fail(VFX_ERR_LIMIT, "ocio: %s: '%s' is too large (%llu bytes; limits %zu MiB a file, "
                           "%zu MiB in all)", path, name, (unsigned long long) fi.uncompressed_size,
                           MAX_MEMBER_SIZE >> 20, MAX_TOTAL_SIZE >> 20);
            break;
        }
        total += fi.uncompressed_size;
        unsigned char *data = NULL;
        st = read_current(z, path, name, (size_t) fi.uncompressed_size, &data);
        if (st != VFX_OK)
            break;
        if (strcmp(name, "config.ocio") == 0) {
            vfx__free(config);
            config = data;
            config_size = (size_t) fi.uncompressed_size;
        } else {
            m[n].name = vfx__strdup(name);
            m[n].data = data;
            m[n].size = (size_t) fi.uncompressed_size;
            if (!m[n].name) {
                vfx__free(data);
                st = vfx__nomem();
                break;
            }
            n++;
        }
        r = unzGoToNextFile(z);
    }
    if (st == VFX_OK && r != UNZ_END_OF_LIST_OF_FILE)
        st = vfx__fail(VFX_ERR_CORRUPT, "ocio: %s: bad zip directory", path);
    if (st == VFX_OK && !config)
        st = vfx__fail(VFX_ERR_CORRUPT, "ocio: %s: the archive has no config.ocio at its root", path);
    unzClose(z);
    if (st != VFX_OK) {
        vfx__free(config);
        vfx__ocioz_free_members(m, n);
        return st;
    }
    *config_out = config;
    *config_size_out = config_size;
    *members_out = m;
    *n_members_out = n;
    return VFX_OK;
}
