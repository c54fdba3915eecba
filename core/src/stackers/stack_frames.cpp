// SPDX-License-Identifier: GPL-3.0-or-later
// The stacking step: frames through a stacker into a result; the bunch plan; the depth map picture.
#include "fstack/stack_frames.hpp"

#include "fstack/denoise.hpp"
#include "fstack/error.hpp"
#include "fstack/kernels/stackers/blend.hpp"
#include "fstack/memory_estimate.hpp"
#include "fstack/limits.hpp"
#include "fstack/runtime.hpp"
#include "fstack/threads.hpp"

#include <chrono>
#include <deque>
#include <future>
#include <system_error>

namespace fstack {

const ParamSpec& denoise_param() {
    static const ParamSpec spec = [] {
        ParamSpec p;
        p.key = "denoise";
        p.help = "Non-local-means denoising strength of the result (0: off; 0.75..1 is mild)";
        p.kind = ParamKind::Number;
        p.min = 0;
        p.max = 100;
        return p;
    }();
    return spec;
}
namespace fs = std::filesystem;

namespace {

// How many frames run_stacker prepares at once: threads(), fewer where the memory left would
// not hold them (each holds work_bytes_per_pixel() per pixel on top of the stack's own estimate,
// which check_memory compared with the memory left before the work, for one frame at a time).
int frames_in_flight(const Stacker& stacker, const FrameSource& source) {
    const int wanted = std::min(threads(), source.size());
    if (wanted <= 1) return 1;
    const std::optional<ImageInfo> info = source.declared_format();
    const std::uint64_t have = available_memory();
    if (!info || have == 0) return wanted;
    const double pixels = double(info->width) * double(info->height);
    const double one = double(estimate_stack_memory(stacker, FramePipeline{}, 0, *info, false).bytes);
    const double per_frame = stacker.work_bytes_per_pixel(info->channels) * pixels * 1.1;
    const double room = double(have) - one;
    if (room <= per_frame) return 1;
    return static_cast<int>(std::min<double>(wanted, 1 + std::floor(room / per_frame)));
}

// Errors of a frame name it (the source's file name and index), as the serial loop's did.
[[noreturn]] void rethrow_for_frame(const Error& e, const FrameSource& source, int i) {
    if (!e.file().empty()) throw e;
    throw Error(e.kind(), source.frame_name(i), source.origin(i), e.reason());
}

// One pass with `in_flight` frames prepared at once: this thread reads frame i + 1 (decode
// ahead) while others prepare frames i, i - 1, ...; the oldest is merged as soon as it is done,
// so frames are merged in their order whatever the timing. `first`: frame 0, where the pass
// before read it; `next_first`: where another pass follows, frame 0 is read into it while the
// last frames of this one are still being prepared (no more frames held than during the pass).
void pipelined_pass(Stacker& stacker, FrameSource& source, Progress& progress, int in_flight, cv::Mat first,
                    cv::Mat* next_first) {
    struct Pending {
        int index;
        std::future<Stacker::FrameWork> work;
    };
    // (OpenCV's thread count is not changed here: cv::setNumThreads() re-creates its TBB arena,
    // which the alignment's analysing thread may be inside.)
    std::deque<Pending> pending;
    const auto merge_oldest = [&] {
        Pending& p = pending.front();
        while (p.work.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) stacker.check_cancel();
        try {
            Stacker::FrameWork work = p.work.get();
            stacker.merge(work, p.index);
        } catch (const Error& e) {
            rethrow_for_frame(e, source, p.index);
        }
        progress.step(p.index + 1);
        pending.pop_front();
    };
    try {
        for (int i = 0; i < source.size(); ++i) {
            stacker.check_cancel();
            cv::Mat frame = i == 0 && !first.empty() ? first : source.frame(i);
            first.release();
            int index = 0;
            try {
                index = stacker.accept(frame);
            } catch (const Error& e) {
                rethrow_for_frame(e, source, i);
            }
            auto job = [&stacker, frame, index] { return stacker.prepare(frame, index); };
            std::future<Stacker::FrameWork> work;
            try {
                work = std::async(std::launch::async, job);
            } catch (const std::system_error&) {  // no thread to be had (ulimit -u, -v): here, now
                std::promise<Stacker::FrameWork> now;
                try {
                    now.set_value(job());
                } catch (...) {
                    now.set_exception(std::current_exception());
                }
                work = now.get_future();
            }
            pending.push_back({index, std::move(work)});
            while (static_cast<int>(pending.size()) >= in_flight) merge_oldest();
        }
        if (next_first) {
            stacker.check_cancel();
            *next_first = source.frame(0);
        }
        while (!pending.empty()) merge_oldest();
    } catch (...) {
        stacker.stop_work();  // the frames still in flight end at their next check_cancel()
        throw;                // ~Pending waits for them
    }
}

}  // namespace

cv::Mat run_stacker(Stacker& stacker, FrameSource& source, Progress& progress) {
    const int n = source.size();
    if (n < 1) throw Error(ErrorKind::Input, "no frames to stack");
    tune_allocator();
    stacker.set_progress(progress);
    stacker.begin(n);
    const int in_flight = frames_in_flight(stacker, source);
    const int passes = stacker.passes();
    cv::Mat first;  // the next pass's frame 0, read ahead by the pipelined pass before it
    for (int pass = 0; pass < passes; ++pass) {
        // One stage per pass, so that a bar reads "3/10" frames rather than a total of passes.
        std::string stage = "stack (" + stacker.name() + ")";
        if (passes > 1) stage += " pass " + std::to_string(pass + 1) + "/" + std::to_string(passes);
        progress.stage(stage, n);
        stacker.begin_pass(pass);
        if (in_flight > 1) {
            cv::Mat next;
            pipelined_pass(stacker, source, progress, in_flight, std::move(first), pass + 1 < passes ? &next : nullptr);
            first = std::move(next);
            continue;
        }
        for (int i = 0; i < n; ++i) {
            progress.check_cancel();
            cv::Mat frame = source.frame(i);
            try {
                stacker.add(frame);
            } catch (const Error& e) {
                rethrow_for_frame(e, source, i);
            }
            progress.step(i + 1);
        }
    }
    progress.check_cancel();
    return stacker.finish();
}

namespace {

// The stacking step on `device`: the stacker's twin there where it has one (made here, once),
// else the stacker itself on the CPU.
StackResult stack_on(Stacker& stacker, FrameSource& frames, double denoise_strength, const Device& device,
                     Progress& progress) {
    if (frames.size() == 0) throw Error(ErrorKind::Input, "no frames to stack");
    if (frames.size() == 1)
        throw Error(ErrorKind::Input, frames.frame_name(0), 0,
                    "only one frame: a focus stack needs at least two frames");
    std::unique_ptr<Stacker> twin;
    if (device.cuda()) {
        twin = stacker.for_device(device);
        progress.log(LogLevel::Debug, twin ? "stacking on " + device.describe()
                                           : stacker.name() + " has no GPU path: it runs on the CPU");
    }
    Stacker& s = twin ? *twin : stacker;
    StackResult result;
    result.image = run_stacker(s, frames, progress);
    result.depth_map = s.depth_map();
    result.frame_count = frames.size();
    if (denoise_strength > 0) {
        progress.stage("denoise", 1);
        result.image = denoise(result.image, denoise_strength);
        progress.step(1);
    }
    return result;
}

}  // namespace

StackResult stack_frames(Stacker& stacker, FrameSource& frames, double denoise_strength, Progress& progress) {
    return stack_on(stacker, frames, denoise_strength, device(), progress);
}

namespace {

// Before any work: a stack whose estimate (memory_estimate.hpp) exceeds the memory left is
// refused, naming its first frame and both figures, instead of being killed by the OOM killer.
void check_memory(const FrameSource& source, const FramePipeline& pipeline, const Stacker& stacker, double denoise,
                  bool bunches) {
    if (const std::optional<ImageInfo> info = source.declared_format())
        check_stack_fits(estimate_stack_memory(stacker, pipeline, denoise, *info, bunches), *info,
                         source.frame_name(0), source.origin(0));
}

void crop_to_covered(StackResult& result, Progress& progress) {
    const cv::Rect area = crop_area(result);
    if (area.empty() && result.geometry && covered_area(*result.geometry).empty())
        progress.warn("not cropped: the aligned frames share no area");
    crop_result(result, area);
}

}  // namespace

cv::Rect crop_area(const StackResult& result) {
    if (!result.geometry || result.image.empty()) return {};
    const cv::Rect area = covered_area(*result.geometry);
    if (area.empty() || area == cv::Rect(cv::Point(), result.image.size())) return {};
    return area & cv::Rect(cv::Point(), result.image.size());
}

void crop_result(StackResult& result, const cv::Rect& area) {
    if (area.empty()) return;
    result.image = result.image(area).clone();
    if (!result.depth_map.empty()) result.depth_map = result.depth_map(area).clone();
    if (result.frames) result.frames = std::make_shared<CroppedFrameSource>(result.frames, area);
    result.crop = area;
}

StackResult stack(FrameSource& source, const FramePipeline& pipeline, Stacker& stacker, const StackOptions& options,
                  Progress& progress) {
    const Device on = options.device.value_or(device());
    if (source.size() < 2) return stack_on(stacker, source, options.denoise, on, progress);  // its error
    check_memory(source, pipeline, stacker, options.denoise, false);
    std::shared_ptr<FrameSource> frames = process_frames(source, pipeline, progress);
    StackResult result = stack_on(stacker, *frames, options.denoise, on, progress);
    if (auto* processed = dynamic_cast<ProcessedFrameSource*>(frames.get())) {
        result.geometry = processed->geometry();
        result.gains = processed->gains();
    }
    result.frames = std::move(frames);
    if (options.crop) crop_to_covered(result, progress);
    return result;
}

void stack_bunches(FrameSource& source, const FramePipeline& pipeline, const Stacker& prototype,
                   const std::vector<FrameRange>& bunches, const StackOptions& options, Progress& progress,
                   const std::function<void(size_t, const StackResult&)>& emit) {
    if (source.size() > 0) check_memory(source, pipeline, prototype, options.denoise, true);
    const std::shared_ptr<FrameSource> frames = process_frames(source, pipeline, progress);
    for (size_t b = 0; b < bunches.size(); ++b) {
        progress.check_cancel();
        const FrameRange r = bunches[b];
        progress.info("bunch " + std::to_string(b + 1) + "/" + std::to_string(bunches.size()) + ": frames " +
                      std::to_string(r.begin + 1) + ".." + std::to_string(r.end) + " (" +
                      fs::path(frames->frame_name(r.begin)).filename().string() + " .. " +
                      fs::path(frames->frame_name(r.end - 1)).filename().string() + ")");
        auto bunch = std::make_shared<FrameRangeSource>(*frames, r.begin, r.end);
        StackResult result;
        if (r.end - r.begin == 1) {
            progress.warn("the last bunch has one frame only (" + frames->frame_name(r.begin) +
                          "): written unchanged");
            result.image = bunch->frame(0);
            result.frame_count = 1;
        } else {
            const std::unique_ptr<Stacker> stacker = prototype.clone();
            result = stack_on(*stacker, *bunch, options.denoise, options.device.value_or(device()), progress);
        }
        result.frames = bunch;
        if (auto* processed = dynamic_cast<ProcessedFrameSource*>(frames.get())) {
            result.geometry = processed->geometry();
            result.gains = processed->gains();
        }
        // Every bunch to the area all the stack's frames cover: the bunch results stay registered.
        if (options.crop) crop_to_covered(result, progress);
        emit(b, result);
    }
}

fs::path bunch_output(const fs::path& dir, const fs::path& first_frame, const std::string& postfix,
                      const std::string& extension) {
    return dir / (first_frame.stem().string() + postfix + extension);
}

cv::Mat depth_map_image(const cv::Mat& depth_map, int frame_count, int depth) {
    cv::Mat out(depth_map.size(), depth == CV_16U ? CV_16U : CV_8U);
    const float max_value = depth == CV_16U ? 65535.0f : 255.0f;
    for (int y = 0; y < out.rows; ++y) {
        const unsigned short* s = depth_map.ptr<unsigned short>(y);
        for (int x = 0; x < out.cols; ++x) {
            const float v = kernels::depth_value(s[x], frame_count, max_value) + 0.5f;
            if (depth == CV_16U) out.ptr<unsigned short>(y)[x] = static_cast<unsigned short>(v);
            else out.ptr<unsigned char>(y)[x] = static_cast<unsigned char>(v);
        }
    }
    return out;
}

void write_depth_map(const fs::path& path, const cv::Mat& depth_map, int frame_count, int depth,
                     const WriteOptions& options) {
    if (depth_map.empty()) throw Error(ErrorKind::Internal, path.string(), -1, "no depth map to write");
    const cv::Mat out = depth_map_image(depth_map, frame_count, depth);
    WriteOptions o = options;
    o.metadata_source.clear();
    write_image(path, out, o);
}

std::vector<FrameRange> bunch_ranges(int frame_count, int frames, int overlap) {
    if (frames < 1) throw Error(ErrorKind::Usage, "bunch size (frames) must be at least 1");
    if (overlap < 0 || overlap >= frames)
        throw Error(ErrorKind::Usage, "overlap must be at least 0 and less than the bunch size (" +
                                          std::to_string(frames) + ")");
    std::vector<FrameRange> ranges;
    const int step = frames - overlap;
    for (int begin = 0; begin < frame_count; begin += step) {
        const int end = std::min(begin + frames, frame_count);
        ranges.push_back({begin, end});
        if (end == frame_count) break;
    }
    return ranges;
}

}  // namespace fstack
