// SPDX-License-Identifier: GPL-3.0-or-later
// Image writing: depth and channel conversions, and JPEG/PNG/TIFF files written atomically.
#include <tiffio.h>

#include <algorithm>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "base/checked_write.hpp"
#include "fstack/atomic_file.hpp"
#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/metadata.hpp"
#include "io/exiv2_support.hpp"
#include "io/image_encoders.hpp"

namespace fstack {

cv::Mat convert_depth(const cv::Mat& image, int depth) {
    if (image.depth() == depth) return image;
    cv::Mat out;
    if (depth == CV_8U && image.depth() == CV_16U) image.convertTo(out, CV_8U, 1.0 / 257.0);
    else if (depth == CV_16U && image.depth() == CV_8U) image.convertTo(out, CV_16U, 257.0);
    else if (depth == CV_32F) image.convertTo(out, CV_32F);
    else throw Error(ErrorKind::Internal, "unsupported depth conversion");
    return out;
}

cv::Mat convert_channels(const cv::Mat& image, int channels) {
    const int have = image.channels();
    if (have == channels) return image;
    cv::Mat out;
    if (have == 1 && channels == 3) cv::cvtColor(image, out, cv::COLOR_GRAY2BGR);
    else if (have == 1 && channels == 4) cv::cvtColor(image, out, cv::COLOR_GRAY2BGRA);
    else if (have == 3 && channels == 1) cv::cvtColor(image, out, cv::COLOR_BGR2GRAY);
    else if (have == 3 && channels == 4) cv::cvtColor(image, out, cv::COLOR_BGR2BGRA);
    else if (have == 4 && channels == 1) cv::cvtColor(image, out, cv::COLOR_BGRA2GRAY);
    else if (have == 4 && channels == 3) cv::cvtColor(image, out, cv::COLOR_BGRA2BGR);
    else throw Error(ErrorKind::Internal, "unsupported channel conversion");
    return out;
}

void write_image(const fs::path& path, const cv::Mat& image, const WriteOptions& options) {
    const FileFormat f = format_from_extension(path);
    if (f == FileFormat::Unknown)
        throw Error(ErrorKind::Usage, path.string(), -1,
                    "unknown output format: use a .jpg, .png or .tif file name");
    if (image.empty()) throw Error(ErrorKind::Internal, path.string(), -1, "empty image");
    cv::Mat pixels = image;
    std::vector<int> params;
    switch (f) {
        case FileFormat::Jpeg:
            pixels = convert_depth(pixels, CV_8U);
            if (pixels.channels() == 4) pixels = convert_channels(pixels, 3);  // JPEG has no alpha
            params = {cv::IMWRITE_JPEG_QUALITY, std::clamp(options.jpeg_quality, 0, 100)};
            break;
        default: break;
    }
    write_atomically(path, [&](const fs::path& tmp) {
        // TIFF by libtiff (ExtraSamples for alpha). JPEG and PNG are encoded in memory and
        // written by us: a full disk is reported with the system's words ("No space left on
        // device"). PNG by libpng: the iCCP chunk needs a profile name, which exiv2 keeps when
        // it rewrites the file (it leaves it empty on a PNG without one, and libpng rejects that).
        if (f == FileFormat::Tiff) {
            detail::write_tiff_file(tmp.string(), pixels, options.compress, path.string());
        } else if (f == FileFormat::Png) {
            write_bytes_checked(tmp,
                                detail::encode_png(pixels, options.compress ? 9 : 3,
                                                   detail::rgb_icc_profile_of(options.metadata_source), path.string()),
                                path.string());
        } else {
            std::vector<unsigned char> encoded;
            bool ok = false;
            try {
                ok = cv::imencode(".jpg", pixels, encoded, params);
            } catch (const cv::Exception& e) {
                throw Error(ErrorKind::Output, path.string(), -1, "cannot encode the image: " + e.err);
            }
            if (!ok) throw Error(ErrorKind::Output, path.string(), -1, "cannot encode the image");
            write_bytes_checked(tmp, encoded, path.string());
        }
        if (!options.metadata_source.empty()) copy_metadata(options.metadata_source, tmp, f != FileFormat::Png);
        if (!options.icc_profile.empty()) set_icc_profile(tmp, options.icc_profile);
    }, options.overwrite);
}

}  // namespace fstack
