// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fstack/frame_action.hpp"
#include "fstack/frame_pipeline.hpp"
#include "fstack/job.hpp"

namespace fstack {

struct ActionsOptions {
    std::filesystem::path input_path;    // relative to working_path; default: previous output
    std::filesystem::path output_path;   // default: the action's name
    std::filesystem::path working_path;  // default: the job's
    std::filesystem::path plot_path = "plots";  // relative to working_path
    int resample = 1;                    // take every n-th frame
    std::optional<int> ref_idx;          // index among the (resampled) frames; default: middle
    bool step_process = true;
};

// The seed's Actions(name, actions=[...]): runs its frame actions in cascade on every frame of
// a folder and writes the results, with the same file names and metadata, to output_path.
class Actions : public Action {
public:
    Actions(std::string name, std::vector<std::unique_ptr<FrameAction>> actions,
            ActionsOptions options = {});
    std::string name() const override { return name_; }
    std::filesystem::path run(JobContext& context) override;
    ActionPaths paths(const JobContext& context) const override;
    std::vector<std::filesystem::path> output_files(const JobContext& context) const override;

private:
    // The frames of `input` it processes (every resample-th).
    std::vector<std::filesystem::path> frames_of(const std::filesystem::path& input, Progress& progress) const;

    std::string name_;
    std::vector<std::unique_ptr<FrameAction>> actions_;
    ActionsOptions options_;
};

}  // namespace fstack
