// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/frame_action.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/job.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

// Hot (or dead) pixels: where the mean of all frames differs from its own median blur by more
// than the channel's threshold. Maps are CV_8U, 255 = noisy.
struct NoiseMaps {
    cv::Mat rgb, r, g, b;
    // Noisy pixels per channel (R, G, B) for thresholds 1..kMaxCountThreshold (8-bit units).
    std::array<std::vector<int>, 3> counts;
};
constexpr int kMaxCountThreshold = 50;

// Thresholds in 8-bit code values (R, G, B), scaled by 257 for 16-bit frames; blur_size is the
// (odd) median window. Reads the frames once, one at a time.
NoiseMaps detect_noise(FrameSource& frames, std::array<int, 3> channel_thresholds = {13, 13, 13},
                       int blur_size = 5, Progress& progress = null_progress());

struct NoiseDetectionOptions {
    std::vector<std::filesystem::path> input_path;  // one or more folders; default: previous output
    std::filesystem::path output_path;              // default: the action's name
    std::filesystem::path working_path;             // default: the job's
    std::filesystem::path plot_path = "plots";
    std::array<int, 3> channel_thresholds{13, 13, 13};
    int blur_size = 5;
    std::string file_name = "hot";
};

void check_noise_detection_options(const NoiseDetectionOptions& options);

// Writes the four maps to <file_name>-rgb.png, -r.png, -g.png, -b.png in `dir`, and the plot of
// noisy pixel counts against the threshold to `plot_dir` (if not empty).
// Without `overwrite` an existing map is refused (Error(Output)).
void write_noise_maps(const NoiseMaps& maps, const std::filesystem::path& dir, const std::string& file_name,
                      const std::filesystem::path& plot_dir = {}, bool overwrite = true);
// The four maps' paths in `dir`.
std::vector<std::filesystem::path> noise_map_files(const std::filesystem::path& dir, const std::string& file_name);

// The seed's NoiseDetection(name="noise-map", ...): the job action around detect_noise.
class NoiseDetection : public Action {
public:
    explicit NoiseDetection(std::string name = "noise-map", NoiseDetectionOptions options = {});
    std::string name() const override { return name_; }
    std::filesystem::path run(JobContext& context) override;
    ActionPaths paths(const JobContext& context) const override;
    std::vector<std::filesystem::path> output_files(const JobContext& context) const override;

private:
    std::string name_;
    NoiseDetectionOptions options_;
};

}  // namespace fstack
