// SPDX-License-Identifier: GPL-3.0-or-later
// TIFF decoding with libtiff: strips or tiles, chunky or planar, 1..16-bit integers (signed or
// not) and 32/64-bit floats, grey, palette, RGB, CMYK, alpha; anything else refused by name.
#include "io/tiff_reader.hpp"

#include <algorithm>
#include <memory>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "io/colour.hpp"
#include "io/tiff_header.hpp"

namespace fstack::detail {
namespace {

[[noreturn]] void unsupported(const std::string& name, int index, const std::string& what) {
    throw Error(ErrorKind::Input, name, index,
                "unsupported: " + what + " (a valid TIFF that fstack does not read; save it as 8- or 16-bit RGB or grey)");
}

[[noreturn]] void corrupt(const std::string& name, int index, const std::string& what) {
    throw Error(ErrorKind::Input, name, index, "corrupt TIFF: " + what);
}

std::string photometric_name(uint16_t p) {
    switch (p) {
        case PHOTOMETRIC_YCBCR: return "YCbCr TIFF";
        case PHOTOMETRIC_CIELAB: case PHOTOMETRIC_ICCLAB: case PHOTOMETRIC_ITULAB: return "L*a*b* TIFF";
        case PHOTOMETRIC_LOGL: case PHOTOMETRIC_LOGLUV: return "LogLuv TIFF";
        case PHOTOMETRIC_MASK: return "transparency-mask TIFF";
        case PHOTOMETRIC_CFA: case 34892 /* LinearRaw */: return "raw sensor data in a TIFF (CFA)";
        default: return "TIFF with photometric interpretation " + std::to_string(p);
    }
}

struct Layout {
    uint32_t width = 0, height = 0;
    uint16_t bps = 1, spp = 1, planar = PLANARCONFIG_CONTIG, photometric = PHOTOMETRIC_MINISBLACK;
    uint16_t format = SAMPLEFORMAT_UINT;
    int colour = 1;   // colour samples: 1 grey or palette index, 3 RGB, 4 CMYK
    int alpha = -1;   // sample index of the alpha, -1 none
    bool associated = false;
};

// Checks what the tags say and names what is not read.
Layout layout_of(TIFF* t, const std::string& name, int index) {
    Layout L;
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &L.width);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &L.height);
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &L.bps);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &L.spp);
    TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &L.planar);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLEFORMAT, &L.format);
    if (!TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &L.photometric))
        L.photometric = L.spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
    uint16_t compression = COMPRESSION_NONE;
    TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &compression);
    if (!TIFFIsCODECConfigured(compression)) {
        const TIFFCodec* c = TIFFFindCODEC(compression);
        unsupported(name, index, std::string("TIFF compressed with ") +
                                     (c ? c->name : "scheme " + std::to_string(compression)) +
                                     ", which this build of libtiff cannot decode");
    }
    const bool is_float = L.format == SAMPLEFORMAT_IEEEFP;
    const bool is_int = L.format == SAMPLEFORMAT_UINT || L.format == SAMPLEFORMAT_INT || L.format == SAMPLEFORMAT_VOID;
    const std::string bits = std::to_string(L.bps) + "-bit";
    if (!is_float && !is_int) unsupported(name, index, "complex-number samples in a TIFF");
    if (is_float && L.bps != 32 && L.bps != 64) unsupported(name, index, bits + " floating-point TIFF");
    if (is_int && L.bps == 32) unsupported(name, index, "32-bit integer TIFF");
    if (is_int && L.bps != 1 && L.bps != 2 && L.bps != 4 && L.bps != 8 && L.bps != 16)
        unsupported(name, index, bits + " TIFF (1, 2, 4, 8 and 16-bit integers and 32/64-bit floats are read)");
    if (L.format == SAMPLEFORMAT_INT && L.bps < 8) unsupported(name, index, "signed " + bits + " TIFF");
    switch (L.photometric) {
        case PHOTOMETRIC_MINISBLACK: case PHOTOMETRIC_MINISWHITE: L.colour = 1; break;
        case PHOTOMETRIC_PALETTE:
            if (!is_int || L.bps > 8) unsupported(name, index, bits + " palette TIFF");
            L.colour = 1;
            break;
        case PHOTOMETRIC_RGB: L.colour = 3; break;
        case PHOTOMETRIC_SEPARATED: {
            uint16_t inkset = INKSET_CMYK;
            TIFFGetFieldDefaulted(t, TIFFTAG_INKSET, &inkset);
            if (inkset != INKSET_CMYK) unsupported(name, index, "multi-ink (not CMYK) separated TIFF");
            L.colour = 4;
            break;
        }
        default: unsupported(name, index, photometric_name(L.photometric));
    }
    if (L.spp > 16) unsupported(name, index, "TIFF with " + std::to_string(L.spp) + " samples per pixel");
    if (L.spp < L.colour)
        corrupt(name, index, std::to_string(L.spp) + " samples per pixel, fewer than its colour space needs");
    uint16_t extra_count = 0;
    uint16_t* extras = nullptr;
    if (TIFFGetField(t, TIFFTAG_EXTRASAMPLES, &extra_count, &extras) && extra_count > 0 && extras &&
        L.spp > L.colour && (extras[0] == EXTRASAMPLE_ASSOCALPHA || extras[0] == EXTRASAMPLE_UNASSALPHA)) {
        L.alpha = L.colour;
        L.associated = extras[0] == EXTRASAMPLE_ASSOCALPHA;
    } else if (L.spp > L.colour && extra_count == 0 && (L.spp == 2 || L.spp == 4) && L.colour != 4) {
        L.alpha = L.colour;  // no ExtraSamples tag (OpenCV's writer): the 4th sample of RGBA is alpha
    }
    return L;
}

