/* EXR ZIP / ZIPS through libdeflate instead of OpenEXRCore 3.1.5's zlib path.
 *
 * The chunk format (OpenEXR's, unchanged): the packed bytes of the chunk are split into two
 * halves - the bytes at even offsets first, then those at odd offsets (the first half has
 * the extra byte when the count is odd) - then every byte but the first is replaced by its
 * difference to the previous one plus 128 (mod 256), and the result is deflated in a zlib
 * wrapper. ZIPS holds one scanline per chunk, ZIP sixteen; the stages are the same.
 *
 * The predictor and interleave are a few lines of our own; the deflate itself is libdeflate
 * (much faster than zlib on whole buffers, and what OpenEXR 3.2+ uses). Compressor objects
 * are costly to allocate (hundreds of KiB), so each thread keeps one decompressor and one
 * compressor (for the last level it used) plus a scratch buffer, freed when the thread
 * exits. */
#include "io/exr_zip.h"

#include <libdeflate.h>
#include <pthread.h>
#include <string.h>

#include "core/core_int.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct zip_tls {
    struct libdeflate_decompressor *dec;
    struct libdeflate_compressor   *enc;
    int                             enc_level;
    uint8_t                        *scratch;
    size_t                          scratch_size;
} zip_tls;

static pthread_key_t  tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static int            tls_ok;

static void
tls_free(void *p)
{
    zip_tls *t = p;
    if (!t)
        return;
    if (t->dec)
        libdeflate_free_decompressor(t->dec);
    if (t->enc)
        libdeflate_free_compressor(t->enc);
    vfx__free(t->scratch);
    vfx__free(t);
}

static void
tls_init(void)
{
    tls_ok = pthread_key_create(&tls_key, tls_free) == 0;
}

static zip_tls *
tls_get(void)
{
    pthread_once(&tls_once, tls_init);
    if (!tls_ok)
        return NULL;
    zip_tls *t = pthread_getspecific(tls_key);
    if (!t) {
        t = vfx__calloc(1, sizeof *t);
        if (!t)
            return NULL;
        if (pthread_setspecific(tls_key, t) != 0) {
            vfx__free(t);
            return NULL;
        }
    }
    return t;
}

static uint8_t *
tls_scratch(zip_tls *t, size_t n)
{
    if (n > t->scratch_size) {
        uint8_t *p = vfx__realloc(t->scratch, n);
        if (!p)
            return NULL;
        t->scratch = p;
        t->scratch_size = n;
    }
    return t->scratch;
}

/* Undo the predictor in place: t[i] = t[i - 1] + t[i] - 128 (mod 256), i.e. a running sum of
 * the bytes minus 128 each, plus 128. A serial chain of one byte per step in scalar code; with
 * SSE2 (x86-64 baseline) a 16-byte block sums within itself in four shifted adds and only the
 * carry from the previous block is serial. */
static void
unpredict(uint8_t *t, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i bias = _mm_set1_epi8((char) 0x80);
    __m128i       carry = bias; /* the + 128 of the first byte */
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_sub_epi8(_mm_loadu_si128((const __m128i *) (const void *) (t + i)), bias);
        v = _mm_add_epi8(v, _mm_slli_si128(v, 1));
        v = _mm_add_epi8(v, _mm_slli_si128(v, 2));
        v = _mm_add_epi8(v, _mm_slli_si128(v, 4));
        v = _mm_add_epi8(v, _mm_slli_si128(v, 8));
        v = _mm_add_epi8(v, carry);
        _mm_storeu_si128((__m128i *) (void *) (t + i), v);
        /* the block's last byte in every lane */
        carry = _mm_shuffle_epi32(_mm_shufflehi_epi16(_mm_unpackhi_epi8(v, v), 0xff), 0xff);
    }
#endif
    if (i == 0)
        i = 1;
    for (; i < n; i++)
        t[i] = (uint8_t) (t[i - 1] + t[i] - 128);
}

/* The predictor, in place: t[i] = t[i] - t[i - 1] + 128 (mod 256) for i >= 1, from the end so
 * each byte still sees its original predecessor (a vector block reads its predecessors before
 * it stores, and the blocks below it are still untouched). */
