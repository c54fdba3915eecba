// SPDX-License-Identifier: GPL-3.0-or-later
// Frames from files, decoded on demand, checked against the first frame.
#include "fstack/frame_source.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/limits.hpp"
#include "io/raw_reader.hpp"

namespace fstack {

FileFrameSource::FileFrameSource(std::vector<std::filesystem::path> paths, Progress& progress)
    : paths_(std::move(paths)), progress_(progress), noted_(paths_.size(), false), decoded_(paths_.size(), false) {}

std::string FileFrameSource::frame_name(int index) const { return paths_.at(index).string(); }

void FileFrameSource::check_size(int index, cv::Size s, cv::Size first) const {
    if (s == first) return;
    const std::string sizes = "frame size " + std::to_string(s.width) + "x" + std::to_string(s.height) +
                              " differs from the first frame's " + std::to_string(first.width) + "x" +
                              std::to_string(first.height) + " (" + paths_[0].filename().string() + ")";
    if (!scale_mismatched_)
        throw Error(ErrorKind::Input, paths_[index].string(), index,
                    sizes + "; use --scale-mismatched to resize such frames to the first frame's size");
    const double aspect = double(s.width) / s.height, first_aspect = double(first.width) / first.height;
    if (std::abs(aspect / first_aspect - 1.0) > 0.02)
        throw Error(ErrorKind::Input, paths_[index].string(), index,
                    sizes + " and its aspect ratio too: not scaled (a rotated or cropped frame?)");
}

void FileFrameSource::validate() {
    cv::Size first;
    int raw = -1, other = -1;  // the first raw frame and the first other one
    for (int i = 0; i < size(); ++i) {
        const ImageInfo info = read_image_info(paths_[i], i);
        int& seen = info.format == FileFormat::Raw ? raw : other;
        if (seen < 0) seen = i;
        if (raw >= 0 && other >= 0 && !allow_mixed_) {
            const int later = std::max(raw, other);
            throw Error(ErrorKind::Input, paths_[size_t(later)].string(), later,
                        std::string(later == raw ? "a raw frame" : std::string("a ") + format_name(info.format) + " frame") +
                            " among " + (later == raw ? "JPEG/PNG/TIFF" : "raw") + " frames (" +
                            paths_[size_t(std::min(raw, other))].filename().string() +
                            "): their tone curves differ; use --allow-mixed to stack them anyway");
        }
        const cv::Size s(info.width, info.height);
        if (i == 0) {
            first = s;
            first_ = info;
        } else {
            check_size(i, s, first);
        }
    }
}

std::optional<ImageInfo> FileFrameSource::declared_format() const {
    if (!first_ && !paths_.empty()) {
        try {
            first_ = read_image_info(paths_[0], 0);
        } catch (const Error&) {
            return std::nullopt;
        }
    }
    return first_;
}

WriteOptions with_raw_profile(WriteOptions w, const FileFrameSource& frames) {
    if (frames.linear_light()) w.icc_profile = linear_srgb_icc_profile();
    return w;
}

cv::Mat FileFrameSource::frame(int index) {
    // The first frame sets the stack's size and format whichever frame is read first (the
    // frame actions start at the middle one).
    if (type_ < 0 && index != 0) frame(0);
    cv::Mat image;
    if (detail::is_raw_file(paths_.at(index))) {
        // The first frame's white balance for every frame: a stack keeps one colour and exposure.
        const bool reference = index == 0 && !std::any_of(raw_.multipliers.begin(), raw_.multipliers.end(),
                                                          [](float m) { return m > 0; });
        image = detail::read_raw(paths_[index], index, raw_, reference ? &raw_.multipliers : nullptr);
        if (index == 0) first_raw_ = true;
    } else {
        image = read_image(paths_.at(index), index, decoded_.at(index) ? null_progress() : progress_);
    }
    decoded_[index] = true;
    if (type_ < 0) {
        size_ = image.size();
        type_ = image.type();
        return image;
    }
    if (image.size() != size_) {
        check_size(index, image.size(), size_);
        if (!noted_[index])
            progress_.info(paths_[index].string() + ": resized from " + std::to_string(image.cols) + "x" +
                           std::to_string(image.rows) + " to the first frame's size");
        cv::Mat scaled;
        const bool shrink = image.cols > size_.width;
        cv::resize(image, scaled, size_, 0, 0, shrink ? cv::INTER_AREA : cv::INTER_CUBIC);
        image = scaled;
    }
    if (image.type() != type_) {
        if (!noted_[index])
            progress_.info(paths_[index].string() + ": converted to the first frame's bit depth and channels");
        image = convert_channels(convert_depth(image, CV_MAT_DEPTH(type_)), CV_MAT_CN(type_));
    }
    noted_[index] = true;
    return image;
}

}  // namespace fstack
