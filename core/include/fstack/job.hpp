// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fstack/image_io.hpp"
#include "fstack/progress.hpp"
#include "fstack/raw.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

class StackJob;

// What an action knows of the job it runs in (the seed's path rules).
struct JobContext {
    std::filesystem::path working_path;
    std::filesystem::path job_input_path;   // StackJob's input_path (relative to working_path)
    std::filesystem::path last_output_path; // output of the previous action ("" if none)
    Progress* progress = &null_progress();

    // The seed's path rules, written once for every action:
    // an action's working folder is its own working_path, else the job's;
    std::filesystem::path working(const std::filesystem::path& own) const;
    // its input folders are its own input_path, else the previous action's output, else the
    // job's input_path (relative to the working folder). Error(Usage) naming `action` if none.
    std::vector<std::filesystem::path> inputs(const std::vector<std::filesystem::path>& own,
                                              const std::string& action) const;
    std::filesystem::path input(const std::filesystem::path& own, const std::string& action) const;
    // Its output folder `dir` is created (Error(Output) when it cannot be) and may not be one of
    // its input folders (Error(Usage)): a job never writes over its own frames.
    static void make_output_folder(const std::filesystem::path& dir, const std::vector<std::filesystem::path>& inputs,
                                   const std::string& action);
};

class Action {
public:
    virtual ~Action() = default;
    virtual std::string name() const = 0;
    // Runs the action and returns the folder it wrote (relative to working_path), which is the
    // default input of the next action.
    virtual std::filesystem::path run(JobContext& context) = 0;
};

// The seed's StackJob(name, working_path, input_path): an ordered list of actions on folders.
class StackJob {
public:
    StackJob(std::string name, std::filesystem::path working_path,
             std::filesystem::path input_path = {});
    void add_action(std::unique_ptr<Action> action);
    void run(Progress& progress = null_progress());
    const std::string& name() const { return name_; }

private:
    std::string name_;
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

protected:
    // The seed's path rules resolved, the frames listed and validated, the output folder made.
    struct Prepared {
        std::filesystem::path working, out_rel, out_dir;
        std::vector<std::filesystem::path> frames;
        WriteOptions write;  // with the metadata source resolved
    };
    Prepared prepare(JobContext& context) const;

    std::string name_;
    std::unique_ptr<Stacker> stacker_;
    FocusStackOptions options_;
};

// Stacks bunches of `frames` frames overlapping by `overlap`, one output per bunch.
class FocusStackBunch : public FocusStack {
public:
    FocusStackBunch(std::string name, std::unique_ptr<Stacker> stacker, int frames = 10,
                    int overlap = 0, FocusStackOptions options = {});
    std::filesystem::path run(JobContext& context) override;

private:
    int frames_, overlap_;
};

}  // namespace fstack
