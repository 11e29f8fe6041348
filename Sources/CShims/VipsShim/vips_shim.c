#include "vips_shim.h"
#include <math.h>
#include <string.h>
#include <vips/vips.h>

/// The loader classes of the formats the API documents (JPEG, PNG, WebP, GIF, TIFF, HEIF/AVIF).
static const char *const allowed_loaders[] = {"VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp",
                                              "VipsForeignLoadNsgif", "VipsForeignLoadTiff", "VipsForeignLoadHeif"};

int lk_vips_init(int concurrency) {
    g_setenv("VIPS_WARNING", "0", FALSE);  // damaged files are reported as errors, not stderr noise
    if (VIPS_INIT("lookalike")) return LK_VIPS_ERROR;  // safe to repeat
    vips_cache_set_max(0);  // every image is new: caching operations only costs memory
    // Uploads come from strangers: only the loaders for the formats the API documents are reachable.
    // PDF, SVG, JPEG 2000, FITS, ImageMagick and the rest (which libvips itself marks untrusted, or
    // which are not photos) answer "not an image" instead of parsing hostile bytes.
    vips_operation_block_set("VipsForeignLoad", TRUE);
    for (size_t i = 0; i < sizeof allowed_loaders / sizeof allowed_loaders[0]; i++) {
        vips_operation_block_set(allowed_loaders[i], FALSE);
    }
    if (concurrency > 0) vips_concurrency_set(concurrency);
    return 0;
}

static void fill_info(VipsImage *image, const char *loader, lk_image_info *info) {
    memset(info, 0, sizeof *info);
    info->width = vips_image_get_width(image);
    info->height = vips_image_get_height(image);
    info->bands = vips_image_get_bands(image);
    info->pages = vips_image_get_n_pages(image);
    info->bits_per_sample = (int)vips_format_sizeof(vips_image_get_format(image)) * 8;
    int orientation = 1;
    if (vips_image_get_typeof(image, VIPS_META_ORIENTATION)) vips_image_get_int(image, VIPS_META_ORIENTATION, &orientation);
    info->orientation = orientation;
    g_strlcpy(info->loader, loader ? loader : "", sizeof info->loader);
    const char *nick = vips_enum_nick(VIPS_TYPE_INTERPRETATION, vips_image_get_interpretation(image));
    g_strlcpy(info->interpretation, nick ? nick : "", sizeof info->interpretation);
}


/// Whether `loader` (a loader class name, "VipsForeignLoadJpegBuffer") reads one of the documented formats.
static int allowed_loader(const char *loader) {
    for (size_t i = 0; i < sizeof allowed_loaders / sizeof allowed_loaders[0]; i++) {
        if (g_str_has_prefix(loader, allowed_loaders[i])) return 1;
    }
    return 0;
}

/// Opens the header only; pixels are decoded later, on demand.
static int open_header(const void *data, size_t length, lk_image_info *info, VipsImage **out) {
    const char *loader = vips_foreign_find_load_buffer(data, length);
    if (!loader || !allowed_loader(loader)) {
        vips_error_clear();
        return LK_VIPS_NOT_AN_IMAGE;
    }
    VipsImage *image = vips_image_new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL,
                                                  "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    if (!image) return LK_VIPS_ERROR;
    fill_info(image, loader, info);
    *out = image;
    return 0;
}

int lk_vips_probe(const void *data, size_t length, lk_image_info *info) {
    VipsImage *image = NULL;
    int rc = open_header(data, length, info, &image);
    if (image) g_object_unref(image);
    return rc;
}

static int check_header(const void *data, size_t length, double max_pixels, lk_image_info *info) {
    lk_image_info scratch;
    int rc = lk_vips_probe(data, length, info ? info : &scratch);
    if (rc) return rc;
    const lk_image_info *i = info ? info : &scratch;
    if ((double)i->width * (double)i->height > max_pixels) return LK_VIPS_TOO_MANY_PIXELS;
    return 0;
}

/// Replaces *image with next (taking ownership) when next is non-NULL; returns nonzero on failure.
static int step(VipsImage **image, int failed, VipsImage *next) {
    if (failed) return LK_VIPS_ERROR;
    g_object_unref(*image);
    *image = next;
    return 0;
}

