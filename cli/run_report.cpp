// SPDX-License-Identifier: GPL-3.0-or-later
// --report FILE.jsonl: what became of each stack, one JSON object per line, for pipelines.
#include "run_report.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "exit_codes.hpp"
#include "output_check.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;
// ordered: the keys in the order written, as a person reading a line expects.
using json = nlohmann::ordered_json;
namespace {

const char* status_name(ReportEntry::Status s) {
    switch (s) {
        case ReportEntry::Status::Ok: return "ok";
        case ReportEntry::Status::Failed: return "failed";
        case ReportEntry::Status::Skipped: return "skipped";
        case ReportEntry::Status::Interrupted: return "interrupted";
    }
    return "failed";
}

// The README's exit-code classes.
const char* exit_class(int code) {
    switch (code) {
        case kExitOk: return "ok";
        case kExitUsage: return "usage";
        case kExitInput: return "input";
        case kExitOutput: return "output";
        case kExitInterrupted: return "interrupted";
        default: return "internal";
    }
}

int exit_code_of(const ReportEntry& e) {
    switch (e.status) {
        case ReportEntry::Status::Failed: return exit_code_for(e.kind);
        case ReportEntry::Status::Interrupted: return kExitInterrupted;
        default: return kExitOk;
    }
}

std::string utc_now() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string host_name() {
    char buf[256] = {};
    return ::gethostname(buf, sizeof buf - 1) == 0 ? buf : "";
}

// The Slurm job and array task this runs in (null outside Slurm): which task did which stack.
json slurm_json() {
    const char* job = std::getenv("SLURM_JOB_ID");
    if (!job) return nullptr;
    json j = {{"job_id", job}, {"array_job_id", nullptr}, {"array_task_id", nullptr}};
    if (const char* a = std::getenv("SLURM_ARRAY_JOB_ID")) j["array_job_id"] = a;
    if (const char* t = std::getenv("SLURM_ARRAY_TASK_ID")) j["array_task_id"] = t;
    return j;
}

json frame_json(const fs::path& file, const FrameDetails* d) {
    json f = {{"file", file.string()}, {"to_reference", nullptr}, {"aligned", false}, {"gain", nullptr}};
    if (!d) return f;
    if (d->to_reference) {
        json m = json::array();
        for (int r = 0; r < 3; ++r) m.push_back({(*d->to_reference)(r, 0), (*d->to_reference)(r, 1), (*d->to_reference)(r, 2)});
        f["to_reference"] = std::move(m);
    }
    f["aligned"] = d->aligned;
    if (!d->gain.empty()) f["gain"] = d->gain;
    return f;
}

json entry_json(const ReportEntry& e) {
    const int code = exit_code_of(e);
    json j = {{"time", utc_now()},
              {"host", host_name()},
              {"slurm", slurm_json()},
              {"command", e.command},
              {"stack", e.name},
              {"status", status_name(e.status)},
              {"output", e.output.string()},
              {"error", e.status == ReportEntry::Status::Failed ? json(e.error) : json(nullptr)},
              {"exit_code", code},
              {"exit_class", exit_class(code)},
              {"seconds", e.seconds},
              {"peak_memory_bytes", e.peak_memory > 0 ? json(e.peak_memory) : json(nullptr)},
              {"peak_memory_scope", e.peak_of_stack ? "stack" : "process"}};
    json inputs = json::array();
    for (const fs::path& p : e.inputs) inputs.push_back(p.string());
    j["inputs"] = std::move(inputs);
    const StackDetails* d = e.details;
    j["size"] = d && !d->size.empty() ? json{d->size.width, d->size.height} : json(nullptr);
    j["crop"] = d && !d->crop.empty() ? json{d->crop.x, d->crop.y, d->crop.width, d->crop.height} : json(nullptr);
    json frames = json::array();
    for (size_t i = 0; i < e.inputs.size(); ++i)
        frames.push_back(frame_json(e.inputs[i], d && i < d->frames.size() ? &d->frames[i] : nullptr));
    j["frames"] = std::move(frames);
    return j;
}

}  // namespace

StackDetails stack_details(const StackResult& result, int begin, int end) {
    StackDetails d;
    d.size = result.image.size();
    d.crop = result.crop;
    const int n = result.geometry ? static_cast<int>(result.geometry->to_reference.size())
                                  : static_cast<int>(result.gains.size());
    if (end < 0) end = n > 0 ? n : result.frame_count;
    for (int i = begin; i < end; ++i) {
        FrameDetails f;
        if (result.geometry && i < n) {
            f.to_reference = result.geometry->to_reference[size_t(i)];
            f.aligned = result.geometry->aligned[size_t(i)];
        }
        if (size_t(i) < result.gains.size()) f.gain = result.gains[size_t(i)];
        d.frames.push_back(std::move(f));
    }
    return d;
}

void RunReport::open(const fs::path& path) {
    if (fd_ >= 0) ::close(fd_);
    path_ = path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw Error(ErrorKind::Output, path.string(), -1, std::string("cannot open the report file: ") + std::strerror(errno));
}

void RunReport::check_not_input(const std::vector<fs::path>& inputs) {
    if (enabled() && InputFiles(inputs).contains(path_)) {
        // Closed first: nothing, not even this failure's line, is ever appended to a frame.
        ::close(fd_);
        fd_ = -1;
        throw Error(ErrorKind::Usage, path_.string(), -1, "the report file is one of the input frames");
    }
}

RunReport::~RunReport() {
    if (fd_ >= 0) ::close(fd_);
}

void RunReport::append(const ReportEntry& entry) {
    if (fd_ < 0) return;
    // Invalid UTF-8 in a file name becomes U+FFFD rather than an exception mid-batch.
    const std::string line = entry_json(entry).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    std::lock_guard<std::mutex> lock(mutex_);
    ssize_t n;
    do {
        n = ::write(fd_, line.data(), line.size());
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(line.size()))
        throw Error(ErrorKind::Output, path_.string(), -1,
                    std::string("cannot append to the report file: ") + (n < 0 ? std::strerror(errno) : "short write"));
}

std::uint64_t peak_resident_memory() {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmHWM:", 0) == 0) {
            std::istringstream fields(line.substr(6));
            std::uint64_t kib = 0;
            if (fields >> kib) return kib * 1024;
        }
    return 0;
}

bool reset_peak_resident_memory() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

}  // namespace fstack::cli
