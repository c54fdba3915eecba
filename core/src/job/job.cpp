// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/stack_frames.hpp"
#include "fstack/job.hpp"

#include "fstack/error.hpp"
#include "fstack/frame_source.hpp"

namespace fstack {
namespace fs = std::filesystem;

StackJob::StackJob(std::string name, fs::path working_path, fs::path input_path)
    : name_(std::move(name)), working_path_(std::move(working_path)), input_path_(std::move(input_path)) {}

void StackJob::add_action(std::unique_ptr<Action> action) { actions_.push_back(std::move(action)); }

void StackJob::run(Progress& progress) {
    std::error_code ec;
    if (!fs::is_directory(working_path_, ec))
        throw Error(ErrorKind::Input, working_path_.string(), -1, "the job's working folder does not exist");
    JobContext context{working_path_, input_path_, {}, &progress};
    for (auto& action : actions_) {
        progress.check_cancel();
        progress.info("job " + name_ + ": " + action->name());
        context.last_output_path = action->run(context);
    }
}

namespace {

fs::path resolve_input(const FocusStackOptions& o, const JobContext& c, const fs::path& working) {
    fs::path in = !o.input_path.empty() ? o.input_path
                  : !c.last_output_path.empty() ? c.last_output_path
                                                : c.job_input_path;
    if (in.empty())
        throw Error(ErrorKind::Usage, "no input path: give the job or its first action an input_path");
    return working / in;
}

// The file whose metadata goes into the outputs (the seed's exif_path rules).
fs::path resolve_metadata_source(const FocusStackOptions& o, const JobContext& c, const fs::path& working,
                                 const fs::path& fallback_frame, Progress& progress) {
    if (o.exif_path && o.exif_path->empty()) return {};
    if (!o.exif_path) {
        if (c.job_input_path.empty()) return fallback_frame;
        const auto frames = list_frames(working / c.job_input_path, progress);
        return frames.empty() ? fallback_frame : frames.front();
    }
    const fs::path p = working / *o.exif_path;
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
        const auto frames = list_frames(p, progress);
        if (frames.empty()) throw Error(ErrorKind::Input, p.string(), -1, "exif_path folder has no images");
        return frames.front();
    }
    if (!fs::exists(p, ec)) throw Error(ErrorKind::Input, p.string(), -1, "exif_path not found");
    return p;
}

fs::path output_file(const fs::path& dir, const fs::path& first_frame, const FocusStackOptions& o) {
    const std::string ext = o.output_extension.empty() ? first_frame.extension().string() : o.output_extension;
    return dir / (first_frame.stem().string() + o.postfix + ext);
}

void make_output_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw Error(ErrorKind::Output, dir.string(), -1, "cannot create the output folder: " + ec.message());
}

}  // namespace

FocusStack::FocusStack(std::string name, std::unique_ptr<Stacker> stacker, FocusStackOptions options)
    : name_(std::move(name)), stacker_(std::move(stacker)), options_(std::move(options)) {
    if (!stacker_) throw Error(ErrorKind::Usage, "FocusStack " + name_ + ": no stacker given");
}

FocusStack::Prepared FocusStack::prepare(JobContext& context) const {
    Progress& progress = *context.progress;
    Prepared p;
    p.working = options_.working_path.empty() ? context.working_path : options_.working_path;
    const fs::path input = resolve_input(options_, context, p.working);
    p.out_rel = options_.output_path.empty() ? fs::path(name_) : options_.output_path;
    p.frames = list_frames(input, progress);
    if (p.frames.empty())
        throw Error(ErrorKind::Input, input.string(), -1, "no JPEG, PNG or TIFF frames in this folder");
    FileFrameSource(p.frames, progress).validate();  // every header, before any work
    p.write = options_.write;
    p.write.metadata_source = resolve_metadata_source(options_, context, p.working, p.frames.front(), progress);
    p.out_dir = p.working / p.out_rel;
    make_output_dir(p.out_dir);
    return p;
}

fs::path FocusStack::run(JobContext& context) {
    Progress& progress = *context.progress;
    const Prepared p = prepare(context);
    FileFrameSource frames(p.frames, progress);
    const fs::path out = output_file(p.out_dir, p.frames.front(), options_);
    const StackResult result = stack_frames(*stacker_, frames, options_.denoise, progress);
    write_image(out, result.image, p.write);
    progress.info("wrote " + out.string());
    if (!options_.depth_map_path.empty())
        write_depth_map(p.working / options_.depth_map_path, result.depth_map, frames.size());
    return p.out_rel;
}

FocusStackBunch::FocusStackBunch(std::string name, std::unique_ptr<Stacker> stacker, int frames,
                                 int overlap, FocusStackOptions options)
    : FocusStack(std::move(name), std::move(stacker), std::move(options)), frames_(frames), overlap_(overlap) {
    bunch_ranges(0, frames_, overlap_);  // validates the parameters now, not after hours of work
}

fs::path FocusStackBunch::run(JobContext& context) {
    Progress& progress = *context.progress;
    const Prepared p = prepare(context);
    const std::vector<fs::path>& paths = p.frames;
    const WriteOptions& write = p.write;
    const fs::path& out_dir = p.out_dir;
    const auto ranges = bunch_ranges(static_cast<int>(paths.size()), frames_, overlap_);
    for (size_t b = 0; b < ranges.size(); ++b) {
        const FrameRange r = ranges[b];
        std::vector<fs::path> bunch(paths.begin() + r.begin, paths.begin() + r.end);
        const fs::path out = output_file(out_dir, bunch.front(), options_);
        progress.info("bunch " + std::to_string(b + 1) + "/" + std::to_string(ranges.size()) + ": frames " +
                      std::to_string(r.begin) + ".." + std::to_string(r.end - 1));
        FileFrameSource frames(bunch, progress);
        try {
            if (bunch.size() == 1) {
                progress.warn("the last bunch has one frame only (" + bunch.front().string() + "): written unchanged");
                write_image(out, frames.frame(0), write);
                continue;
            }
            const StackResult result = stack_frames(*stacker_, frames, options_.denoise, progress);
            write_image(out, result.image, write);
        } catch (const Error& e) {
            // The bunch's source counts from 0: report the frame's index in the whole folder.
            if (e.frame_index() < 0) throw;
            throw Error(e.kind(), e.file(), e.frame_index() + r.begin, e.reason());
        }
    }
    return p.out_rel;
}

}  // namespace fstack