static void
predict(uint8_t *t, size_t n)
{
    size_t i = n;
#if defined(__SSE2__)
    const __m128i bias = _mm_set1_epi8((char) 0x80);
    while (i >= 17) {
        i -= 16;
        __m128i cur = _mm_loadu_si128((const __m128i *) (const void *) (t + i));
        __m128i prev = _mm_loadu_si128((const __m128i *) (const void *) (t + i - 1));
        _mm_storeu_si128((__m128i *) (void *) (t + i), _mm_add_epi8(_mm_sub_epi8(cur, prev), bias));
    }
#endif
    for (; i > 1; i--)
        t[i - 1] = (uint8_t) (t[i - 1] - t[i - 2] + 128);
}

/* The thread's compressor at @p level (0-12), made or remade when the level changes. */
static struct libdeflate_compressor *
tls_compressor(zip_tls *t, int level)
{
    if (t->enc && t->enc_level != level) {
        libdeflate_free_compressor(t->enc);
        t->enc = NULL;
    }
    if (!t->enc) {
        if (!(t->enc = libdeflate_alloc_compressor(level)))
            return NULL;
        t->enc_level = level;
    }
    return t->enc;
}

int
vfx__zlib_inflate_exact(const void *src, size_t n_src, void *dst, size_t n_dst)
{
    zip_tls *t = tls_get();
    if (!t || (!t->dec && !(t->dec = libdeflate_alloc_decompressor())))
        return -2;
    size_t got = 0;
    if (libdeflate_zlib_decompress(t->dec, src, n_src, dst, n_dst, &got) != LIBDEFLATE_SUCCESS ||
        got != n_dst)
        return -1;
    return 0;
}

size_t
vfx__zlib_deflate_bound(size_t n)
{
    /* libdeflate's bound for any compressor (NULL): valid at every level */
    return libdeflate_zlib_compress_bound(NULL, n);
}

int
vfx__zlib_deflate(const void *in, size_t n, void *out, size_t cap, int level, size_t *n_out)
{
    zip_tls *t = tls_get();
    struct libdeflate_compressor *c = t ? tls_compressor(t, VFX__CLAMP(level, 0, 12)) : NULL;
    if (!c)
        return -2;
    size_t z = libdeflate_zlib_compress(c, in, n, out, cap);
    if (z == 0)
        return -1;
    *n_out = z;
    return 0;
}

void
vfx__zip_unpredict(uint8_t *t, size_t n)
{
    unpredict(t, n);
}

exr_result_t
vfx__exr_zip_decompress(exr_decode_pipeline_t *decode)
{
    const exr_chunk_info_t *ci = &decode->chunk;
    size_t                  n = (size_t) ci->unpacked_size;
    if (ci->unpacked_size == 0)
        return EXR_ERR_SUCCESS;
    if (ci->packed_size == 0 || !decode->packed_buffer)
        return EXR_ERR_CORRUPT_CHUNK;
    if (ci->packed_size == ci->unpacked_size) { /* stored raw: nothing to inflate */
        if (decode->unpacked_buffer != decode->packed_buffer) {
            if (!decode->unpacked_buffer || decode->unpacked_alloc_size < n)
                return EXR_ERR_INVALID_ARGUMENT;
            memcpy(decode->unpacked_buffer, decode->packed_buffer, n);
        }
        return EXR_ERR_SUCCESS;
    }
    if (decode->unpacked_buffer == decode->packed_buffer) { /* a stale alias: not ours */
        decode->unpacked_buffer = NULL;
        decode->unpacked_alloc_size = 0;
    }
    if (!decode->unpacked_buffer || decode->unpacked_alloc_size < n) {
        if (decode->unpacked_buffer && decode->unpacked_alloc_size > 0) {
            if (decode->free_fn)
                decode->free_fn(EXR_TRANSCODE_BUFFER_UNPACKED, decode->unpacked_buffer);
            else
                vfx__free(decode->unpacked_buffer);
        }
        decode->unpacked_alloc_size = 0;
        decode->unpacked_buffer = decode->alloc_fn
                                      ? decode->alloc_fn(EXR_TRANSCODE_BUFFER_UNPACKED, n)
                                      : vfx__alloc(n);
        if (!decode->unpacked_buffer)
            return EXR_ERR_OUT_OF_MEMORY;
        decode->unpacked_alloc_size = n;
    }
    zip_tls *t = tls_get();
    if (!t)
        return EXR_ERR_OUT_OF_MEMORY;
    if (!t->dec && !(t->dec = libdeflate_alloc_decompressor()))
        return EXR_ERR_OUT_OF_MEMORY;
    uint8_t *tmp = tls_scratch(t, n);
    if (!tmp)
        return EXR_ERR_OUT_OF_MEMORY;
    size_t got = 0;
    /* the exact size is required: a short or long stream is a damaged chunk */
    if (libdeflate_zlib_decompress(t->dec, decode->packed_buffer, (size_t) ci->packed_size, tmp,
                                   n, &got) != LIBDEFLATE_SUCCESS ||
        got != n)
        return EXR_ERR_CORRUPT_CHUNK;
    /* undo the predictor: each byte was stored as (value - previous + 128) mod 256 */
    unpredict(tmp, n);
    /* undo the interleave: even offsets come from the first half, odd from the second */
    uint8_t       *out = decode->unpacked_buffer;
    const uint8_t *lo = tmp, *hi = tmp + (n + 1) / 2;
    size_t         pairs = n / 2;
    for (size_t i = 0; i < pairs; i++) {
        out[2 * i] = lo[i];
        out[2 * i + 1] = hi[i];
    }
    if (n & 1)
        out[n - 1] = lo[pairs];
    return EXR_ERR_SUCCESS;
}

