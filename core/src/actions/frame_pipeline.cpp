// SPDX-License-Identifier: GPL-3.0-or-later
// The frame pipeline: the seed's visiting order and the frame actions applied on the fly.
#include "fstack/frame_pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <thread>
#include <utility>

#include <opencv2/imgproc.hpp>

#include "actions/frame_reduce.hpp"
#include "fstack/error.hpp"
#include "fstack/threads.hpp"

namespace fstack {

int reference_index(int frame_count, const std::optional<int>& ref_idx) {
    if (!ref_idx) return frame_count / 2;
    if (*ref_idx < 0 || *ref_idx >= frame_count)
        throw Error(ErrorKind::Usage, "ref_idx " + std::to_string(*ref_idx) + " is outside the " +
                                          std::to_string(frame_count) + " frames (0.." +
                                          std::to_string(frame_count - 1) + ")");
    return *ref_idx;
}

std::vector<FrameVisit> visiting_order(int frame_count, int reference, bool step_process) {
    std::vector<FrameVisit> order;
    order.push_back({reference, reference});
    for (int i = reference + 1; i < frame_count; ++i) order.push_back({i, step_process ? i - 1 : reference});
    for (int i = reference - 1; i >= 0; --i) order.push_back({i, step_process ? i + 1 : reference});
    return order;
}

std::vector<std::unique_ptr<FrameAction>> FramePipeline::clone_actions() const {
    std::vector<std::unique_ptr<FrameAction>> fresh;
    for (const auto& a : actions) fresh.push_back(a->clone());
    return fresh;
}

std::shared_ptr<FrameSource> process_frames(FrameSource& source, const FramePipeline& pipeline, Progress& progress) {
    if (pipeline.empty()) return std::shared_ptr<FrameSource>(&source, [](FrameSource*) {});
    auto processed = std::make_shared<ProcessedFrameSource>(source, pipeline.clone_actions(), pipeline.options, progress);
    processed->start();
    return processed;
}

ProcessedFrameSource::ProcessedFrameSource(FrameSource& source, std::vector<std::unique_ptr<FrameAction>> actions,
                                           FramePipelineOptions options, Progress& progress)
    : source_(source), actions_(std::move(actions)), options_(std::move(options)), progress_(progress) {
    if (source_.size() > 0) reference_ = reference_index(source_.size(), options_.ref_idx);
}

// The analysing thread and what it shares with the caller's.
struct ProcessedFrameSource::Background {
    std::thread worker;
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<char> ready;  // per frame: decided
    bool finished = false;
    std::exception_ptr failure;
    std::atomic<bool> stop{false};
    std::vector<std::pair<LogLevel, std::string>> notes;  // the actions' messages, not yet passed on

