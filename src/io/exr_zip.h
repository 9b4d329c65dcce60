/* EXR ZIP / ZIPS chunks through libdeflate (exr_zip.c): the decompress and compress stages
 * that replace OpenEXRCore 3.1.5's zlib path (OpenEXR itself moved to libdeflate in 3.2). */
#ifndef VFX_EXR_ZIP_H
#define VFX_EXR_ZIP_H

#include <openexr.h>
#include <stddef.h>
#include <stdint.h>

/** Decompress stage for ZIP / ZIPS chunks (decode->decompress_fn after
 *  exr_decoding_choose_default_routines()): inflates the zlib stream, undoes the byte
 *  predictor and the two-half interleave into unpacked_buffer (allocated when missing or too
 *  small). A damaged stream or a size other than unpacked_size gives EXR_ERR_CORRUPT_CHUNK.
 *  Thread-safe: one libdeflate decompressor per thread. */
exr_result_t vfx__exr_zip_decompress(exr_decode_pipeline_t *decode);

/** Compress a packed ZIP / ZIPS chunk (packed_buffer, packed_bytes) at libdeflate @p level
 *  (0-12; 1-9 follow zlib's speed/size trade-off) into compressed_buffer (allocated when
 *  missing or too small). A chunk that does not shrink gets compressed_bytes = packed_bytes
 *  and a copy of the packed bytes, so it is stored raw. One compressor per thread. */
exr_result_t vfx__exr_zip_compress(exr_encode_pipeline_t *encode, int level);

/** Make encode->compressed_buffer hold at least @p n bytes, through the pipeline's
 *  alloc_fn/free_fn when set (our compress stages: ZIP here, DWA in dwa_codec.c). */
exr_result_t vfx__exr_reserve_compressed(exr_encode_pipeline_t *encode, size_t n);

/* The same per-thread libdeflate objects for other zlib streams of EXR codecs (DWA's).
 * Thread-safe. */

/** Inflate a zlib stream that must give exactly @p n_dst bytes.
 *  @return 0, -1 when the stream is damaged or of another size, -2 when out of memory. */
int    vfx__zlib_inflate_exact(const void *src, size_t n_src, void *dst, size_t n_dst);
/** Bytes a zlib stream of @p n input bytes can need at any level. Does not fail. */
size_t vfx__zlib_deflate_bound(size_t n);
/** Deflate @p n bytes into a zlib stream at libdeflate @p level (0-12) into @p out (@p cap
 *  bytes, vfx__zlib_deflate_bound(n) is always enough). @return 0 (size in *n_out), -1 when
 *  @p cap is too small, -2 when out of memory. */
int    vfx__zlib_deflate(const void *in, size_t n, void *out, size_t cap, int level,
                         size_t *n_out);
/** Undo ZIP's byte predictor in place (t[i] += t[i - 1] - 128, mod 256). Does not fail. */
void   vfx__zip_unpredict(uint8_t *t, size_t n);

/** OpenEXR RLE: runs of 3..128 equal bytes as (n - 1, byte), other bytes as (-n, n literals).
 *  @p out holds at least n + n / 127 + 2 bytes. Returns the packed length. Does not fail. */
size_t vfx__exr_rle_encode(const uint8_t *in, size_t n, uint8_t *out);

#endif
