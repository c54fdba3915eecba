// SPDX-License-Identifier: GPL-3.0-or-later
// StackJob, the seed's path rules (JobContext), FocusStack and FocusStackBunch.
#include "fstack/job.hpp"

#include <algorithm>

#include "fstack/stack_frames.hpp"

#include "fstack/error.hpp"
#include "fstack/input_file.hpp"
#include "fstack/frame_source.hpp"

namespace fstack {
namespace fs = std::filesystem;

StackJob::StackJob(std::string name, fs::path working_path, fs::path input_path)
    : name_(std::move(name)), working_path_(std::move(working_path)), input_path_(std::move(input_path)) {}

void StackJob::add_action(std::unique_ptr<Action> action) { actions_.push_back(std::move(action)); }

namespace {

// `p` is `dir` or lies inside it, once both are resolved (links, "..", relative spellings).
bool is_within(const fs::path& p, const fs::path& dir) {
    const auto resolved = [](const fs::path& x) {
        std::error_code ec;
        std::string r = fs::weakly_canonical(fs::absolute(x, ec), ec).lexically_normal().string();
        while (r.size() > 1 && r.back() == '/') r.pop_back();
        return r;
    };
    const std::string a = resolved(p), b = resolved(dir);
    return a == b || a.rfind(b + "/", 0) == 0;
}

// An input folder with its files, or an input file.
void add_input(InputFiles& inputs, const fs::path& p, bool with_files) {
    std::error_code ec;
    if (fs::is_directory(p, ec) || !fs::exists(p, ec)) inputs.add_folder(p, with_files);
    else inputs.add(p);
}

}  // namespace

void StackJob::run(Progress& progress) {
    std::error_code ec;
    if (!fs::is_directory(working_path_, ec))
        throw Error(ErrorKind::Input, working_path_.string(), -1, "the job's working folder does not exist");
    JobContext context{working_path_, input_path_, {}, &progress};
    context.job_name = name_;
    context.overwrite = overwrite_;
    if (device_) context.device = device_();

    // Before any work: the job's sources (what it reads that no action of it writes), then every
    // action's outputs against its inputs, those of the actions before it and the sources.
    JobContext plan = context;
    plan.progress = &null_progress();
    std::vector<ActionPaths> all;
    std::vector<fs::path> written;
    for (const auto& action : actions_) {
        ActionPaths p = action->paths(plan);
        for (const fs::path& in : p.inputs)
            if (std::none_of(written.begin(), written.end(), [&](const fs::path& w) { return is_within(in, w); }))
                add_input(context.sources, in, true);
        written.insert(written.end(), p.output_folders.begin(), p.output_folders.end());
        plan.last_output_path = p.out_rel;
        all.push_back(std::move(p));
    }
    plan.sources = context.sources;
    plan.last_output_path.clear();
    std::vector<fs::path> read_so_far;
    for (size_t k = 0; k < actions_.size(); ++k) {
        read_so_far.insert(read_so_far.end(), all[k].inputs.begin(), all[k].inputs.end());
        // Where its inputs exist already (its first action; a job run before), its files too.
        const bool ready = std::all_of(all[k].inputs.begin(), all[k].inputs.end(),
                                       [&](const fs::path& in) { return fs::exists(in, ec); });
        std::vector<fs::path> files;
        try {
            if (ready) files = actions_[k]->output_files(plan);
        } catch (const Error& e) {
            // Inputs there but not usable yet (an empty folder an earlier action fills): the
            // files are checked when the action starts.
            if (e.kind() != ErrorKind::Input) throw;
        }
        plan.check_outputs(all[k].label, read_so_far, all[k].output_folders, files);
        plan.last_output_path = all[k].out_rel;
    }

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

std::string JobContext::owner(const std::string& action) const { return "job '" + job_name + "': " + action; }

void JobContext::check_outputs(const std::string& action, const std::vector<fs::path>& inputs,
                               const std::vector<fs::path>& output_folders,
                               const std::vector<fs::path>& output_files) const {
    InputFiles read = sources;
    for (const fs::path& in : inputs) add_input(read, in, true);
    OutputCheck check;
    check.overwrite = overwrite;
    check.owner = owner(action);
    check.option = "output_path";
    check.folder_made_later = true;
    check.role = "output folder";
    for (const fs::path& dir : output_folders) check_output_folder_not_input(dir, read, check);
    check.role = "output";
    for (const fs::path& file : output_files) check_output_file(file, read, check);
}

void JobContext::make_output_folder(const fs::path& dir) {
    std::error_code ec;
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
    require_regular_file(p, -1, "an image");  // exiv2 would block on a FIFO
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

ActionPaths FocusStack::paths(const JobContext& context) const {
    ActionPaths p;
    p.label = std::string(type_name()) + " '" + name_ + "'";
    const fs::path working = context.working(options_.working_path);
    p.inputs = {working / context.input(options_.input_path, p.label)};
    if (options_.exif_path && !options_.exif_path->empty()) p.inputs.push_back(working / *options_.exif_path);
    p.out_rel = options_.output_path.empty() ? fs::path(name_) : options_.output_path;
    p.output_folders = {working / p.out_rel};
    return p;
}

std::vector<fs::path> FocusStack::output_files(const JobContext& context) const {
    const ActionPaths p = paths(context);
    const auto frames = list_frames(p.inputs.front());
    if (frames.empty()) return {};
    std::vector<fs::path> out = {output_file(p.output_folders.front(), frames.front(), options_)};
    if (!options_.depth_map_path.empty()) out.push_back(context.working(options_.working_path) / options_.depth_map_path);
    return out;
}

FocusStack::Prepared FocusStack::prepare(JobContext& context) const {
    Progress& progress = *context.progress;
    const ActionPaths paths = this->paths(context);
    Prepared p;
    p.working = context.working(options_.working_path);
    const fs::path& input = paths.inputs.front();
    p.out_rel = paths.out_rel;
    p.frames = list_frames(input, progress);
    if (p.frames.empty())
        throw Error(ErrorKind::Input, input.string(), -1, "no JPEG, PNG or TIFF frames in this folder");
    FileFrameSource check(p.frames, progress);
    check.set_allow_mixed(options_.allow_mixed);
    check.validate();  // every header, before any work
    p.write = options_.write;
    p.write.overwrite = context.overwrite;
    p.write.metadata_source = resolve_metadata_source(options_, context, p.working, p.frames.front(), progress);
    p.out_dir = paths.output_folders.front();
    context.check_outputs(paths.label, paths.inputs, paths.output_folders, output_files(context));
    JobContext::make_output_folder(p.out_dir);
    return p;
}

StackOptions FocusStack::stack_options(const JobContext& context) const {
    StackOptions o;
    o.denoise = options_.denoise;
    o.device = context.device;
    return o;
}

fs::path FocusStack::run(JobContext& context) {
    Progress& progress = *context.progress;
    const Prepared p = prepare(context);
    const fs::path out = output_file(p.out_dir, p.frames.front(), options_);
    FileFrameSource frames = raw_source(p.frames, out, options_, progress);
    const StackResult result = stack(frames, FramePipeline{}, *stacker_, stack_options(context), progress);
    write_image(out, result.image, with_raw_profile(p.write, frames));
    progress.info("wrote " + out.string());
    if (!options_.depth_map_path.empty()) {
        WriteOptions w;
        w.overwrite = context.overwrite;
        write_depth_map(p.working / options_.depth_map_path, result.depth_map, frames.size(), CV_8U, w);
    }
    return p.out_rel;
}

FocusStackBunch::FocusStackBunch(std::string name, std::unique_ptr<Stacker> stacker, int frames,
                                 int overlap, FocusStackOptions options)
    : FocusStack(std::move(name), std::move(stacker), std::move(options)), frames_(frames), overlap_(overlap) {
    bunch_ranges(0, frames_, overlap_);  // validates the parameters now, not after hours of work
}

std::vector<fs::path> FocusStackBunch::output_files(const JobContext& context) const {
    const ActionPaths p = paths(context);
    const auto frames = list_frames(p.inputs.front());
    std::vector<fs::path> out;
    for (const FrameRange& r : bunch_ranges(static_cast<int>(frames.size()), frames_, overlap_))
        out.push_back(output_file(p.output_folders.front(), frames[size_t(r.begin)], options_));
    return out;
}

fs::path FocusStackBunch::run(JobContext& context) {
    Progress& progress = *context.progress;
    const Prepared p = prepare(context);
    const auto ranges = bunch_ranges(static_cast<int>(p.frames.size()), frames_, overlap_);
    FileFrameSource frames = raw_source(p.frames, output_file(p.out_dir, p.frames.front(), options_), options_, progress);
    stack_bunches(frames, FramePipeline{}, *stacker_, ranges, stack_options(context), progress,
                  [&](size_t b, const StackResult& result) {
                      write_image(output_file(p.out_dir, p.frames[size_t(ranges[b].begin)], options_), result.image,
                                  with_raw_profile(p.write, frames));
                  });
    return p.out_rel;
}

}  // namespace fstack