// One plane's (or, chunky, all samples') bytes, rows of TIFFScanlineSize bytes each.
std::vector<uint8_t> read_plane(TIFF* t, const Layout& L, int plane, const std::string& name, int index) {
    const size_t row_bytes = size_t(TIFFScanlineSize64(t));
    if (row_bytes == 0) corrupt(name, index, "the rows have no size");
    std::vector<uint8_t> out(row_bytes * L.height);
    if (!TIFFIsTiled(t)) {
        uint32_t rps = L.height;
        TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rps);
        rps = std::clamp<uint32_t>(rps, 1, L.height);
        for (uint32_t y = 0; y < L.height; y += rps) {
            const uint32_t rows = std::min(rps, L.height - y);
            if (TIFFReadEncodedStrip(t, TIFFComputeStrip(t, y, uint16_t(plane)), out.data() + y * row_bytes,
                                     tmsize_t(rows * row_bytes)) < 0)
                corrupt(name, index, "strip " + std::to_string(y / rps) + " cannot be decoded (truncated or damaged)");
        }
        return out;
    }
    uint32_t tw = 0, th = 0;
    TIFFGetField(t, TIFFTAG_TILEWIDTH, &tw);
    TIFFGetField(t, TIFFTAG_TILELENGTH, &th);
    const size_t tile_row = size_t(TIFFTileRowSize64(t));
    if (tw == 0 || th == 0 || tile_row == 0) corrupt(name, index, "tiles of no size");
    const size_t per_pixel_bits = size_t(L.bps) * (L.planar == PLANARCONFIG_CONTIG ? L.spp : 1);
    std::vector<uint8_t> tile(size_t(TIFFTileSize64(t)));
    for (uint32_t ty = 0; ty < L.height; ty += th)
        for (uint32_t tx = 0; tx < L.width; tx += tw) {
            if (TIFFReadTile(t, tile.data(), tx, ty, 0, uint16_t(plane)) < 0)
                corrupt(name, index, "a tile cannot be decoded (truncated or damaged)");
            const size_t x0 = tx * per_pixel_bits / 8;
            const size_t n = std::min(tile_row, row_bytes - x0);
            for (uint32_t r = 0; r < th && ty + r < L.height; ++r)
                std::copy_n(tile.data() + r * tile_row, n, out.data() + (ty + r) * row_bytes + x0);
        }
    return out;
}

