// SPDX-License-Identifier: GPL-3.0-or-later
// Files in every TIFF layout libtiff writes, grey+alpha PNG, CMYK JPEG, test ICC profiles, and
// strict read-backs by libtiff, libpng and libjpeg that collect every warning.
#include "layout_files.hpp"

#include <jpeglib.h>
#include <lcms2.h>
#include <png.h>
#include <tiffio.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace fstack::test {
namespace fs = std::filesystem;

std::string TiffLayout::name() const {
    static const char* colours[] = {"grey", "grey_alpha", "rgb", "rgba", "cmyk", "palette", "miniswhite"};
    std::string n = std::string(colours[int(colour)]) + "_" + std::to_string(bits) + (is_float ? "f" : is_signed ? "s" : "u");
    if (separate) n += "_planar";
    if (associated) n += "_assoc";
    if (tiled) n += "_tiled";
    if (big) n += "_bigtiff";
    if (icc) n += "_icc";
    if (!extra_samples_tag) n += "_noextra";
    if (compression == 8) n += "_deflate";
    if (compression == 5) n += "_lzw";
    return n;
}

namespace {

std::vector<unsigned char> save_profile(cmsHPROFILE p) {
    cmsUInt32Number n = 0;
    cmsSaveProfileToMem(p, nullptr, &n);
    std::vector<unsigned char> out(n);
    cmsSaveProfileToMem(p, out.data(), &n);
    cmsCloseProfile(p);
    return out;
}

// The CMYK test profile's colours, as sRGB 0..1.
void test_ink(double c, double m, double y, double k, double rgb[3]) {
    rgb[0] = (1 - 0.6 * c) * (1 - 0.7 * k);
    rgb[1] = (1 - 0.4 * m) * (1 - 0.7 * k) * (1 - 0.2 * c) + 0.15 * c * (1 - k);
    rgb[2] = (1 - 0.5 * y) * (1 - 0.7 * k);
    for (int i = 0; i < 3; ++i) rgb[i] = std::min(1.0, std::max(0.0, rgb[i]));
}

int sample_cmyk(const cmsUInt16Number in[], cmsUInt16Number out[], void* cargo) {
    double rgb[3];
    test_ink(in[0] / 65535.0, in[1] / 65535.0, in[2] / 65535.0, in[3] / 65535.0, rgb);
    cmsCIELab lab;
    cmsDoTransform(static_cast<cmsHTRANSFORM>(cargo), rgb, &lab, 1);
    cmsFloat2LabEncoded(out, &lab);
    return 1;
}

struct TiffWarnings {
    static std::vector<std::string>& list() {
        static std::vector<std::string> w;
        return w;
    }
    static void handler(const char* module, const char* fmt, va_list ap) {
        char text[1024];
        std::vsnprintf(text, sizeof text, fmt, ap);
        list().push_back(std::string(module ? module : "") + ": " + text);
    }
};

}  // namespace

std::vector<unsigned char> srgb_profile() { return save_profile(cmsCreate_sRGBProfile()); }

// A gamma 2.2 grey profile (the profile keeps its own copy of the curve).
std::vector<unsigned char> grey_profile() {
    cmsToneCurve* gamma = cmsBuildGamma(nullptr, 2.2);
    std::vector<unsigned char> icc = save_profile(cmsCreateGrayProfile(cmsD50_xyY(), gamma));
    cmsFreeToneCurve(gamma);
    return icc;
}

std::vector<unsigned char> cmyk_test_profile() {
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    cmsHPROFILE lab = cmsCreateLab4Profile(nullptr);
    cmsHTRANSFORM to_lab = cmsCreateTransform(srgb, TYPE_RGB_DBL, lab, TYPE_Lab_DBL, INTENT_RELATIVE_COLORIMETRIC, 0);
    cmsHPROFILE p = cmsCreateProfilePlaceholder(nullptr);
    cmsSetProfileVersion(p, 4.3);
    cmsSetDeviceClass(p, cmsSigOutputClass);
    cmsSetColorSpace(p, cmsSigCmykData);
    cmsSetPCS(p, cmsSigLabData);
    cmsPipeline* lut = cmsPipelineAlloc(nullptr, 4, 3);
    cmsStage* clut = cmsStageAllocCLut16bit(nullptr, 9, 4, 3, nullptr);
    cmsStageSampleCLut16bit(clut, sample_cmyk, to_lab, 0);
    // ICC v4 lutAtoBType: A curves, CLUT, B curves (identity curves here).
    cmsPipelineInsertStage(lut, cmsAT_END, cmsStageAllocToneCurves(nullptr, 4, nullptr));
    cmsPipelineInsertStage(lut, cmsAT_END, clut);
    cmsPipelineInsertStage(lut, cmsAT_END, cmsStageAllocToneCurves(nullptr, 3, nullptr));
    cmsWriteTag(p, cmsSigAToB0Tag, lut);
    cmsWriteTag(p, cmsSigMediaWhitePointTag, cmsD50_XYZ());
    cmsPipelineFree(lut);
    cmsDeleteTransform(to_lab);
    cmsCloseProfile(lab);
    cmsCloseProfile(srgb);
    return save_profile(p);
}

