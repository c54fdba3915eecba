// SPDX-License-Identifier: GPL-3.0-or-later
// Camera raw and DNG frames through LibRaw (Debian's libraw-dev, thread-safe libraw_r).
//
// What a frame goes through, the same for every frame of a stack:
// - white balance: the camera's "as shot" multipliers (DNG AsShotNeutral, the makers' tags),
//   daylight (the multipliers LibRaw derives from the colour matrix, D65) or LibRaw's grey-world
//   auto; FileFrameSource passes the first frame's multipliers on to the others;
// - scaling: black level to 0, the sensor's white level times the smallest multiplier to 65535,
//   never brightened from the histogram (no_auto_bright) nor from the frame's brightest value
//   (adjust_maximum_thr 0), then 2^exposure_ev;
// - highlights: clipped at the white level after white balance (highlight mode 0), so that a
//   clipped pixel is white, never magenta;
// - demosaic: AHD (user_qual 3);
// - colour: the camera matrix (the DNG ColorMatrix or LibRaw's table) to Rec.709/sRGB primaries
//   (output_color 1), linear (gamma 1/1); Srgb then applies the sRGB curve to the 16-bit values.
#include "io/raw_reader.hpp"

#include <lcms2.h>
#include <libraw/libraw.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/limits.hpp"
#include "fstack/kernels/image/srgb.hpp"

