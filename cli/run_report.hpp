// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/error.hpp"
#include "fstack/stack_frames.hpp"

namespace fstack::cli {

// What the frame actions did to each frame of a stack, kept from its StackResult after the
// pixels are gone: the report's "frames".
struct FrameDetails {
    std::optional<cv::Matx33d> to_reference;  // unset: no frame actions ran
    bool aligned = false;
    std::vector<float> gain;  // empty: none applied
};
struct StackDetails {
    cv::Size size;   // of the result
    cv::Rect crop;   // empty: not cropped
    std::vector<FrameDetails> frames;
};
// The details of frames [begin, end) of `result` (a bunch's range of the whole stack's geometry;
// end < 0: every frame).
StackDetails stack_details(const StackResult& result, int begin = 0, int end = -1);

// One stack's line of the report.
struct ReportEntry {
    enum class Status { Ok, Failed, Skipped, Interrupted };
    std::string command;  // "stack", "batch"
    std::string name;     // the stack's name (batch), the output's stem (stack)
    std::vector<std::filesystem::path> inputs;
    std::filesystem::path output;
    Status status = Status::Ok;
    std::string error;                     // a failure's message, as printed on the terminal
    ErrorKind kind = ErrorKind::Internal;  // of a failure
    double seconds = 0;
    std::uint64_t peak_memory = 0;  // bytes, 0: unknown
    bool peak_of_stack = false;     // peak_memory is this stack's own, not the process's so far
    const StackDetails* details = nullptr;
};

// --report FILE.jsonl: one JSON object per stack (JSON Lines), appended to FILE as each stack
// ends. Each line goes out in one write() on a descriptor opened with O_APPEND, so a reader
// following the file (tail -f, a dashboard) never sees half a line, and several processes (the
// tasks of a Slurm array) may append to one file.
class RunReport {
public:
    RunReport() = default;  // no report until open()
    // Opens (creates) `path` for appending. Throws Error(Output) naming it where it cannot be
    // opened.
    void open(const std::filesystem::path& path);
    ~RunReport();
    RunReport(const RunReport&) = delete;
    RunReport& operator=(const RunReport&) = delete;

    bool enabled() const { return fd_ >= 0; }
    // Throws Error(Usage) where the report file is one of the input frames, and closes it: nothing
    // has been written to it (opening for appending changes nothing), and nothing will be.
    void check_not_input(const std::vector<std::filesystem::path>& inputs);
    // Appends one line (thread-safe); throws Error(Output) where the write fails.
    void append(const ReportEntry& entry);
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::mutex mutex_;
};

// The process's peak resident memory so far (VmHWM), in bytes; 0 where unknown.
std::uint64_t peak_resident_memory();
// Starts a new peak (writes 5 to /proc/self/clear_refs); false where the kernel refuses.
bool reset_peak_resident_memory();

}  // namespace fstack::cli