cv::Vec3b cmyk_test_profile_colour(int c, int m, int y, int k) {
    const std::vector<unsigned char> icc = cmyk_test_profile();
    cmsHPROFILE in = cmsOpenProfileFromMem(icc.data(), cmsUInt32Number(icc.size()));
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    cmsHTRANSFORM t = cmsCreateTransform(in, TYPE_CMYK_8, srgb, TYPE_BGR_8, INTENT_PERCEPTUAL, 0);
    const unsigned char ink[4] = {uint8_t(c), uint8_t(m), uint8_t(y), uint8_t(k)};
    cv::Vec3b out;
    cmsDoTransform(t, ink, out.val, 1);
    cmsDeleteTransform(t);
    cmsCloseProfile(in);
    cmsCloseProfile(srgb);
    return out;
}

cv::Mat write_tiff_layout(const fs::path& path, const cv::Mat& pixels, const TiffLayout& L) {
    const bool wide = pixels.depth() == CV_16U;
    const double max = wide ? 65535.0 : 255.0;
    std::vector<cv::Mat> ch;
    cv::split(pixels, ch);
    while (ch.size() < 4) ch.push_back(ch.back());
    // Samples in file order, as doubles in the pixels' range; `expected` what a reader gives.
    std::vector<cv::Mat> samples;
    cv::Mat expected;
    std::vector<uint16_t> extra;
    uint16_t photometric = PHOTOMETRIC_RGB;
    switch (L.colour) {
        case TiffColour::Grey: samples = {ch[0]}; expected = ch[0].clone(); photometric = PHOTOMETRIC_MINISBLACK; break;
        case TiffColour::MinIsWhite: {
            cv::Mat inv;
            cv::subtract(cv::Scalar::all(max), ch[0], inv);
            samples = {inv};
            expected = ch[0].clone();
            photometric = PHOTOMETRIC_MINISWHITE;
            break;
        }
        case TiffColour::GreyAlpha:
            samples = {ch[0], ch[3]};
            cv::merge(std::vector<cv::Mat>{ch[0], ch[0], ch[0], ch[3]}, expected);
            photometric = PHOTOMETRIC_MINISBLACK;
            extra = {uint16_t(L.associated ? EXTRASAMPLE_ASSOCALPHA : EXTRASAMPLE_UNASSALPHA)};
            break;
        case TiffColour::Rgb: samples = {ch[2], ch[1], ch[0]}; cv::merge(std::vector<cv::Mat>{ch[0], ch[1], ch[2]}, expected); break;
        case TiffColour::Rgba:
            samples = {ch[2], ch[1], ch[0], ch[3]};
            cv::merge(std::vector<cv::Mat>{ch[0], ch[1], ch[2], ch[3]}, expected);
            extra = {uint16_t(L.associated ? EXTRASAMPLE_ASSOCALPHA : EXTRASAMPLE_UNASSALPHA)};
            break;
        case TiffColour::Cmyk: {
            cv::Mat c, m, y, k(ch[0].size(), ch[0].type(), cv::Scalar(0));
            cv::subtract(cv::Scalar::all(max), ch[2], c);
            cv::subtract(cv::Scalar::all(max), ch[1], m);
            cv::subtract(cv::Scalar::all(max), ch[0], y);
            samples = {c, m, y, k};
            cv::merge(std::vector<cv::Mat>{ch[0], ch[1], ch[2]}, expected);
            photometric = PHOTOMETRIC_SEPARATED;
            break;
        }
        case TiffColour::Palette: {
            CV_Assert(!wide);
            samples = {ch[0]};
            cv::Mat g = ch[0], b2 = g.clone();
            cv::Mat inv;
            cv::subtract(cv::Scalar::all(255), g, inv);
            for (int y = 0; y < g.rows; ++y)
                for (int x = 0; x < g.cols; ++x) b2.at<uint8_t>(y, x) = uint8_t(g.at<uint8_t>(y, x) / 2);
            cv::merge(std::vector<cv::Mat>{b2, inv, g}, expected);  // BGR of (v, 255 - v, v / 2)
            photometric = PHOTOMETRIC_PALETTE;
            break;
        }
    }
    if (L.associated) {  // premultiplied colour; expected keeps straight colour where alpha > 0
        const cv::Mat& a = samples.back();
        for (size_t i = 0; i + 1 < samples.size(); ++i) {
            cv::Mat pre;
            cv::multiply(samples[i], a, pre, 1.0 / max, samples[i].type());
            samples[i] = pre;
        }
    }
    const int spp = int(samples.size());
    const int w = pixels.cols, h = pixels.rows;
    TIFFSetWarningHandler(nullptr);
    TIFF* t = TIFFOpen(path.c_str(), L.big ? "w8" : "w");
    if (!t) throw std::runtime_error("cannot create " + path.string());
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, uint32_t(w));
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, uint32_t(h));
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, uint16_t(L.bits));
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, uint16_t(spp));
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, photometric);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, L.separate ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, L.is_float ? SAMPLEFORMAT_IEEEFP : L.is_signed ? SAMPLEFORMAT_INT : SAMPLEFORMAT_UINT);
    TIFFSetField(t, TIFFTAG_COMPRESSION, uint16_t(L.compression));
    if (!extra.empty() && L.extra_samples_tag) TIFFSetField(t, TIFFTAG_EXTRASAMPLES, uint16_t(extra.size()), extra.data());
    if (L.icc) {
        const std::vector<unsigned char> icc = L.colour == TiffColour::Grey || L.colour == TiffColour::GreyAlpha
            ? grey_profile()
            : L.colour == TiffColour::Cmyk ? cmyk_test_profile() : srgb_profile();
        TIFFSetField(t, TIFFTAG_ICCPROFILE, uint32_t(icc.size()), icc.data());
    }
    std::vector<uint16_t> map_r(256), map_g(256), map_b(256);
    if (photometric == PHOTOMETRIC_PALETTE) {
        for (int v = 0; v < 256; ++v) {
            map_r[size_t(v)] = uint16_t(v * 257);
            map_g[size_t(v)] = uint16_t((255 - v) * 257);
            map_b[size_t(v)] = uint16_t((v / 2) * 257);
        }
        TIFFSetField(t, TIFFTAG_COLORMAP, map_r.data(), map_g.data(), map_b.data());
    }
    const uint32_t tile = 16;
    if (L.tiled) {
        TIFFSetField(t, TIFFTAG_TILEWIDTH, tile);
        TIFFSetField(t, TIFFTAG_TILELENGTH, tile);
    } else {
        TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, uint32_t(7));  // several strips, one cut short
    }
    // One value of sample s at (x, y) as it is stored.
    auto stored = [&](int s, int x, int y) -> uint64_t {
        const double v = samples[size_t(s)].depth() == CV_16U ? samples[size_t(s)].at<uint16_t>(y, x) : samples[size_t(s)].at<uint8_t>(y, x);
        if (L.bits == 1) return v >= max / 2 ? 1 : 0;
        if (L.bits == 12) return uint64_t(v) >> 4;
        if (L.bits == 32 && L.is_float) {
            const float f = float(v / max);
            uint32_t u;
            std::memcpy(&u, &f, 4);
            return u;
        }
        if (L.bits == 32) return uint64_t(v) << 16;
        if (L.is_signed) return uint64_t(v) ^ (L.bits == 16 ? 0x8000u : 0x80u);
        return uint64_t(v);
    };
    // Packs samples [s0, s0 + n) of pixels [x0, x1) of row y, MSB first, at L.bits each.
    auto pack = [&](std::vector<uint8_t>& out, int s0, int n, int x0, int x1, int y) {
        size_t bit = 0;
        std::fill(out.begin(), out.end(), 0);
        for (int x = x0; x < x1; ++x)
            for (int s = s0; s < s0 + n; ++s, bit += size_t(L.bits)) {
                const uint64_t v = stored(s, x, y);
                if (L.bits == 16) { const uint16_t u = uint16_t(v); std::memcpy(&out[bit / 8], &u, 2); }
                else if (L.bits == 32) { const uint32_t u = uint32_t(v); std::memcpy(&out[bit / 8], &u, 4); }
                else
                    for (int b = L.bits - 1; b >= 0; --b, ++bit)
                        if ((v >> b) & 1) out[bit / 8] |= uint8_t(0x80 >> (bit % 8));
                if (L.bits != 16 && L.bits != 32) bit -= size_t(L.bits);
            }
    };
    const int planes = L.separate ? spp : 1, per = L.separate ? 1 : spp;
    for (int p = 0; p < planes; ++p) {
        if (L.tiled) {
            std::vector<uint8_t> buf(size_t(TIFFTileSize(t)));
            for (uint32_t ty = 0; ty < uint32_t(h); ty += tile)
                for (uint32_t tx = 0; tx < uint32_t(w); tx += tile) {
                    std::vector<uint8_t> row(size_t(TIFFTileRowSize(t)));
                    std::fill(buf.begin(), buf.end(), 0);
                    for (uint32_t r = 0; r < tile && ty + r < uint32_t(h); ++r) {
                        pack(row, p * per, per, int(tx), std::min(int(tx + tile), w), int(ty + r));
                        std::memcpy(buf.data() + r * row.size(), row.data(), row.size());
                    }
                    TIFFWriteTile(t, buf.data(), tx, ty, 0, uint16_t(p));
                }
        } else {
            std::vector<uint8_t> row(size_t(TIFFScanlineSize(t)));
            for (int y = 0; y < h; ++y) {
                pack(row, p * per, per, 0, w, y);
                if (TIFFWriteScanline(t, row.data(), uint32_t(y), uint16_t(p)) < 0) throw std::runtime_error("TIFFWriteScanline");
            }
        }
    }
    TIFFWriteDirectory(t);
    TIFFClose(t);
    if (L.bits == 1) {
        cv::Mat bin;
        cv::compare(expected, cv::Scalar::all(max / 2), bin, cv::CMP_GE);  // 0 or 255, 8-bit
        return bin;
    }
    if (L.is_float && !wide) expected.convertTo(expected, CV_16U, 257.0);
    return expected;
}