namespace fstack {
namespace {

// Reads n bytes at offset into dst; false past the end.
using ReadAt = std::function<bool(std::uint64_t offset, unsigned char* dst, size_t n)>;

bool magic_says_raw(const unsigned char* b, size_t n) {
    auto at = [&](size_t off, const char* s, size_t len) { return n >= off + len && std::memcmp(b + off, s, len) == 0; };
    return at(4, "ftypcrx ", 8)                           // Canon CR3
           || at(0, "FUJIFILM", 8)                        // Fujifilm RAF
           || at(0, "IIRO", 4) || at(0, "IIRS", 4) || at(0, "MMOR", 4)  // Olympus ORF
           || at(0, "IIU\0", 4)                           // Panasonic RW2
           || (at(0, "II", 2) && at(6, "HEAPCCDR", 8))    // Canon CRW
           || at(0, "\0MRM", 4)                           // Minolta MRW
           || at(0, "FOVb", 4);                           // Sigma X3F
}

// A TIFF-based raw: a DNGVersion tag, or an image directory (IFD0, the next ones, their
// SubIFDs) holding CFA or linear-raw data, or Canon's "CR" mark (CR2).
bool tiff_says_raw(const ReadAt& read) {
    unsigned char h[10];
    if (!read(0, h, sizeof h)) return false;
    const bool le = h[0] == 'I';
    if (!((le && h[1] == 'I' && h[2] == 42 && h[3] == 0) || (!le && h[0] == 'M' && h[1] == 'M' && h[2] == 0 && h[3] == 42)))
        return false;
    if (h[8] == 'C' && h[9] == 'R') return true;
    auto u16 = [le](const unsigned char* p) { return le ? unsigned(p[0] | p[1] << 8) : unsigned(p[0] << 8 | p[1]); };
    auto u32 = [le](const unsigned char* p) {
        return le ? std::uint32_t(p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t(p[3]) << 24)
                  : std::uint32_t(std::uint32_t(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3]);
    };
    std::vector<std::uint32_t> todo{u32(h + 4)};
    int visited = 0;
    while (!todo.empty() && visited < 16) {
        const std::uint32_t off = todo.back();
        todo.pop_back();
        ++visited;
        unsigned char c[2];
        if (off < 8 || !read(off, c, 2)) continue;
        const unsigned count = u16(c);
        if (count == 0 || count > 512) continue;
        std::vector<unsigned char> e(size_t(count) * 12 + 4);
        if (!read(std::uint64_t(off) + 2, e.data(), e.size())) continue;
        for (unsigned i = 0; i < count; ++i) {
            const unsigned char* p = &e[size_t(i) * 12];
            const unsigned tag = u16(p), type = u16(p + 2);
            const std::uint32_t n = u32(p + 4);
            if (tag == 50706 || tag == 33422) return true;  // DNGVersion, TIFF/EP CFAPattern
            if (tag == 262) {
                const unsigned photometric = type == 3 ? u16(p + 8) : u32(p + 8);
                if (photometric == 32803 || photometric == 34892) return true;  // CFA, LinearRaw
            }
            if (tag == 330 && (type == 4 || type == 13) && n >= 1) {  // SubIFDs
                if (n == 1) {
                    todo.push_back(u32(p + 8));
                } else {
                    std::vector<unsigned char> offs(size_t(std::min<std::uint32_t>(n, 8)) * 4);
                    if (read(u32(p + 8), offs.data(), offs.size()))
                        for (size_t k = 0; k < offs.size(); k += 4) todo.push_back(u32(&offs[k]));
                }
            }
        }
        if (const std::uint32_t next = u32(&e[size_t(count) * 12]); next != 0) todo.push_back(next);
    }
    return false;
}

Error libraw_error(const std::string& name, int frame_index, int rc) {
    return Error(ErrorKind::Input, name, frame_index,
                 std::string("cannot develop the raw file: ") + libraw_strerror(rc) + " (LibRaw)");
}

// LibRaw reports damaged raw data (a short read, a bad byte) through this callback, prints it to
// stderr by default and carries on with zeros: we record it and refuse the frame.
struct DataError {
    bool seen = false;
    long long offset = 0;  // -1: the end of the file
};
void record_data_error(void* data, const char*, const int offset) {
    auto* e = static_cast<DataError*>(data);
    if (!e->seen) e->offset = offset;
    e->seen = true;
}

std::unique_ptr<LibRaw> make_libraw(DataError* errors) {
    auto raw = std::make_unique<LibRaw>(LIBRAW_OPTIONS_NONE);
    raw->set_dataerror_handler(record_data_error, errors);
    return raw;
}

// `rc`: LibRaw's return code, LIBRAW_SUCCESS where it carried on regardless.
void check_data(const DataError& e, int rc, const std::string& name, int frame_index) {
    if (!e.seen) return;
    throw Error(ErrorKind::Input, name, frame_index,
                std::string("cannot develop the raw file: ") + libraw_strerror(rc == LIBRAW_SUCCESS ? LIBRAW_IO_ERROR : rc) +
                    (e.offset < 0 ? " (LibRaw: unexpected end of file; was it fully copied?)"
                                  : " (LibRaw: damaged raw data at byte " + std::to_string(e.offset) + ")"));
}

// Opens the file or buffer and checks the size against the pixel limit.
void open_checked(LibRaw& raw, int rc, const std::string& name, int frame_index) {
    if (rc != LIBRAW_SUCCESS) throw libraw_error(name, frame_index, rc);
    const auto& s = raw.imgdata.sizes;
    if (s.raw_width == 0 || s.raw_height == 0 || s.width == 0 || s.height == 0)
        throw Error(ErrorKind::Input, name, frame_index, "cannot develop the raw file: no raw image in it (LibRaw)");
    check_pixel_limit(std::max(s.raw_width, s.width), std::max(s.raw_height, s.height), name, frame_index);
}

// 16-bit linear to the sRGB curve.
const std::vector<unsigned short>& srgb_lut() {
    static const std::vector<unsigned short> lut = [] {
        std::vector<unsigned short> l(65536);
        for (int i = 0; i < 65536; ++i) {
            const double v = i / 65535.0;
            const double e = kernels::srgb_encode(v);
            l[size_t(i)] = static_cast<unsigned short>(std::lround(std::clamp(e, 0.0, 1.0) * 65535.0));
        }
        return l;
    }();
    return lut;
}

}  // namespace

namespace detail {

bool is_raw_bytes(const std::vector<unsigned char>& b) {
    if (magic_says_raw(b.data(), b.size())) return true;
    return tiff_says_raw([&b](std::uint64_t off, unsigned char* dst, size_t n) {
        if (off > b.size() || n > b.size() - off) return false;
        std::memcpy(dst, b.data() + off, n);
        return true;
    });
}

bool is_raw_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    unsigned char head[16] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    if (magic_says_raw(head, static_cast<size_t>(in.gcount()))) return true;
    return tiff_says_raw([&in](std::uint64_t off, unsigned char* dst, size_t n) {
        in.clear();
        in.seekg(static_cast<std::streamoff>(off));
        in.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(n));
        return in.good() || static_cast<size_t>(in.gcount()) == n;
    });
}

