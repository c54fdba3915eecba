// SPDX-License-Identifier: GPL-3.0-or-later
// PNG (libpng) and TIFF (libtiff) encoders: a named iCCP chunk, ExtraSamples for alpha.
#include "io/image_encoders.hpp"

#include <png.h>

#include <cerrno>
#include <csetjmp>
#include <cstring>
#include <memory>

#include "fstack/error.hpp"

namespace fstack::detail {
namespace {

struct PngSink {
    std::vector<unsigned char> bytes;
    std::string error;
};

void png_write_fn(png_structp png, png_bytep data, png_size_t n) {
    auto* s = static_cast<PngSink*>(png_get_io_ptr(png));
    s->bytes.insert(s->bytes.end(), data, data + n);
}
void png_flush_fn(png_structp) {}
void png_error_fn(png_structp png, png_const_charp message) {
    static_cast<PngSink*>(png_get_error_ptr(png))->error = message;
    png_longjmp(png, 1);
}
void png_warning_fn(png_structp png, png_const_charp message) {
    // A warning while writing means a chunk was left out: treat it as the error it is.
    static_cast<PngSink*>(png_get_error_ptr(png))->error = message;
    png_longjmp(png, 1);
}

// Everything between setjmp and longjmp is C data or owned by the caller.
bool encode(png_structp png, png_infop info, const cv::Mat& image, int level, const std::vector<unsigned char>& icc,
            bool srgb_chunk, std::vector<png_bytep>& rows) {
    if (setjmp(png_jmpbuf(png))) return false;
    const int channels = image.channels();
    const int colour = channels == 1 ? PNG_COLOR_TYPE_GRAY : channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA;
    png_set_IHDR(png, info, png_uint_32(image.cols), png_uint_32(image.rows), image.depth() == CV_16U ? 16 : 8,
                 colour, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, level);
    if (srgb_chunk) png_set_sRGB_gAMA_and_cHRM(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    else if (!icc.empty()) png_set_iCCP(png, info, "ICC profile", PNG_COMPRESSION_TYPE_BASE, icc.data(), png_uint_32(icc.size()));
    png_write_info(png, info);
    if (channels >= 3) png_set_bgr(png);
    if (image.depth() == CV_16U) png_set_swap(png);  // PNG is big-endian
    for (int y = 0; y < image.rows; ++y) rows[size_t(y)] = const_cast<png_bytep>(image.ptr(y));
    png_write_image(png, rows.data());
    png_write_end(png, info);
    return true;
}

// libtiff leaves errno as the failed write set it (a full disk, a file size limit).
[[noreturn]] void tiff_write_failed(const std::string& shown, int index) {
    throw Error(ErrorKind::Output, shown, index,
                std::string("cannot write the image: ") + (errno ? std::strerror(errno) : "libtiff failed (disk full?)"));
}

template <typename T>
void bgr_row_to_rgb(const T* src, T* dst, int width, int channels) {
    for (int x = 0; x < width; ++x, src += channels, dst += channels) {
        dst[0] = src[2];
        dst[1] = src[1];
        dst[2] = src[0];
        if (channels == 4) dst[3] = src[3];
    }
}

}  // namespace

namespace {

bool encode_once(const cv::Mat& image, int zlib_level, const std::vector<unsigned char>& icc, bool srgb_chunk,
                 PngSink& sink, const std::string& shown) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, png_error_fn, png_warning_fn);
    if (!png) throw Error(ErrorKind::Internal, shown, -1, "cannot initialise libpng");
    png_infop info = png_create_info_struct(png);
    png_set_write_fn(png, &sink, png_write_fn, png_flush_fn);
    std::vector<png_bytep> rows(size_t(image.rows));
    const bool ok = info && encode(png, info, image, zlib_level, icc, srgb_chunk, rows);
    png_destroy_write_struct(&png, &info);
    return ok;
}

}  // namespace

std::vector<unsigned char> encode_png(const cv::Mat& image, int zlib_level, const std::vector<unsigned char>& icc,
                                      const std::string& shown) {
    PngSink sink;
    if (encode_once(image, zlib_level, icc, false, sink, shown)) return std::move(sink.bytes);
    // libpng refuses the iCCP chunk of profiles it knows as broken variants of sRGB (the old HP
    // "sRGB IEC61966-2.1" builds that many cameras and editors still embed: "known incorrect
    // sRGB profile"), and every PNG reader would warn about it. The profile means sRGB: say so
    // with PNG's own sRGB chunk instead.
    if (!icc.empty() && sink.error.find("sRGB profile") != std::string::npos) {
        sink = PngSink();
        if (encode_once(image, zlib_level, icc, true, sink, shown)) return std::move(sink.bytes);
    }
    throw Error(ErrorKind::Output, shown, -1, "cannot encode the PNG: " + sink.error);
}

void write_tiff_page(TIFF* t, const cv::Mat& image, bool compress, const std::string& shown, int index) {
    const int spp = image.channels();
    const int bytes = image.depth() == CV_16U ? 2 : 1;
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, uint32_t(image.cols));
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, uint32_t(image.rows));
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, uint16_t(bytes * 8));
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, uint16_t(spp));
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, spp == 1 ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
    if (spp == 4) {
        const uint16_t extra = EXTRASAMPLE_UNASSALPHA;
        TIFFSetField(t, TIFFTAG_EXTRASAMPLES, 1, &extra);
    }
    if (compress) {
        TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
        TIFFSetField(t, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
    } else {
        TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
    }
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(t, 0));
    std::vector<uint8_t> row(size_t(image.cols) * spp * bytes);
    errno = 0;
    for (int y = 0; y < image.rows; ++y) {
        if (spp == 1) std::copy_n(image.ptr(y), row.size(), row.data());
        else if (bytes == 2)
            bgr_row_to_rgb(image.ptr<uint16_t>(y), reinterpret_cast<uint16_t*>(row.data()), image.cols, spp);
        else
            bgr_row_to_rgb(image.ptr<uint8_t>(y), row.data(), image.cols, spp);
        if (TIFFWriteScanline(t, row.data(), uint32_t(y), 0) < 0) tiff_write_failed(shown, index);
    }
}

void write_tiff_file(const std::string& path, const cv::Mat& image, bool compress, const std::string& shown) {
    const bool big = uint64_t(image.total()) * image.elemSize() > 0xf0000000ull;
    TIFFSetWarningHandler(nullptr);
    std::unique_ptr<TIFF, void (*)(TIFF*)> tif(TIFFOpen(path.c_str(), big ? "w8" : "w"), [](TIFF* t) { TIFFClose(t); });
    if (!tif) throw Error(ErrorKind::Output, shown, -1, "cannot create the TIFF file");
    TIFFSetField(tif.get(), TIFFTAG_SOFTWARE, "fstack");
    write_tiff_page(tif.get(), image, compress, shown, -1);
    errno = 0;
    if (!TIFFWriteDirectory(tif.get())) tiff_write_failed(shown, -1);
    TIFF* raw = tif.release();
    errno = 0;
    const bool flushed = TIFFFlush(raw) == 1;
    const int flush_errno = errno;
    TIFFClose(raw);
    errno = flush_errno;
    if (!flushed) tiff_write_failed(shown, -1);
}

}  // namespace fstack::detail