/// Any decoded image → 8-bit, 3-band sRGB with alpha flattened onto `background`.
static int to_srgb8(VipsImage **image, const double background[3]) {
    VipsImage *next = NULL;
    VipsInterpretation kind = vips_image_get_interpretation(*image);
    if (kind != VIPS_INTERPRETATION_sRGB || vips_image_get_format(*image) != VIPS_FORMAT_UCHAR) {
        if (vips_colourspace(*image, &next, VIPS_INTERPRETATION_sRGB, NULL)) {
            // Unusual interpretations (multiband, fourier…): fall back to a plain 8-bit cast.
            vips_error_clear();
            if (step(image, vips_cast_uchar(*image, &next, "shift", vips_image_get_format(*image) == VIPS_FORMAT_USHORT, NULL), next)) return LK_VIPS_ERROR;
        } else if (step(image, 0, next)) return LK_VIPS_ERROR;
    }
    if (vips_image_hasalpha(*image)) {
        VipsArrayDouble *bg = vips_array_double_new(background, 3);
        int failed = vips_flatten(*image, &next, "background", bg, NULL);
        vips_area_unref(VIPS_AREA(bg));
        if (step(image, failed, next)) return LK_VIPS_ERROR;
    }
    int bands = vips_image_get_bands(*image);
    if (bands == 1 || bands == 2) {
        VipsImage *grey = NULL;
        if (vips_extract_band(*image, &grey, 0, NULL)) return LK_VIPS_ERROR;
        VipsImage *three[3] = {grey, grey, grey};
        int failed = vips_bandjoin(three, &next, 3, NULL);
        g_object_unref(grey);
        if (step(image, failed, next)) return LK_VIPS_ERROR;
    } else if (bands > 3) {
        if (step(image, vips_extract_band(*image, &next, 0, "n", 3, NULL), next)) return LK_VIPS_ERROR;
    }
    if (vips_image_get_format(*image) != VIPS_FORMAT_UCHAR) {
        if (step(image, vips_cast_uchar(*image, &next, NULL), next)) return LK_VIPS_ERROR;
    }
    return 0;
}

/// Cuts `image` (taking ownership) to the given pixel rectangle, clamped to the image.
static int cut(VipsImage **image, int left, int top, int cw, int ch) {
    int w = vips_image_get_width(*image), h = vips_image_get_height(*image);
    if (left >= w) left = w - 1;
    if (top >= h) top = h - 1;
    if (cw < 1) cw = 1;
    if (ch < 1) ch = 1;
    if (left + cw > w) cw = w - left;
    if (top + ch > h) ch = h - top;
    VipsImage *next = NULL;
    return step(image, vips_extract_area(*image, &next, left, top, cw, ch, NULL), next);
}