ImageInfo raw_info(const std::filesystem::path& path, int frame_index) {
    DataError errors;
    auto raw = make_libraw(&errors);
    open_checked(*raw, raw->open_file(path.c_str()), path.string(), frame_index);
    raw->adjust_sizes_info_only();  // the size after rotation (and Fuji's 45 degrees)
    ImageInfo info;
    info.width = raw->imgdata.sizes.iwidth;
    info.height = raw->imgdata.sizes.iheight;
    if (raw->imgdata.sizes.flip & 4) std::swap(info.width, info.height);
    info.channels = 3;
    info.depth = CV_16U;
    info.format = FileFormat::Raw;
    return info;
}

namespace {

// Opens with `open` (a file or a buffer), develops and converts as the file comment says.
cv::Mat develop(const std::function<int(LibRaw&)>& open, const std::string& name, int frame_index,
                const RawOptions& o, std::array<float, 4>* used) {
    DataError errors;
    auto raw = make_libraw(&errors);
    auto& p = raw->imgdata.params;
    p.output_bps = 16;
    p.no_auto_bright = 1;
    // LibRaw takes the frame's own brightest value for the white level when it is over 75% of
    // the declared one (adjust_maximum_thr): a per-frame brightening, off.
    p.adjust_maximum_thr = 0;
    p.user_qual = 3;  // AHD
    p.output_color = 1;  // sRGB / Rec.709 primaries
    p.gamm[0] = 1.0;  // linear: the sRGB curve, if asked for, is applied below
    p.gamm[1] = 1.0;
    p.highlight = 0;  // clip: a clipped pixel is white
    p.use_camera_matrix = 1;
    p.use_camera_wb = o.white_balance == RawWhiteBalance::AsShot ? 1 : 0;
    p.use_auto_wb = o.white_balance == RawWhiteBalance::Auto ? 1 : 0;
    const bool given = std::any_of(o.multipliers.begin(), o.multipliers.end(), [](float m) { return m > 0; });
    if (given) {
        std::copy(o.multipliers.begin(), o.multipliers.end(), p.user_mul);
        p.use_camera_wb = p.use_auto_wb = 0;
    }
    open_checked(*raw, open(*raw), name, frame_index);
    const int unpacked = raw->unpack();
    check_data(errors, unpacked, name, frame_index);
    if (unpacked != LIBRAW_SUCCESS) throw libraw_error(name, frame_index, unpacked);
    if (int rc = raw->dcraw_process(); rc != LIBRAW_SUCCESS) throw libraw_error(name, frame_index, rc);
    int rc = LIBRAW_SUCCESS;
    std::unique_ptr<libraw_processed_image_t, void (*)(libraw_processed_image_t*)> img(
        raw->dcraw_make_mem_image(&rc), [](libraw_processed_image_t* i) { LibRaw::dcraw_clear_mem(i); });
    if (!img || rc != LIBRAW_SUCCESS) throw libraw_error(name, frame_index, rc != LIBRAW_SUCCESS ? rc : LIBRAW_UNSPECIFIED_ERROR);
    if (img->type != LIBRAW_IMAGE_BITMAP || img->bits != 16 || (img->colors != 3 && img->colors != 1))
        throw Error(ErrorKind::Input, name, frame_index, "cannot develop the raw file: unexpected LibRaw output");
    if (used) {
        for (int c = 0; c < 4; ++c) (*used)[size_t(c)] = raw->imgdata.color.pre_mul[c];
        if ((*used)[3] == 0) (*used)[3] = (*used)[1];
    }
    const cv::Mat wrapped(img->height, img->width, CV_16UC(img->colors), img->data);
    cv::Mat bgr;
    if (img->colors == 3) cv::cvtColor(wrapped, bgr, cv::COLOR_RGB2BGR);
    else cv::cvtColor(wrapped, bgr, cv::COLOR_GRAY2BGR);  // monochrome sensors
    img.reset();
    raw.reset();
    if (o.exposure_ev != 0) bgr.convertTo(bgr, CV_16U, std::exp2(o.exposure_ev));  // saturates at 65535
    const RawSpace space = o.space == RawSpace::Auto ? RawSpace::Srgb : o.space;
    if (space == RawSpace::Srgb) {
        const auto& lut = srgb_lut();
        bgr.forEach<cv::Vec3w>([&lut](cv::Vec3w& px, const int*) {
            for (int c = 0; c < 3; ++c) px[c] = lut[px[c]];
        });
    }
    return bgr;
}

}  // namespace