void write_grey_alpha_png(const fs::path& path, const cv::Mat& ga) {
    CV_Assert(ga.channels() == 2);
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot create " + path.string());
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        std::fclose(f);
        throw std::runtime_error("libpng failed writing " + path.string());
    }
    png_init_io(png, f);
    const int bits = ga.depth() == CV_16U ? 16 : 8;
    png_set_IHDR(png, info, png_uint_32(ga.cols), png_uint_32(ga.rows), bits, PNG_COLOR_TYPE_GRAY_ALPHA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (bits == 16) png_set_swap(png);
    for (int y = 0; y < ga.rows; ++y) png_write_row(png, const_cast<png_bytep>(ga.ptr(y)));
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    std::fclose(f);
}

void write_cmyk_jpeg(const fs::path& path, const cv::Mat& cmyk, const std::vector<unsigned char>& icc) {
    CV_Assert(cmyk.type() == CV_8UC4);
    jpeg_compress_struct c{};
    jpeg_error_mgr err{};
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char* mem = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &mem, &size);
    c.image_width = JDIMENSION(cmyk.cols);
    c.image_height = JDIMENSION(cmyk.rows);
    c.input_components = 4;
    c.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 98, TRUE);
    jpeg_start_compress(&c, TRUE);
    if (!icc.empty()) jpeg_write_icc_profile(&c, icc.data(), unsigned(icc.size()));
    cv::Mat inverted;  // Adobe: 0 = full ink
    cv::subtract(cv::Scalar::all(255), cmyk, inverted);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = inverted.ptr(int(c.next_scanline));
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(mem, 1, size, f);
    std::fclose(f);
    std::free(mem);
}

