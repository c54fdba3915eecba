// SPDX-License-Identifier: GPL-3.0-or-later
// StackJob, the seed's path rules (JobContext), FocusStack and FocusStackBunch.
#include "fstack/job.hpp"

#include "fstack/stack_frames.hpp"

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

fs::path JobContext::working(const fs::path& own) const { return own.empty() ? working_path : own; }

std::vector<fs::path> JobContext::inputs(const std::vector<fs::path>& own, const std::string& action) const {
    if (!own.empty()) return own;
    const fs::path in = !last_output_path.empty() ? last_output_path : job_input_path;
    if (in.empty())
        throw Error(ErrorKind::Usage, action + ": no input path: give the job or this action an input_path");
    return {in};
}

fs::path JobContext::input(const fs::path& own, const std::string& action) const {
    return inputs(own.empty() ? std::vector<fs::path>{} : std::vector<fs::path>{own}, action).front();
}

void JobContext::make_output_folder(const fs::path& dir, const std::vector<fs::path>& inputs, const std::string& action) {
    std::error_code ec;
    if (fs::exists(dir, ec))
        for (const fs::path& in : inputs)
            if (fs::equivalent(dir, in, ec))
            throw Error(ErrorKind::Usage, dir.string(), -1,
                            action + ": output_path is an input folder; the job would write over its own frames");
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir, ec))
        throw Error(ErrorKind::Output, dir.string(), -1, "cannot create the output folder" +
                                                             (ec ? ": " + ec.message() : std::string()));
}

namespace {

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
    std::string ext = o.output_extension.empty() ? first_frame.extension().string() : o.output_extension;
    // Raw frames (.dng, .cr2, ...) give a TIFF: fstack writes no raw files.
    if (o.output_extension.empty() && format_from_extension(first_frame) == FileFormat::Unknown &&
        sniff_format(first_frame) == FileFormat::Raw)
        ext = ".tif";
    return bunch_output(dir, first_frame, o.postfix, ext);
}

// The frames of a stack, raw ones developed as the options say for the result `out`.
FileFrameSource raw_source(const std::vector<fs::path>& frames, const fs::path& out, const FocusStackOptions& o,
                           Progress& progress) {
    FileFrameSource source(frames, progress);
    RawOptions raw = o.raw;
    raw.space = resolve_raw_space(raw.space, out);
    source.set_raw_options(raw);
    source.set_allow_mixed(o.allow_mixed);
    return source;
}



}  // namespace

FocusStack::FocusStack(std::string name, std::unique_ptr<Stacker> stacker, FocusStackOptions options)
    : name_(std::move(name)), stacker_(std::move(stacker)), options_(std::move(options)) {
    if (!stacker_) throw Error(ErrorKind::Usage, "FocusStack " + name_ + ": no stacker given");
}

FocusStack::Prepared FocusStack::prepare(JobContext& context) const {
    Progress& progress = *context.progress;
    Prepared p;
    p.working = context.working(options_.working_path);
    const fs::path input = p.working / context.input(options_.input_path, "FocusStack " + name_);
    p.out_rel = options_.output_path.empty() ? fs::path(name_) : options_.output_path;
    p.frames = list_frames(input, progress);
    if (p.frames.empty())
        throw Error(ErrorKind::Input, input.string(), -1, "no JPEG, PNG or TIFF frames in this folder");
    FileFrameSource check(p.frames, progress);
    check.set_allow_mixed(options_.allow_mixed);
    check.validate();  // every header, before any work
    p.write = options_.write;
    p.write.metadata_source = resolve_metadata_source(options_, context, p.working, p.frames.front(), progress);
    p.out_dir = p.working / p.out_rel;
    JobContext::make_output_folder(p.out_dir, {input}, "FocusStack " + name_);
    return p;
}

fs::path FocusStack::run(JobContext& context) {
    Progress& progress = *context.progress;
    const Prepared p = prepare(context);
    const fs::path out = output_file(p.out_dir, p.frames.front(), options_);
    FileFrameSource frames = raw_source(p.frames, out, options_, progress);
    const StackResult result = stack(frames, FramePipeline{}, *stacker_, {options_.denoise}, progress);
    write_image(out, result.image, with_raw_profile(p.write, frames));
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
    const auto ranges = bunch_ranges(static_cast<int>(p.frames.size()), frames_, overlap_);
    FileFrameSource frames = raw_source(p.frames, output_file(p.out_dir, p.frames.front(), options_), options_, progress);
    stack_bunches(frames, FramePipeline{}, *stacker_, ranges, {options_.denoise}, progress,
                  [&](size_t b, const StackResult& result) {
                      write_image(output_file(p.out_dir, p.frames[size_t(ranges[b].begin)], options_), result.image,
                                  with_raw_profile(p.write, frames));
                  });
    return p.out_rel;
}

}  // namespace fstack