// The bytes of a plane as a Mat of `samples` channels: 1..8-bit as CV_8U (grey scaled to 0..255,
// palette indices kept), 16-bit CV_16U, floats CV_32F/CV_64F; signed integers offset to unsigned.
cv::Mat samples_of(const std::vector<uint8_t>& raw, const Layout& L, int samples) {
    const size_t row_bytes = raw.size() / L.height;
    const int n = int(L.width) * samples;
    if (L.bps < 8) {
        cv::Mat m(int(L.height), int(L.width), CV_MAKETYPE(CV_8U, samples));
        const int max = (1 << L.bps) - 1;
        const bool scale = L.photometric != PHOTOMETRIC_PALETTE;
        for (uint32_t y = 0; y < L.height; ++y) {
            const uint8_t* src = raw.data() + y * row_bytes;
            uint8_t* dst = m.ptr<uint8_t>(int(y));
            for (int i = 0; i < n; ++i) {
                const size_t bit = size_t(i) * L.bps;
                const int v = (src[bit / 8] >> (8 - L.bps - bit % 8)) & max;
                dst[i] = uint8_t(scale ? v * 255 / max : v);
            }
        }
        return m;
    }
    const int depth = L.format == SAMPLEFORMAT_IEEEFP ? (L.bps == 32 ? CV_32F : CV_64F) : L.bps == 16 ? CV_16U : CV_8U;
    cv::Mat m(int(L.height), int(L.width), CV_MAKETYPE(depth, samples));
    for (uint32_t y = 0; y < L.height; ++y)
        std::copy_n(raw.data() + y * row_bytes, m.cols * m.elemSize(), m.ptr(int(y)));
    if (L.format == SAMPLEFORMAT_INT) {  // two's complement plus half the range: flip the top bit
        cv::Mat flip(m.size(), m.type(), cv::Scalar::all(L.bps == 16 ? 0x8000 : 0x80));
        cv::bitwise_xor(m, flip, m);
    }
    return m;
}

cv::Mat lookup_palette(TIFF* t, const cv::Mat& index, const Layout& L, const std::string& name, int frame) {
    uint16_t *r = nullptr, *g = nullptr, *b = nullptr;
    if (!TIFFGetField(t, TIFFTAG_COLORMAP, &r, &g, &b) || !r || !g || !b)
        corrupt(name, frame, "a palette image without a colour map");
    const int entries = 1 << L.bps;
    cv::Mat lut(1, 256, CV_8UC3, cv::Scalar::all(0));
    for (int i = 0; i < entries; ++i)  // 16-bit entries; libtiff writers store v * 257
        lut.at<cv::Vec3b>(0, i) = cv::Vec3b(uint8_t(b[i] >> 8), uint8_t(g[i] >> 8), uint8_t(r[i] >> 8));
    cv::Mat three, out;
    cv::cvtColor(index, three, cv::COLOR_GRAY2BGR);
    cv::LUT(three, lut, out);
    return out;
}

template <typename T>
void unpremultiply(std::vector<cv::Mat>& colour, const cv::Mat& alpha) {
    const double max = sizeof(T) == 1 ? 255.0 : 65535.0;
    for (cv::Mat& c : colour)
        for (int y = 0; y < c.rows; ++y) {
            T* p = c.ptr<T>(y);
            const T* a = alpha.ptr<T>(y);
            for (int x = 0; x < c.cols; ++x)
                p[x] = a[x] == 0 ? 0 : T(std::min(max, p[x] * max / a[x] + 0.5));
        }
}

// layout_of, and JPEG-compressed YCbCr, which libjpeg converts to RGB for us.
Layout layout_or_jpeg_rgb(TIFF* t, const std::string& name, int index) {
    uint16_t photometric = PHOTOMETRIC_MINISBLACK, compression = COMPRESSION_NONE;
    TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &compression);
    Layout L;
    if (TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric) && photometric == PHOTOMETRIC_YCBCR &&
        compression == COMPRESSION_JPEG) {
        TIFFSetField(t, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
        TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &L.width);
        TIFFGetField(t, TIFFTAG_IMAGELENGTH, &L.height);
        TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &L.bps);
        TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &L.spp);
        TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &L.planar);
        L.photometric = PHOTOMETRIC_RGB;
        L.colour = 3;
        if (L.bps != 8 || L.spp != 3) unsupported(name, index, "JPEG-compressed YCbCr TIFF other than 8-bit, 3 samples");
        return L;
    }
    return layout_of(t, name, index);
}

}  // namespace