exr_result_t
vfx__exr_reserve_compressed(exr_encode_pipeline_t *encode, size_t n)
{
    if (encode->compressed_buffer && encode->compressed_alloc_size >= n)
        return EXR_ERR_SUCCESS;
    if (encode->compressed_buffer && encode->compressed_alloc_size > 0) {
        if (encode->free_fn)
            encode->free_fn(EXR_TRANSCODE_BUFFER_COMPRESSED, encode->compressed_buffer);
        else
            vfx__free(encode->compressed_buffer);
    }
    encode->compressed_alloc_size = 0;
    encode->compressed_buffer = encode->alloc_fn
                                    ? encode->alloc_fn(EXR_TRANSCODE_BUFFER_COMPRESSED, n)
                                    : vfx__alloc(n);
    if (!encode->compressed_buffer)
        return EXR_ERR_OUT_OF_MEMORY;
    encode->compressed_alloc_size = n;
    return EXR_ERR_SUCCESS;
}

exr_result_t
vfx__exr_zip_compress(exr_encode_pipeline_t *encode, int level)
{
    size_t n = (size_t) encode->packed_bytes;
    if (level < 0)
        level = 0;
    if (level > 12)
        level = 12;
    if (n > 0 && !encode->packed_buffer)
        return EXR_ERR_INVALID_ARGUMENT;
    zip_tls *t = tls_get();
    if (!t || !tls_compressor(t, level))
        return EXR_ERR_OUT_OF_MEMORY;
    size_t bound = libdeflate_zlib_compress_bound(t->enc, n);
    if (bound < n)
        bound = n;
    if (vfx__exr_reserve_compressed(encode, bound) != EXR_ERR_SUCCESS)
        return EXR_ERR_OUT_OF_MEMORY;
    if (n == 0) {
        encode->compressed_bytes = 0;
        return EXR_ERR_SUCCESS;
    }
    uint8_t *tmp = tls_scratch(t, n);
    if (!tmp)
        return EXR_ERR_OUT_OF_MEMORY;
    const uint8_t *in = encode->packed_buffer;
    uint8_t       *lo = tmp, *hi = tmp + (n + 1) / 2;
    size_t         pairs = n / 2;
    for (size_t i = 0; i < pairs; i++) {
        lo[i] = in[2 * i];
        hi[i] = in[2 * i + 1];
    }
    if (n & 1)
        lo[pairs] = in[n - 1];
    predict(tmp, n);
    size_t z = libdeflate_zlib_compress(t->enc, tmp, n, encode->compressed_buffer, bound);
    if (z == 0 || z >= n) {
        /* not smaller: stored as packed (OpenEXR's rule, packed size == unpacked size) */
        memcpy(encode->compressed_buffer, in, n);
        z = n;
    }
    encode->compressed_bytes = z;
    return EXR_ERR_SUCCESS;
}

/* EXR RLE for deep RLE chunks and DWA's RLE stream (flat RLE chunks go through OpenEXRCore). */
size_t
vfx__exr_rle_encode(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        size_t run = 1;
        while (i + run < n && in[i + run] == in[i] && run < 128)
            run++;
        if (run >= 3) {
            out[o++] = (uint8_t) (run - 1);
            out[o++] = in[i];
            i += run;
            continue;
        }
        size_t lit = 0;
        while (i + lit < n && lit < 127) {
            if (i + lit + 2 < n && in[i + lit] == in[i + lit + 1] &&
                in[i + lit] == in[i + lit + 2])
                break;
            lit++;
        }
        out[o++] = (uint8_t) (-(int) lit);
        memcpy(out + o, in + i, lit);
        o += lit;
        i += lit;
    }
    return o;
}