ReadBack read_tiff_strictly(const fs::path& path) {
    ReadBack r;
    TiffWarnings::list().clear();
    TIFFSetWarningHandler(TiffWarnings::handler);
    TIFFSetErrorHandler(TiffWarnings::handler);
    TIFF* t = TIFFOpen(path.c_str(), "r");
    if (t) {
        r.ok = true;
        do {
            ++r.pages;
            uint16_t spp = 1, bps = 1, count = 0;
            uint16_t* extras = nullptr;
            TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
            TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
            if (r.pages == 1) {
                r.channels = spp;
                r.bits = bps;
                if (TIFFGetField(t, TIFFTAG_EXTRASAMPLES, &count, &extras) && count > 0) {
                    r.has_extra_samples = true;
                    r.extra_samples = extras[0];
                }
                uint32_t n = 0;
                void* data = nullptr;
                if (TIFFGetField(t, TIFFTAG_ICCPROFILE, &n, &data))
                    r.icc.assign(static_cast<unsigned char*>(data), static_cast<unsigned char*>(data) + n);
            }
            std::vector<uint8_t> row(size_t(TIFFScanlineSize(t)));
            uint32_t h = 0;
            TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
            for (uint32_t y = 0; y < h; ++y)
                if (TIFFReadScanline(t, row.data(), y, 0) < 0) r.ok = false;
        } while (TIFFReadDirectory(t));
        TIFFClose(t);
    }
    r.warnings = TiffWarnings::list();
    TIFFSetWarningHandler(nullptr);
    TIFFSetErrorHandler(nullptr);
    return r;
}

