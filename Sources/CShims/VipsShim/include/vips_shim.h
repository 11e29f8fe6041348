// Thin shim over the variadic parts of libvips' C API, which Swift cannot call.
// Every function returns 0 on success; on failure lk_vips_last_error() says why.
#ifndef LOOKALIKE_VIPS_SHIM_H
#define LOOKALIKE_VIPS_SHIM_H

#include <stddef.h>

/// What an image's header says, read without decoding its pixels.
typedef struct lk_image_info {
    int width, height, bands, pages;
    int bits_per_sample;      // 8, 16, 32 …
    int orientation;          // EXIF orientation 1…8 (1 when absent)
    char loader[48];          // e.g. "jpegload_buffer"
    char interpretation[24];  // e.g. "srgb", "cmyk", "b-w", "rgb16"
} lk_image_info;

/// How the decoded image is fitted to the output size.
typedef enum lk_fit { LK_FIT_CROP = 0, LK_FIT_PAD = 1, LK_FIT_STRETCH = 2 } lk_fit;

/// A region of the upright image, as fractions of its width and height (0…1).
typedef struct lk_region { double left, top, width, height; } lk_region;

/// Result codes besides 0.
enum { LK_VIPS_ERROR = 1, LK_VIPS_NOT_AN_IMAGE = 2, LK_VIPS_TOO_MANY_PIXELS = 3 };

/// Starts libvips once per process; `concurrency` is the worker threads per pipeline (0 = libvips' default).
int lk_vips_init(int concurrency);

/// Reads the header of an encoded image in memory.
int lk_vips_probe(const void *data, size_t length, lk_image_info *info);

/// Decodes, rotates upright, converts to 8-bit sRGB, flattens alpha onto `background` (0…255 RGB),
/// optionally cuts `region`, and fits the result into width x height with `fit` (shrink-on-load
/// where possible). Writes width*height*3 interleaved RGB bytes to `rgb_out`. Refuses images whose
/// header has more than `max_pixels` pixels before decoding any of them; `info` gets the header.
int lk_vips_prepare(const void *data, size_t length, int width, int height, lk_fit fit,
                    const double background[3], const lk_region *region, double max_pixels,
                    lk_image_info *info, unsigned char *rgb_out);

/// Decodes like lk_vips_prepare but keeps the aspect ratio: the longest side becomes at most
/// `max_side`, then encodes as JPEG (`quality` 1…100). Free `*out` with lk_vips_free.
int lk_vips_thumbnail_jpeg(const void *data, size_t length, int max_side, int quality,
                           const double background[3], double max_pixels, void **out, size_t *out_length);

/// Encodes raw 8-bit pixels (1 = grey, 3 = RGB, 4 = RGBA bands) as PNG. Free `*out` with lk_vips_free.
int lk_vips_encode_png(const unsigned char *pixels, int width, int height, int bands,
                       void **out, size_t *out_length);

/// Frees a buffer that libvips allocated.
void lk_vips_free(void *buffer);

/// The latest libvips error text of any thread, copied into `buffer`; the error log is cleared.
void lk_vips_last_error(char *buffer, size_t capacity);

#endif
