// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/frames.hpp"

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"

namespace fstack {

FileFrameSource::FileFrameSource(std::vector<std::filesystem::path> paths, Progress& progress)
    : paths_(std::move(paths)), progress_(progress), noted_(paths_.size(), false) {}

std::string FileFrameSource::frame_name(int index) const { return paths_.at(index).string(); }

void FileFrameSource::validate() {
    cv::Size first;
    for (int i = 0; i < size(); ++i) {
        const ImageInfo info = read_image_info(paths_[i], i);
        const cv::Size s(info.width, info.height);
        if (i == 0) first = s;
        else if (s != first)
            throw Error(ErrorKind::Input, paths_[i].string(), i,
                        "frame size " + std::to_string(s.width) + "x" + std::to_string(s.height) +
                            " differs from the first frame's " + std::to_string(first.width) + "x" +
                            std::to_string(first.height) + " (" + paths_[0].filename().string() + ")");
    }
}

cv::Mat FileFrameSource::frame(int index) {
    cv::Mat image = read_image(paths_.at(index), index);
    if (type_ < 0) {
        size_ = image.size();
        type_ = image.type();
        return image;
    }
    if (image.size() != size_)
        throw Error(ErrorKind::Input, paths_[index].string(), index,
                    "frame size " + std::to_string(image.cols) + "x" + std::to_string(image.rows) +
                        " differs from the first frame's " + std::to_string(size_.width) + "x" +
                        std::to_string(size_.height));
    if (image.type() != type_) {
        if (!noted_[index])
            progress_.info(paths_[index].string() + ": converted to the first frame's bit depth and channels");
        noted_[index] = true;
        image = convert_channels(convert_depth(image, CV_MAT_DEPTH(type_)), CV_MAT_CN(type_));
    }
    return image;
}

std::vector<FrameRange> bunch_ranges(int frame_count, int frames, int overlap) {
    if (frames < 1) throw Error(ErrorKind::Usage, "bunch size (frames) must be at least 1");
    if (overlap < 0 || overlap >= frames)
        throw Error(ErrorKind::Usage, "overlap must be at least 0 and less than the bunch size (" +
                                          std::to_string(frames) + ")");
    std::vector<FrameRange> ranges;
    const int step = frames - overlap;
    for (int begin = 0; begin < frame_count; begin += step) {
        const int end = std::min(begin + frames, frame_count);
        ranges.push_back({begin, end});
        if (end == frame_count) break;
    }
    return ranges;
}

}  // namespace fstack
