// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fstack/image_io.hpp"
#include "fstack/progress.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

// The OpenScan stacker (the seed's FocusStacker(radius, smoothing, scale_factor)).
//
// Every frame is first supersampled by `scale_factor` (cubic). On its luma, the focus measure
// is the local variance of the 3x3 Laplacian over a (2 radius + 1)^2 box, and that focus map
// is smoothed with a Gaussian of sigma `smoothing`. Pass 1 keeps, per pixel, the frame of the
// highest smoothed measure (the depth map); pass 2 blends the supersampled frames with their
// one-hot masks smoothed by the same Gaussian, and the blend is brought back to the input size
// with area averaging. `radius` and `smoothing` are in input pixels: they are multiplied by
// `scale_factor` inside, so that the scale changes how finely the seams are placed, not how
// much of the image a window covers.
//
// In the seed, radius and smoothing were accepted and ignored; here both change the result.
// Memory: a few float buffers of the supersampled size (scale_factor^2 x the frame), whatever
// the number of frames.
struct FocusStackerOptions {
    int radius = 8;        // 1..20
    int smoothing = 4;     // 1..10
    int scale_factor = 2;  // 1..4
};

class FocusStacker : public Stacker {
public:
    explicit FocusStacker(FocusStackerOptions options = {});
    // The seed's constructor: FocusStacker(radius=8, smoothing=4, scale_factor=2).
    FocusStacker(int radius, int smoothing = 4, int scale_factor = 2);

    std::string name() const override { return "focusmeasure"; }
    void begin(int frame_count) override;
    int passes() const override { return 2; }
    cv::Mat finish() override;
    std::unique_ptr<Stacker> clone() const override;
    const FocusStackerOptions& options() const { return options_; }

    // The smoothed focus map of one frame (float, grey, at the supersampled size), exposed for
    // tests and the GIMP front end.
    cv::Mat focus_measure(const cv::Mat& frame) const;

    // The seed's process_stack(paths): reads the files in the order given and stacks them.
    // Throws Error(Input) naming the file for a missing, corrupt or mismatched frame.
    cv::Mat process_stack(const std::vector<std::filesystem::path>& paths,
                          Progress& progress = null_progress());
    // The seed's save_image(image, path): format from the extension, same bit depth (JPEG: 8).
    static void save_image(const cv::Mat& image, const std::filesystem::path& path,
                           const WriteOptions& options = {});

protected:
    void add_frame(const cv::Mat& frame, int index) override;

private:
    cv::Mat supersample(const cv::Mat& frame) const;
    cv::Mat measure(const cv::Mat& supersampled) const;

    FocusStackerOptions options_;
    cv::Mat best_measure_;   // pass 1: highest smoothed focus measure so far
    cv::Mat index_map_;      // pass 1: its frame index, CV_16U, supersampled size
    cv::Mat acc_, weight_sum_;
};

// The seed's split_into_stacks(paths, stack_size): the paths in natural order of their file
// names ("scan_2" before "scan_10"), cut into consecutive groups of `stack_size`.
//
// A count that is not a multiple of `stack_size` throws Error(Input) by default: in a scanner
// run it means a frame is missing or extra, and every group after that point would mix two
// positions, silently. With `keep_partial`, the short last group is kept and a warning is
// logged instead. Throws Error(Usage) if stack_size < 1.
std::vector<std::vector<std::filesystem::path>> split_into_stacks(
    std::vector<std::filesystem::path> paths, int stack_size, bool keep_partial = false,
    Progress& progress = null_progress());

}  // namespace fstack