TiffDecodedShape tiff_decoded_shape(TIFF* t, const std::string& name, int index) {
    const Layout L = layout_or_jpeg_rgb(t, name, index);
    return {L.colour == 1 && L.photometric != PHOTOMETRIC_PALETTE && L.alpha < 0 ? 1 : L.alpha >= 0 ? 4 : 3,
            L.bps > 8 ? CV_16U : CV_8U};
}

cv::Mat decode_tiff_directory(TIFF* t, const std::string& name, int index) {
    const Layout L = layout_or_jpeg_rgb(t, name, index);
    if (L.width == 0 || L.height == 0) corrupt(name, index, "the image has no pixels");
    cv::Mat samples;
    if (L.planar == PLANARCONFIG_SEPARATE && L.spp > 1) {
        std::vector<cv::Mat> planes;
        for (int p = 0; p < L.spp; ++p) planes.push_back(samples_of(read_plane(t, L, p, name, index), L, 1));
        cv::merge(planes, samples);
    } else {
        samples = samples_of(read_plane(t, L, 0, name, index), L, L.spp);
    }
    if (samples.depth() == CV_32F || samples.depth() == CV_64F) samples.convertTo(samples, CV_16U, 65535.0);
    std::vector<cv::Mat> s;
    cv::split(samples, s);
    const double max = samples.depth() == CV_16U ? 65535.0 : 255.0;
    std::vector<cv::Mat> colour(s.begin(), s.begin() + L.colour);
    cv::Mat alpha = L.alpha >= 0 ? s[size_t(L.alpha)] : cv::Mat();
    if (!alpha.empty() && L.associated) {
        if (samples.depth() == CV_16U) unpremultiply<uint16_t>(colour, alpha);
        else unpremultiply<uint8_t>(colour, alpha);
    }
    cv::Mat bgr;
    if (L.photometric == PHOTOMETRIC_PALETTE) {
        bgr = lookup_palette(t, colour[0], L, name, index);
    } else if (L.colour == 4) {
        uint32_t icc_size = 0;
        void* icc_data = nullptr;
        std::vector<unsigned char> icc;
        if (TIFFGetField(t, TIFFTAG_ICCPROFILE, &icc_size, &icc_data) && icc_data)
            icc.assign(static_cast<unsigned char*>(icc_data), static_cast<unsigned char*>(icc_data) + icc_size);
        cv::Mat cmyk;
        cv::merge(colour, cmyk);
        bgr = cmyk_to_bgr(cmyk, icc, false);
    } else if (L.colour == 3) {
        cv::merge(std::vector<cv::Mat>{colour[2], colour[1], colour[0]}, bgr);
    } else {
        bgr = colour[0];
        if (L.photometric == PHOTOMETRIC_MINISWHITE) cv::subtract(cv::Scalar::all(max), bgr, bgr);
    }
    if (alpha.empty()) return bgr;
    std::vector<cv::Mat> out;
    cv::split(bgr, out);
    if (out.size() == 1) out = {out[0], out[0], out[0]};  // grey+alpha is BGRA, as in PNG
    out.push_back(alpha);
    cv::Mat bgra;
    cv::merge(out, bgra);
    return bgra;
}

cv::Mat decode_tiff(const std::vector<unsigned char>& bytes, const std::string& name, int index) {
    TiffMemory m{&bytes, 0};
    std::unique_ptr<TIFF, void (*)(TIFF*)> tif(open_tiff_memory(m), [](TIFF* t) { TIFFClose(t); });
    if (!tif) corrupt(name, index, "libtiff cannot read the first directory");
    return decode_tiff_directory(tif.get(), name, index);
}

}  // namespace fstack::detail
