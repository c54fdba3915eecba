// SPDX-License-Identifier: GPL-3.0-or-later
// JPEG decoding with libjpeg-turbo directly, warnings reported once a frame.
#include "io/jpeg_reader.hpp"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>

#include <jpeglib.h>
#include <jerror.h>

#include "fstack/error.hpp"
#include "fstack/limits.hpp"
#include "io/colour.hpp"

namespace fstack {
namespace {

// A progressive JPEG may hold any number of scans, each a full pass over the coefficients: a
// few kilobytes of crafted scans keep a decoder busy for minutes. libjpeg-turbo's own tools cap
// them the same way (djpeg -maxscans); real encoders write at most a few dozen.
constexpr int kMaxScans = 1000;

struct ErrorManager {
    jpeg_error_mgr pub;  // first: libjpeg casts cinfo->err to this
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    std::vector<std::string>* harmless;  // wrapping warnings, reported once decoding is done
};

bool loses_pixels(int code) {
    switch (code) {
        case JWRN_ARITH_BAD_CODE:
        case JWRN_BOGUS_PROGRESSION:
        // Garbled scan data often decodes "fine" and ends with only this warning (found on a
        // frame with 64 scrambled bytes mid-scan): libjpeg lost sync and skipped the rest.
        case JWRN_EXTRANEOUS_DATA:
        case JWRN_HIT_MARKER:
        case JWRN_HUFF_BAD_CODE:
        case JWRN_JPEG_EOF:
        case JWRN_MUST_RESYNC:
        case JWRN_NOT_SEQUENTIAL:
        case JWRN_TOO_MUCH_DATA:
            return true;
        default:
            return false;
    }
}

[[noreturn]] void on_error(j_common_ptr cinfo) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
}

void on_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;  // trace messages
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    if (loses_pixels(cinfo->err->msg_code)) {
        // Stop at the first loss: the rest of the decode would be wasted work.
        (*cinfo->err->format_message)(cinfo, err->message);
        std::longjmp(err->jump, 1);
    }
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    if (err->harmless->size() < 8) err->harmless->push_back(text);
}

void on_progress(j_common_ptr cinfo) {
    auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
    if (d->input_scan_number > kMaxScans) {
        auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
        std::snprintf(err->message, sizeof err->message, "more than %d progressive scans", kMaxScans);
        std::longjmp(err->jump, 1);
    }
}

// Everything between setjmp and a longjmp back to it is C data or outlives the function
// (`image`, `icc`, `harmless` are owned by the caller): a longjmp skips no destructor.
bool decode(jpeg_decompress_struct& cinfo, ErrorManager& err, const std::vector<unsigned char>& bytes,
            const std::string& name, int frame_index, cv::Mat& image, std::vector<unsigned char>& icc) {
    if (setjmp(err.jump)) return false;
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);  // the ICC profile, for CMYK
    jpeg_read_header(&cinfo, TRUE);
    check_pixel_limit(cinfo.image_width, cinfo.image_height, name, frame_index);  // may throw: no longjmp pending
    const bool grey = cinfo.jpeg_color_space == JCS_GRAYSCALE;
    const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = grey ? JCS_GRAYSCALE : cmyk ? JCS_CMYK : JCS_EXT_BGR;
    if (cmyk) {
        JOCTET* profile = nullptr;
        unsigned int length = 0;
        if (jpeg_read_icc_profile(&cinfo, &profile, &length)) icc.assign(profile, profile + length);
        std::free(profile);
    }
    jpeg_start_decompress(&cinfo);
    image.create(static_cast<int>(cinfo.output_height), static_cast<int>(cinfo.output_width),
                 grey ? CV_8UC1 : cmyk ? CV_8UC4 : CV_8UC3);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW line = image.ptr(static_cast<int>(cinfo.output_scanline));
        jpeg_read_scanlines(&cinfo, &line, 1);
    }
    jpeg_finish_decompress(&cinfo);
    return true;
}

}  // namespace

cv::Mat decode_jpeg(const std::vector<unsigned char>& bytes, const std::string& name, int frame_index,
                    Progress& progress) {
    jpeg_decompress_struct cinfo{};
    ErrorManager err{};
    std::vector<std::string> harmless;
    err.harmless = &harmless;
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error;
    err.pub.emit_message = on_message;
    jpeg_progress_mgr monitor{};
    monitor.progress_monitor = on_progress;
    cinfo.progress = &monitor;

    cv::Mat image;
    std::vector<unsigned char> icc;
    bool ok = false;
    try {
        ok = decode(cinfo, err, bytes, name, frame_index, image, icc);
    } catch (...) {
        jpeg_destroy_decompress(&cinfo);
        throw;
    }
    const int code = err.pub.msg_code;
    jpeg_destroy_decompress(&cinfo);
    if (!ok && (code == JERR_BAD_PRECISION || code == JERR_SOF_UNSUPPORTED || code == JERR_ARITH_NOTIMPL))
        throw Error(ErrorKind::Input, name, frame_index,
                    std::string("unsupported: ") + err.message + " (a valid JPEG that fstack does not read)");
    if (!ok)
        throw Error(ErrorKind::Input, name, frame_index,
                    std::string("corrupt JPEG: ") + err.message + " (part of the picture is damaged)");
    // Adobe writes CMYK inverted (Photoshop's convention, which all readers follow).
    if (image.channels() == 4) image = detail::cmyk_to_bgr(image, icc, true);
    for (const std::string& w : harmless) progress.warn(name + ": JPEG: " + w + " (the picture itself is intact)");
    return image;
}

}  // namespace fstack
