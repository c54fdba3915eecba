// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fstack/image_io.hpp"
#include "fstack/output_check.hpp"
#include "fstack/progress.hpp"
#include "fstack/raw.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

class StackJob;

// What an action knows of the job it runs in (the seed's path rules).
struct JobContext {
    JobContext(std::filesystem::path working = {}, std::filesystem::path job_input = {},
               std::filesystem::path last_output = {}, Progress* p = &null_progress())
        : working_path(std::move(working)), job_input_path(std::move(job_input)),
          last_output_path(std::move(last_output)), progress(p) {}

    std::filesystem::path working_path;
    std::filesystem::path job_input_path;   // StackJob's input_path (relative to working_path)
    std::filesystem::path last_output_path; // output of the previous action ("" if none)
    Progress* progress = &null_progress();
    std::string job_name = "job";
    // Replace existing outputs (`fstack run --overwrite`); otherwise an existing output is refused
    // before any work, as `fstack stack` refuses it.
    bool overwrite = false;
    // Where its stacks run ([job] device, or `fstack run --device`); unset: the process's device().
    std::optional<Device> device;
    // What the job reads that none of its actions writes (its frames, folders, masks, exif
    // sources): no action may write over them or into their folders. Set by StackJob::run.
    InputFiles sources;

    // The seed's path rules, written once for every action:
    // an action's working folder is its own working_path, else the job's;
    std::filesystem::path working(const std::filesystem::path& own) const;
    // its input folders are its own input_path, else the previous action's output, else the
    // job's input_path (relative to the working folder). Error(Usage) naming `action` if none.
    std::vector<std::filesystem::path> inputs(const std::vector<std::filesystem::path>& own,
                                              const std::string& action) const;
    std::filesystem::path input(const std::filesystem::path& own, const std::string& action) const;
    // "job 'beetle': FocusStack 'stack'", for the messages.
    std::string owner(const std::string& action) const;
    // The shared output check (output_check.hpp) of an action, before its work: no output folder
    // is one of its input folders or of the job's sources, no output file is one of their files
    // (however spelt: links, "..", absolute), and none exists unless `overwrite`.
    // Throws Error(Output) naming the job, the action, the output and the input.
    void check_outputs(const std::string& action, const std::vector<std::filesystem::path>& inputs,
                       const std::vector<std::filesystem::path>& output_folders,
                       const std::vector<std::filesystem::path>& output_files) const;
    // Creates an output folder (Error(Output) when it cannot be).
    static void make_output_folder(const std::filesystem::path& dir);
};

// The folders (or files) an action reads and the folders it writes, by the path rules alone,
// absolute or relative to the current folder; `out_rel` is what the next action reads.
struct ActionPaths {
    std::string label;  // "FocusStack 'stack'"
    std::vector<std::filesystem::path> inputs;
    std::vector<std::filesystem::path> output_folders;
    std::filesystem::path out_rel;
};

class Action {
public:
    virtual ~Action() = default;
    virtual std::string name() const = 0;
    // Runs the action and returns the folder it wrote (relative to working_path), which is the
    // default input of the next action.
    virtual std::filesystem::path run(JobContext& context) = 0;
    // Its paths, without reading anything (StackJob::run checks every action's before any work).
    virtual ActionPaths paths(const JobContext& context) const = 0;
    // The files it will write, once its inputs exist (they are listed, not decoded).
    virtual std::vector<std::filesystem::path> output_files(const JobContext& context) const = 0;
};

// The seed's StackJob(name, working_path, input_path): an ordered list of actions on folders.
class StackJob {
public:
    StackJob(std::string name, std::filesystem::path working_path,
             std::filesystem::path input_path = {});
    void add_action(std::unique_ptr<Action> action);
    // Before any action runs, every action's output folders and, where its inputs exist
    // already, its output files are checked (JobContext::check_outputs); then the actions run.
    void run(Progress& progress = null_progress());
    const std::string& name() const { return name_; }
    // Replace existing outputs instead of refusing them (default: refused, as by fstack stack).
    void set_overwrite(bool overwrite) { overwrite_ = overwrite; }
    // Where its stacks run: a device, or (the job file's [job] device) a function that resolves
    // one when the job runs, so that a file checked on a machine without a GPU can run on one
    // with it, and `fstack run --device` replaces the key before it is resolved.
    void set_device(const Device& device) { device_ = [device] { return device; }; }
    void set_device(std::function<Device()> resolve) { device_ = std::move(resolve); }

private:
    std::string name_;
    bool overwrite_ = false;
    std::function<Device()> device_;  // empty: the process's device()
    std::filesystem::path working_path_, input_path_;
    std::vector<std::unique_ptr<Action>> actions_;
};

// Options shared by FocusStack and FocusStackBunch (the seed's names).
struct FocusStackOptions {
    std::filesystem::path input_path;    // relative to working_path; default: previous output
    std::filesystem::path output_path;   // default: the action's name
    std::filesystem::path working_path;  // default: the job's
    // Folder (or file) whose first frame gives EXIF/XMP/ICC; unset: the job's input folder;
    // set to "": no metadata.
    std::optional<std::filesystem::path> exif_path;
    std::string postfix;
    double denoise = 0;
    WriteOptions write;                  // quality/compression of the outputs
    std::string output_extension;        // e.g. ".tif"; default: the first frame's extension
    std::filesystem::path depth_map_path;// write the depth map here too (FocusStack only)
    RawOptions raw;                      // raw_wb, raw_exposure, raw_space, allow_mixed
    bool allow_mixed = false;
};

// Stacks the frames of one folder into one image named after the first frame plus `postfix`.
class FocusStack : public Action {
public:
    FocusStack(std::string name, std::unique_ptr<Stacker> stacker, FocusStackOptions options = {});
    std::string name() const override { return name_; }
    std::filesystem::path run(JobContext& context) override;
    ActionPaths paths(const JobContext& context) const override;
    std::vector<std::filesystem::path> output_files(const JobContext& context) const override;

protected:
    // The seed's path rules resolved, the frames listed and validated, the output folder made.
    struct Prepared {
        std::filesystem::path working, out_rel, out_dir;
        std::vector<std::filesystem::path> frames;
        WriteOptions write;  // with the metadata source resolved
    };
    Prepared prepare(JobContext& context) const;
    StackOptions stack_options(const JobContext& context) const;
    virtual const char* type_name() const { return "FocusStack"; }

    std::string name_;
    std::unique_ptr<Stacker> stacker_;
    FocusStackOptions options_;
};

// Stacks bunches of `frames` frames overlapping by `overlap`, one output per bunch.
class FocusStackBunch : public FocusStack {
public:
    static constexpr int kDefaultFrames = 10, kDefaultOverlap = 0;  // the seed's
    FocusStackBunch(std::string name, std::unique_ptr<Stacker> stacker, int frames = kDefaultFrames,
                    int overlap = kDefaultOverlap, FocusStackOptions options = {});
    std::filesystem::path run(JobContext& context) override;
    std::vector<std::filesystem::path> output_files(const JobContext& context) const override;

private:
    const char* type_name() const override { return "FocusStackBunch"; }
    int frames_, overlap_;
};

}  // namespace fstack