cv::Mat decode_raw(const std::vector<unsigned char>& bytes, const std::string& name, int frame_index,
                   const RawOptions& o, std::array<float, 4>* used) {
    return develop([&bytes](LibRaw& raw) { return raw.open_buffer(const_cast<unsigned char*>(bytes.data()), bytes.size()); },
                   name, frame_index, o, used);
}

cv::Mat read_raw(const std::filesystem::path& path, int frame_index, const RawOptions& o, std::array<float, 4>* used) {
    return develop([&path](LibRaw& raw) { return raw.open_file(path.c_str()); }, path.string(), frame_index, o, used);
}

}  // namespace detail

RawSpace resolve_raw_space(RawSpace space, const std::filesystem::path& output) {
    if (space != RawSpace::Auto) return space;
    return format_from_extension(output) == FileFormat::Tiff ? RawSpace::Linear : RawSpace::Srgb;
}

RawWhiteBalance parse_raw_white_balance(const std::string& t, const std::string& what) {
    if (t == "as-shot") return RawWhiteBalance::AsShot;
    if (t == "daylight") return RawWhiteBalance::Daylight;
    if (t == "auto") return RawWhiteBalance::Auto;
    throw Error(ErrorKind::Usage, what + ": \"" + t + "\" is not one of as-shot, daylight, auto");
}

RawSpace parse_raw_space(const std::string& t, const std::string& what) {
    if (t == "linear") return RawSpace::Linear;
    if (t == "srgb") return RawSpace::Srgb;
    if (t == "auto") return RawSpace::Auto;
    throw Error(ErrorKind::Usage, what + ": \"" + t + "\" is not one of linear, srgb, auto");
}

const std::vector<unsigned char>& linear_srgb_icc_profile() {
    static const std::vector<unsigned char> icc = [] {
        cmsCIExyY d65{0.3127, 0.3290, 1.0};
        cmsCIExyYTRIPLE primaries{{0.64, 0.33, 1.0}, {0.30, 0.60, 1.0}, {0.15, 0.06, 1.0}};
        cmsToneCurve* linear = cmsBuildGamma(nullptr, 1.0);
        cmsToneCurve* curves[3] = {linear, linear, linear};
        cmsHPROFILE h = cmsCreateRGBProfile(&d65, &primaries, curves);
        cmsFreeToneCurve(linear);
        std::vector<unsigned char> out;
        if (!h) return out;
        cmsSetProfileVersion(h, 2.1);
        cmsMLU* desc = cmsMLUalloc(nullptr, 1);
        cmsMLUsetASCII(desc, "en", "US", "Linear sRGB (fstack)");
        cmsWriteTag(h, cmsSigProfileDescriptionTag, desc);
        cmsMLUfree(desc);
        cmsUInt32Number size = 0;
        if (cmsSaveProfileToMem(h, nullptr, &size) && size > 0) {
            out.resize(size);
            if (!cmsSaveProfileToMem(h, out.data(), &size)) out.clear();
        }
        cmsCloseProfile(h);
        return out;
    }();
    return icc;
}

}  // namespace fstack
