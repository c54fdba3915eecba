// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/progress.hpp"

namespace fstack {

namespace fs = std::filesystem;

// Raw: a camera raw or DNG file (io/raw_reader.cpp), read only.
enum class FileFormat { Unknown, Jpeg, Png, Tiff, Raw };

// Detects the format from the first bytes of the file (not from its name).
FileFormat sniff_format(const fs::path& path);
FileFormat format_from_extension(const fs::path& path);
const char* format_name(FileFormat f);

// Reads a JPEG, PNG or TIFF, 8- or 16-bit, grey, RGB or RGBA, or a camera raw/DNG, by content
// (a raw is developed with the default RawOptions, sRGB-encoded 16-bit BGR; FileFrameSource
// develops a stack's raw frames with its own RawOptions). The result is BGR(A)
// or grey, CV_8U or CV_16U, with the EXIF orientation applied. Throws Error(Input) naming the
// file and the reason (missing, not an image, corrupt, truncated, unsupported depth, more
// pixels than max_pixels() in limits.hpp). Warnings that leave the pixels intact (a JPEG's
// unknown JFIF revision, say) go to `progress`.
cv::Mat read_image(const fs::path& path, int frame_index = -1, Progress& progress = null_progress());
// The same from bytes in memory; `name` is what errors and warnings call the image.
cv::Mat decode_image(const std::vector<unsigned char>& bytes, const std::string& name,
                     int frame_index = -1, Progress& progress = null_progress());

// Width, height, channels and depth without decoding the pixels. Throws Error(Input) for the
// same reasons as read_image where the header tells (so a decompression bomb is refused here).
struct ImageInfo {
    int width = 0, height = 0, channels = 0, depth = CV_8U;
    FileFormat format = FileFormat::Unknown;
};
ImageInfo read_image_info(const fs::path& path, int frame_index = -1);

// "frame_2" < "frame_10": digit runs compare as numbers, the rest case-insensitively.
bool natural_less(const std::string& a, const std::string& b);

// The image files of a folder in natural order. Files that are not JPEG/PNG/TIFF by content
// (sidecars, thumbnails, text) are skipped with a warning through `progress`.
// Throws Error(Input) if the folder does not exist or cannot be read.
std::vector<fs::path> list_frames(const fs::path& dir, Progress& progress = null_progress());

// Expands a command-line style list: folders become their frames, files are kept in order.
std::vector<fs::path> expand_inputs(const std::vector<fs::path>& inputs,
                                    Progress& progress = null_progress());

struct WriteOptions {
    int jpeg_quality = 95;     // 0..100
    bool compress = false;     // TIFF: deflate; PNG: higher zlib level
    // Copy EXIF, XMP and the ICC profile from this file (empty: none).
    fs::path metadata_source;
    // Replace an existing file (the CLI asks for --overwrite; the job API always replaces).
    bool overwrite = true;
    // Embed this ICC profile instead of the source's (linear-light results of raw frames).
    std::vector<unsigned char> icc_profile;
};

// Writes an 8- or 16-bit grey/BGR/BGRA image as JPEG, PNG or TIFF (format from the extension;
// JPEG gets 8-bit, converted with a warning-free scale). The file is written to a temporary file
// in the target folder and renamed when complete, so a failure leaves no partial file.
// Throws Error(Output) naming the file and the reason.
void write_image(const fs::path& path, const cv::Mat& image, const WriteOptions& options = {});

// Converts between CV_8U and CV_16U (scale 257), keeping the channels.
cv::Mat convert_depth(const cv::Mat& image, int depth);
// Brings `image` to `channels` (1, 3 or 4) channels.
cv::Mat convert_channels(const cv::Mat& image, int channels);

}  // namespace fstack
