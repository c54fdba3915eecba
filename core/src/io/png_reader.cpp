// SPDX-License-Identifier: GPL-3.0-or-later
// PNG decoding with libpng directly, warnings reported once a frame.
#include "io/png_reader.hpp"

#include <png.h>

#include <csetjmp>
#include <cstring>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/limits.hpp"

namespace fstack {
namespace {

struct Reader {
    const std::vector<unsigned char>* bytes;
    size_t offset = 0;
    std::string error;
};

void read_fn(png_structp png, png_bytep out, png_size_t n) {
    auto* r = static_cast<Reader*>(png_get_io_ptr(png));
    if (r->offset + n > r->bytes->size()) png_error(png, "the file ends before the image data does (truncated)");
    std::memcpy(out, r->bytes->data() + r->offset, n);
    r->offset += n;
}

void error_fn(png_structp png, png_const_charp message) {
    auto* r = static_cast<Reader*>(png_get_error_ptr(png));
    r->error = message;
    png_longjmp(png, 1);
}

void warning_fn(png_structp, png_const_charp) {}  // non-fatal by definition: the pixels are fine

}  // namespace

cv::Mat decode_png(const std::vector<unsigned char>& bytes, const std::string& name, int frame_index) {
    Reader reader{&bytes, 0, {}};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, error_fn, warning_fn);
    if (!png) throw Error(ErrorKind::Internal, name, frame_index, "cannot initialise libpng");
    png_infop info = png_create_info_struct(png);
    cv::Mat image;
    std::vector<png_bytep> rows;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        throw Error(ErrorKind::Input, name, frame_index, "corrupt PNG: " + reader.error);
    }
    png_set_read_fn(png, &reader, read_fn);
    // Guard against decompression bombs in a chunk (not the image itself: frames are large).
    png_set_chunk_malloc_max(png, 64u << 20);
    png_read_info(png, info);
    try {  // before libpng or we allocate what the header declares (decompression bombs)
        check_pixel_limit(png_get_image_width(png, info), png_get_image_height(png, info), name, frame_index);
    } catch (...) {
        png_destroy_read_struct(&png, &info, nullptr);
        throw;
    }
    const int colour = png_get_color_type(png, info);
    const int bit_depth = png_get_bit_depth(png, info);
    if (colour == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colour == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (bit_depth == 16) png_set_swap(png);  // PNG is big-endian
    png_set_bgr(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const int channels = png_get_channels(png, info);
    const int depth = png_get_bit_depth(png, info) == 16 ? CV_16U : CV_8U;
    const png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    image.create(static_cast<int>(height), static_cast<int>(width), CV_MAKETYPE(depth, channels));
    rows.resize(height);
    for (png_uint_32 y = 0; y < height; ++y) rows[y] = image.ptr(static_cast<int>(y));
    png_read_image(png, rows.data());
    png_read_end(png, nullptr);
    png_destroy_read_struct(&png, &info, nullptr);
    return image;
}

}  // namespace fstack