namespace {
void png_note(png_structp png, png_const_charp message) {
    static_cast<ReadBack*>(png_get_error_ptr(png))->warnings.push_back(message);
}
void png_fail(png_structp png, png_const_charp message) {
    png_note(png, message);
    png_longjmp(png, 1);
}

struct JpegErr {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    ReadBack* r;
};
void jpeg_fail(j_common_ptr c) {
    auto* e = reinterpret_cast<JpegErr*>(c->err);
    char text[JMSG_LENGTH_MAX];
    (*c->err->format_message)(c, text);
    e->r->warnings.push_back(text);
    std::longjmp(e->jump, 1);
}
void jpeg_note(j_common_ptr c, int level) {
    if (level >= 0) return;
    auto* e = reinterpret_cast<JpegErr*>(c->err);
    char text[JMSG_LENGTH_MAX];
    (*c->err->format_message)(c, text);
    e->r->warnings.push_back(text);
}
}  // namespace

ReadBack read_png_strictly(const fs::path& path) {
    ReadBack r;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return r;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r, png_fail, png_note);
    png_infop info = png_create_info_struct(png);
    std::vector<unsigned char> row;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        std::fclose(f);
        r.ok = false;
        return r;
    }
    png_init_io(png, f);
    png_read_info(png, info);
    r.channels = png_get_channels(png, info);
    r.bits = png_get_bit_depth(png, info);
    png_charp name = nullptr;
    int compression = 0;
    png_bytep profile = nullptr;
    png_uint_32 length = 0;
    if (png_get_iCCP(png, info, &name, &compression, &profile, &length)) {
        r.icc_name = name ? name : "";
        r.icc.assign(profile, profile + length);
    }
    row.resize(png_get_rowbytes(png, info));
    const int passes = png_set_interlace_handling(png);
    for (int p = 0; p < passes; ++p)
        for (png_uint_32 y = 0; y < png_get_image_height(png, info); ++y) png_read_row(png, row.data(), nullptr);
    png_read_end(png, info);
    png_destroy_read_struct(&png, &info, nullptr);
    std::fclose(f);
    r.ok = true;
    return r;
}

ReadBack read_jpeg_strictly(const fs::path& path) {
    ReadBack r;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return r;
    jpeg_decompress_struct c{};
    JpegErr err{};
    err.r = &r;
    c.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = jpeg_fail;
    err.pub.emit_message = jpeg_note;
    std::vector<unsigned char> row;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&c);
        std::fclose(f);
        return r;
    }
    jpeg_create_decompress(&c);
    jpeg_stdio_src(&c, f);
    jpeg_save_markers(&c, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&c, TRUE);
    JOCTET* icc = nullptr;
    unsigned int n = 0;
    if (jpeg_read_icc_profile(&c, &icc, &n)) r.icc.assign(icc, icc + n);
    std::free(icc);
    jpeg_start_decompress(&c);
    r.channels = c.output_components;
    r.bits = c.data_precision;
    row.resize(size_t(c.output_width) * size_t(c.output_components));
    while (c.output_scanline < c.output_height) {
        JSAMPROW p = row.data();
        jpeg_read_scanlines(&c, &p, 1);
    }
    jpeg_finish_decompress(&c);
    jpeg_destroy_decompress(&c);
    std::fclose(f);
    r.ok = true;
    return r;
}

}  // namespace fstack::test