    // The worker's Progress: messages queued for the caller's thread; cancelled when the
    // source is destroyed or the caller's Progress is (its cancelled() is the one call made
    // from another thread: the CLI's reads an atomic). It lives as long as the actions, which
    // keep it for the replays of long frames (MaskNoise polls it every row).
    struct Queue : Progress {
        Background& owner;
        Progress& caller;
        Queue(Background& b, Progress& c) : owner(b), caller(c) {}
        void log(LogLevel level, const std::string& message) override {
            std::lock_guard<std::mutex> lock(owner.mutex);
            owner.notes.emplace_back(level, message);
        }
        bool cancelled() override { return owner.stop.load() || caller.cancelled(); }
    };
    explicit Background(Progress& caller) : queue(*this, caller) {}
    Queue queue;
};

ProcessedFrameSource::~ProcessedFrameSource() {
    if (ahead_.valid()) ahead_.wait();
    if (background_ && background_->worker.joinable()) {
        background_->stop = true;
        background_->worker.join();
    }
}

cv::Mat ProcessedFrameSource::read(int index) {
    std::lock_guard<std::mutex> lock(source_mutex_);
    return source_.frame(index);
}

void ProcessedFrameSource::start() {
    if (prepared_ || background_ || actions_.empty()) return;
    if (source_.size() == 0) throw Error(ErrorKind::Input, "no frames to process");
    if (!source_.reads_from_any_thread()) {  // GIMP's layers: all on the caller's thread
        prepare();
        return;
    }
    // Both halves of the stack at once where there are threads for them and no plots (the
    // reference's would be written by both chains).
    const int n = source_.size();
    if (threads() > 1 && reference_ > 0 && reference_ + 1 < n && options_.plot_path.empty())
        for (const auto& a : actions_) lower_actions_.push_back(a->clone());
    background_ = std::make_unique<Background>(progress_);
    Background& b = *background_;
    b.ready.assign(static_cast<size_t>(source_.size()), 0);
    b.worker = std::thread([this, &b] {
        try {
            analyse({}, b.queue, true);
        } catch (...) {
            std::lock_guard<std::mutex> lock(b.mutex);
            b.failure = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(b.mutex);
        b.finished = true;
        b.changed.notify_all();
    });
}

void ProcessedFrameSource::flush_notes() {
    std::vector<std::pair<LogLevel, std::string>> notes;
    {
        std::lock_guard<std::mutex> lock(background_->mutex);
        notes.swap(background_->notes);
    }
    for (const auto& [level, message] : notes) progress_.log(level, message);
}

void ProcessedFrameSource::wait_for(int index) {
    Background& b = *background_;
    for (;;) {
        std::exception_ptr failure;
        bool done = false;
        {
            std::unique_lock<std::mutex> lock(b.mutex);
            b.changed.wait_for(lock, std::chrono::milliseconds(100), [&] {
                return b.finished || b.failure || (index >= 0 && b.ready[static_cast<size_t>(index)]);
            });
            failure = b.failure;
            done = b.finished || (index >= 0 && b.ready[static_cast<size_t>(index)]);
        }
        flush_notes();
        if (failure) std::rethrow_exception(failure);
        if (done) return;
        progress_.check_cancel();
    }
}

std::shared_ptr<const FrameGeometry> ProcessedFrameSource::geometry() {
    if (background_) wait_for(-1);
    return geometry_;
}

std::vector<std::vector<float>> ProcessedFrameSource::gains() {
    if (background_) wait_for(-1);
    std::vector<std::vector<float>> out(static_cast<size_t>(size()));
    for (int i = 0; i < size(); ++i)
        for (const auto& action : actions_for(i)) {
            const std::vector<float> g = action->applied_gain(i);
            std::vector<float>& total = out[size_t(i)];
            if (g.empty()) continue;
            if (total.empty()) total.assign(g.size(), 1.0f);
            if (total.size() == 1 && g.size() > 1) total.assign(g.size(), total.front());
            for (size_t c = 0; c < total.size(); ++c) total[c] *= g.size() == 1 ? g.front() : g.at(c);
        }
    return out;
}

namespace {

// Errors from an action name the frame being processed.
template <typename F>
cv::Mat naming_frame(FrameSource& source, int index, F&& f) {
    try {
        return f();
    } catch (const Error& e) {
        if (!e.file().empty() || e.frame_index() >= 0) throw;
        throw Error(e.kind(), source.frame_name(index), index, e.reason());
    }
}

}  // namespace

void ProcessedFrameSource::prepare(const std::function<void(int, const cv::Mat&)>& sink) {
    if (background_) {
        wait_for(-1);
        if (!sink) return;
    }
    if ((prepared_ || actions_.empty()) && !sink) return;
    analyse(sink, progress_, false);
}

void ProcessedFrameSource::analyse(const std::function<void(int, const cv::Mat&)>& sink, Progress& progress,
                                   bool lower_first) {
    const int n = source_.size();
    if (n == 0) throw Error(ErrorKind::Input, "no frames to process");
    FrameActionContext context;
    context.frame_count = n;
    context.reference_index = reference_;
    context.plot_path = options_.plot_path;
    context.working_path = options_.working_path;
    context.frame_name = [this](int i) { return source_.frame_name(i); };
    context.progress = &progress;
    geometry_ = std::make_shared<FrameGeometry>();
    geometry_->to_reference.assign(static_cast<size_t>(n), cv::Matx33d::eye());
    geometry_->aligned.assign(static_cast<size_t>(n), false);
    geometry_->reference_index = reference_;
    geometry_->registration_error.assign(static_cast<size_t>(n), cv::Vec2d(0, 0));
    context.geometry = geometry_;

    std::string names;
    bool reduced = !sink && options_.analysis_size > 0;
    for (const auto& a : actions_) {
        names += (names.empty() ? "" : ", ") + a->name();
        reduced = reduced && a->analyses_reduced();
    }
    progress.stage("frame actions (" + names + ")", n);
    std::atomic<int> done{0};
    std::vector<FrameVisit> order = visiting_order(n, reference_, options_.step_process);
    if (lower_first)  // the two halves depend on the reference only: either may go first
        std::stable_partition(order.begin() + 1, order.end(), [&](const FrameVisit& v) { return v.index < reference_; });
    const auto visit_all = [&](const std::vector<FrameVisit>& visits, std::vector<std::unique_ptr<FrameAction>>& actions,
                               FrameActionContext& ctx, bool counts_reference) {
        for (const FrameVisit& visit : visits) {
            progress.check_cancel();
            const cv::Mat original = read(visit.index);
            if (counts_reference) depth_ = original.depth();
            ctx.geometry->frame_size = original.size();
            ctx.max_value = max_code_value(original.depth());
            // Reduced by a whole factor, in linear light (what BalanceFrames' gains compare).
            const int factor = reduced ? reduction_factor(original.size(), options_.analysis_size) : 1;
            ctx.analysis_scale = 1.0 / factor;
            cv::Mat f = factor > 1 ? reduce_linear(original, factor) : to_action_float(original);
            for (size_t a = 0; a < actions.size(); ++a) {
                f = naming_frame(source_, visit.index, [&] {
                    if (visit.index != reference_) return actions[a]->process(f, visit.index, visit.neighbour);
                    // The reduced analysis (no sink, every action analyses reduced copies) writes
                    // no frame of its own: each action's output feeds the next ones' analysis only.
                    FrameActionContext own = ctx;
                    own.feeds_analysis_only = reduced;
                    own.output_unused = reduced && a + 1 == actions.size();
                    return actions[a]->begin(f, own);
                });
            }
            // What frame() will give: the replay at full size where every action replays natively.
            if (sink)
                sink(visit.index, replays_native() ? replay(original, visit.index)
                                                   : from_action_float(f, original.depth()));
            // The reference is replayed by actions_, so only their chain counts and decides it:
            // the lower chain's twins begun on it say nothing of whether actions_ have been.
            const bool decides = visit.index != reference_ || counts_reference;
            if (decides) progress.step(++done);
            if (background_ && decides) {
                std::lock_guard<std::mutex> lock(background_->mutex);
                background_->ready[static_cast<size_t>(visit.index)] = 1;
                background_->changed.notify_all();
            }
        }
    };
    if (lower_actions_.empty()) {
        visit_all(order, actions_, context, true);
        prepared_ = true;
        return;
    }
    // The two halves at once: the frames above the reference with actions_, those below with
    // their twins lower_actions_, each chain begun on the reference, each with its own geometry
    // (merged below). Each chain does what the one-chain pass does for its half: the same result.
    std::vector<FrameVisit> upper, lower;
    for (const FrameVisit& v : order) {
        if (v.index >= reference_) upper.push_back(v);
        if (v.index <= reference_) lower.push_back(v);
    }
    FrameActionContext lower_context = context;
    auto lower_geometry = std::make_shared<FrameGeometry>(*geometry_);
    lower_context.geometry = lower_geometry;
    std::exception_ptr upper_failure, lower_failure;
    std::thread lower_chain([&] {
        try {
            visit_all(lower, lower_actions_, lower_context, false);
        } catch (...) {
            lower_failure = std::current_exception();
            background_->stop = true;  // the other chain ends at its next check
        }
    });
    try {
        visit_all(upper, actions_, context, true);
    } catch (...) {
        upper_failure = std::current_exception();
        background_->stop = true;
    }
    lower_chain.join();
    // The error that ended a chain, not the other chain's "cancelled" that it caused.
    const auto is_cancel = [](const std::exception_ptr& e) {
        try {
            std::rethrow_exception(e);
        } catch (const Error& error) {
            return error.kind() == ErrorKind::Cancelled;
        } catch (...) {
            return false;
        }
    };
    if (upper_failure && lower_failure && is_cancel(upper_failure)) std::rethrow_exception(lower_failure);
    if (upper_failure) std::rethrow_exception(upper_failure);
    if (lower_failure) std::rethrow_exception(lower_failure);
    for (int i = 0; i < reference_; ++i) {
        geometry_->to_reference[size_t(i)] = lower_geometry->to_reference[size_t(i)];
        geometry_->aligned[size_t(i)] = lower_geometry->aligned[size_t(i)];
        geometry_->registration_error[size_t(i)] = lower_geometry->registration_error[size_t(i)];
    }
    prepared_ = true;
}


cv::Mat ProcessedFrameSource::frame(int index) {
    if (actions_.empty()) return source_.frame(index);
    if (!background_) {
        if (!prepared_) prepare();
        return replay(read(index), index);
    }
    cv::Mat out;
    if (ahead_.valid()) {
        const bool hit = ahead_index_ == index;
        cv::Mat f = ahead_.get();  // rethrows the reading thread's error
        if (hit) out = std::move(f);
    }
    if (out.empty()) {
        wait_for(index);
        out = replay(read(index), index);
    }
    // Stackers read the frames in order, pass after pass: frame index + 1 is read and replayed
    // now, on a thread, if the analysis has decided it (one frame ahead, no more memory).
    const int next = (index + 1) % size();
    bool decided = false;
    {
        std::lock_guard<std::mutex> lock(background_->mutex);
        decided = background_->ready[static_cast<size_t>(next)] != 0 && !background_->failure;
    }
    flush_notes();
    if (decided && next != index) {
        ahead_index_ = next;
        ahead_ = std::async(std::launch::async, [this, next] { return replay(read(next), next); });
    }
    return out;
}

bool ProcessedFrameSource::replays_native() const {
    bool native = true;
    for (const auto& a : actions_) native = native && a->replays_native();
    return native;
}

cv::Mat ProcessedFrameSource::replay(const cv::Mat& original, int index) {
    if (replays_native()) {
        // Every action works on the frame's own depth: no full-size float copy, and a frame no
        // action changes comes out as it was read.
        cv::Mat f = original;
        for (auto& action : actions_for(index))
            f = naming_frame(source_, index, [&] { return action->replay(f, index); });
        return f;
    }
    cv::Mat f = to_action_float(original);
    for (auto& action : actions_for(index))
        f = naming_frame(source_, index, [&] { return action->replay(f, index); });
    return from_action_float(f, original.depth());
}

}  // namespace fstack