/// Loads the whole image upright and cuts a fractional region out of it.
static int load_region(const void *data, size_t length, const lk_region *region, VipsImage **out) {
    VipsImage *image = vips_image_new_from_buffer(data, length, "", "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    if (!image) return LK_VIPS_ERROR;
    VipsImage *next = NULL;
    if (step(&image, vips_autorot(image, &next, NULL), next)) { g_object_unref(image); return LK_VIPS_ERROR; }
    int w = vips_image_get_width(image), h = vips_image_get_height(image);
    int left = (int)floor(fmin(fmax(region->left, 0.0), 1.0) * w);
    int top = (int)floor(fmin(fmax(region->top, 0.0), 1.0) * h);
    int cw = (int)ceil(fmin(fmax(region->width, 0.0), 1.0) * w);
    int ch = (int)ceil(fmin(fmax(region->height, 0.0), 1.0) * h);
    if (cut(&image, left, top, cw, ch)) { g_object_unref(image); return LK_VIPS_ERROR; }
    *out = image;
    return 0;
}

/// Cuts the centred area with the output's aspect ratio out of an upright image, as a crop fit keeps.
/// Resizing the cut never builds an intermediate larger than the output: covering the output with a
/// 1 × 20,000 strip first would enlarge it to 224 × 4,480,000 pixels, a minute of CPU.
static int cut_centre(VipsImage **image, int width, int height) {
    double w = vips_image_get_width(*image), h = vips_image_get_height(*image);
    double target = (double)width / height;
    if (w / h > target) {
        int cw = (int)fmax(1, round(h * target));
        return cut(image, (int)((w - cw) / 2), 0, cw, (int)h);
    }
    int ch = (int)fmax(1, round(w / target));
    return cut(image, 0, (int)((h - ch) / 2), (int)w, ch);
}

/// Whether covering width × height with this header's image would build an intermediate more than 4×
/// the output's pixels (an aspect ratio far from the output's), which shrink-on-load cannot avoid.
static int crop_needs_cut_first(const lk_image_info *info, int width, int height) {
    double w = info->width, h = info->height;
    if (info->orientation >= 5) { double t = w; w = h; h = t; }  // EXIF 5…8: a quarter turn
    double scale = fmax(width / w, height / h);
    return (w * scale) * (h * scale) > 4.0 * width * height;
}

int lk_vips_prepare(const void *data, size_t length, int width, int height, lk_fit fit,
                    const double background[3], const lk_region *region, double max_pixels,
                    lk_image_info *info, unsigned char *rgb_out) {
    lk_image_info header = {0};
    int rc = check_header(data, length, max_pixels, &header);
    if (info) *info = header;
    if (rc) return rc;
    VipsSize size = fit == LK_FIT_STRETCH ? VIPS_SIZE_FORCE : VIPS_SIZE_BOTH;
    VipsInteresting crop = fit == LK_FIT_CROP ? VIPS_INTERESTING_CENTRE : VIPS_INTERESTING_NONE;
    VipsImage *image = NULL;
    if (region || (fit == LK_FIT_CROP && crop_needs_cut_first(&header, width, height))) {
        static const lk_region whole = {0, 0, 1, 1};
        VipsImage *part = NULL;
        if ((rc = load_region(data, length, region ? region : &whole, &part))) return rc;
        if (fit == LK_FIT_CROP && cut_centre(&part, width, height)) { g_object_unref(part); return LK_VIPS_ERROR; }
        int failed = vips_thumbnail_image(part, &image, width, "height", height, "size", size, "crop", crop, NULL);
        g_object_unref(part);
        if (failed) return LK_VIPS_ERROR;
    } else if (vips_thumbnail_buffer((void *)data, length, &image, width, "height", height, "size", size,
                                     "crop", crop, "option_string", "fail_on=error", NULL)) {
        return LK_VIPS_ERROR;
    }
    if (to_srgb8(&image, background)) { g_object_unref(image); return LK_VIPS_ERROR; }
    if (vips_image_get_width(image) != width || vips_image_get_height(image) != height) {
        // Pad (or trim a rounding pixel) to exactly width x height, centred.
        VipsArrayDouble *bg = vips_array_double_new(background, 3);
        VipsImage *next = NULL;
        int failed = vips_gravity(image, &next, VIPS_COMPASS_DIRECTION_CENTRE, width, height,
                                  "extend", VIPS_EXTEND_BACKGROUND, "background", bg, NULL);
        vips_area_unref(VIPS_AREA(bg));
        if (step(&image, failed, next)) { g_object_unref(image); return LK_VIPS_ERROR; }
    }
    size_t bytes = 0;
    void *pixels = vips_image_write_to_memory(image, &bytes);
    g_object_unref(image);
    if (!pixels) return LK_VIPS_ERROR;
    if (bytes != (size_t)width * height * 3) {
        g_free(pixels);
        vips_error("lookalike", "unexpected pixel buffer size %zu", bytes);
        return LK_VIPS_ERROR;
    }
    memcpy(rgb_out, pixels, bytes);
    g_free(pixels);
    return 0;
}

int lk_vips_thumbnail_jpeg(const void *data, size_t length, int max_side, int quality,
                           const double background[3], double max_pixels, void **out, size_t *out_length) {
    int rc = check_header(data, length, max_pixels, NULL);
    if (rc) return rc;
    VipsImage *image = NULL;
    if (vips_thumbnail_buffer((void *)data, length, &image, max_side, "height", max_side, "size", VIPS_SIZE_DOWN,
                              "option_string", "fail_on=error", NULL)) return LK_VIPS_ERROR;
    if (to_srgb8(&image, background)) { g_object_unref(image); return LK_VIPS_ERROR; }
    int failed = vips_jpegsave_buffer(image, out, out_length, "Q", quality, "strip", TRUE, NULL);
    g_object_unref(image);
    return failed ? LK_VIPS_ERROR : 0;
}

int lk_vips_encode_png(const unsigned char *pixels, int width, int height, int bands,
                       void **out, size_t *out_length) {
    VipsImage *image = vips_image_new_from_memory_copy(pixels, (size_t)width * height * bands,
                                                       width, height, bands, VIPS_FORMAT_UCHAR);
    if (!image) return LK_VIPS_ERROR;
    VipsImage *tagged = NULL;
    VipsInterpretation kind = bands <= 2 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
    int failed = vips_copy(image, &tagged, "interpretation", kind, NULL);
    g_object_unref(image);
    if (failed) return LK_VIPS_ERROR;
    failed = vips_pngsave_buffer(tagged, out, out_length, "compression", 6, NULL);
    g_object_unref(tagged);
    return failed ? LK_VIPS_ERROR : 0;
}

void lk_vips_free(void *buffer) { g_free(buffer); }

void lk_vips_last_error(char *buffer, size_t capacity) {
    char *text = vips_error_buffer_copy();
    g_strlcpy(buffer, text ? g_strstrip(text) : "", capacity);
    g_free(text);
}
