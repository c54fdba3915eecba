// SPDX-License-Identifier: GPL-3.0-or-later
// The seed's Actions job action: frame actions on a folder, the results written to another.
#include "fstack/actions.hpp"

#include "fstack/error.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/image_io.hpp"
#include "fstack/stack_frames.hpp"

namespace fstack {
namespace fs = std::filesystem;

Actions::Actions(std::string name, std::vector<std::unique_ptr<FrameAction>> actions, ActionsOptions options)
    : name_(std::move(name)), actions_(std::move(actions)), options_(std::move(options)) {
    if (options_.resample < 1) throw Error(ErrorKind::Usage, "Actions " + name_ + ": resample must be at least 1");
    for (const auto& a : actions_)
        if (!a) throw Error(ErrorKind::Usage, "Actions " + name_ + ": empty frame action");
}

ActionPaths Actions::paths(const JobContext& context) const {
    ActionPaths p;
    p.label = "Actions '" + name_ + "'";
    const fs::path working = context.working(options_.working_path);
    p.inputs = {working / context.input(options_.input_path, p.label)};
    p.out_rel = options_.output_path.empty() ? fs::path(name_) : options_.output_path;
    p.output_folders = {working / p.out_rel};
    // Plots in an input folder would be taken for frames by the next run.
    if (!options_.plot_path.empty()) p.output_folders.push_back(working / options_.plot_path);
    return p;
}

std::vector<fs::path> Actions::frames_of(const fs::path& input, Progress& progress) const {
    const auto all = list_frames(input, progress);
    std::vector<fs::path> paths;
    for (size_t i = 0; i < all.size(); i += static_cast<size_t>(options_.resample)) paths.push_back(all[i]);
    return paths;
}

std::vector<fs::path> Actions::output_files(const JobContext& context) const {
    const ActionPaths p = paths(context);
    std::vector<fs::path> out;
    for (const fs::path& f : frames_of(p.inputs.front(), null_progress()))
        out.push_back(p.output_folders.front() / f.filename());
    return out;
}

fs::path Actions::run(JobContext& context) {
    Progress& progress = *context.progress;
    const ActionPaths ap = this->paths(context);
    const fs::path working = context.working(options_.working_path);
    const fs::path &input = ap.inputs.front(), &out_dir = ap.output_folders.front();
    const std::vector<fs::path> paths = frames_of(input, progress);
    if (paths.empty()) throw Error(ErrorKind::Input, input.string(), -1, "no JPEG, PNG or TIFF frames in this folder");
    FileFrameSource frames(paths, progress);
    frames.validate();
    context.check_outputs(ap.label, ap.inputs, ap.output_folders, output_files(context));
    JobContext::make_output_folder(out_dir);

    std::vector<std::unique_ptr<FrameAction>> fresh;
    for (const auto& a : actions_) fresh.push_back(a->clone());
    FramePipelineOptions po;
    po.ref_idx = options_.ref_idx;
    po.step_process = options_.step_process;
    po.plot_path = options_.plot_path.empty() ? fs::path() : working / options_.plot_path;
    po.working_path = working;
    ProcessedFrameSource processed(frames, std::move(fresh), po, progress);
    processed.prepare([&](int index, const cv::Mat& frame) {
        WriteOptions w;
        w.overwrite = context.overwrite;
        w.metadata_source = paths[static_cast<size_t>(index)];
        write_image(out_dir / paths[static_cast<size_t>(index)].filename(), frame, w);
    });
    progress.info("Actions " + name_ + ": wrote " + std::to_string(paths.size()) + " frames to " + out_dir.string());
    return ap.out_rel;
}

}  // namespace fstack
