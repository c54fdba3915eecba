// SPDX-License-Identifier: GPL-3.0-or-later
// The frame pipeline: the seed's visiting order and the frame actions applied on the fly.
#include "fstack/frame_pipeline.hpp"

#include "fstack/error.hpp"

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
    processed->prepare();
    return processed;
}

ProcessedFrameSource::ProcessedFrameSource(FrameSource& source, std::vector<std::unique_ptr<FrameAction>> actions,
                                           FramePipelineOptions options, Progress& progress)
    : source_(source), actions_(std::move(actions)), options_(std::move(options)), progress_(progress) {
    if (source_.size() > 0) reference_ = reference_index(source_.size(), options_.ref_idx);
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
    if ((prepared_ || actions_.empty()) && !sink) return;
    const int n = source_.size();
    if (n == 0) throw Error(ErrorKind::Input, "no frames to process");
    FrameActionContext context;
    context.frame_count = n;
    context.reference_index = reference_;
    context.plot_path = options_.plot_path;
    context.working_path = options_.working_path;
    context.frame_name = [this](int i) { return source_.frame_name(i); };
    context.progress = &progress_;
    geometry_ = std::make_shared<FrameGeometry>();
    geometry_->to_reference.assign(static_cast<size_t>(n), cv::Matx33d::eye());
    geometry_->aligned.assign(static_cast<size_t>(n), false);
    context.geometry = geometry_;

    std::string names;
    for (const auto& a : actions_) names += (names.empty() ? "" : ", ") + a->name();
    progress_.stage("frame actions (" + names + ")", n);
    int done = 0;
    for (const FrameVisit& visit : visiting_order(n, reference_, options_.step_process)) {
        progress_.check_cancel();
        const cv::Mat original = source_.frame(visit.index);
        depth_ = original.depth();
        geometry_->frame_size = original.size();
        context.max_value = max_code_value(depth_);
        cv::Mat f = to_action_float(original);
        for (auto& action : actions_) {
            f = naming_frame(source_, visit.index, [&] {
                return visit.index == reference_ ? action->begin(f, context)
                                                 : action->process(f, visit.index, visit.neighbour);
            });
        }
        if (sink) sink(visit.index, from_action_float(f, depth_));
        progress_.step(++done);
    }
    prepared_ = true;
}

cv::Mat ProcessedFrameSource::frame(int index) {
    if (actions_.empty()) return source_.frame(index);
    if (!prepared_) prepare();
    const cv::Mat original = source_.frame(index);
    cv::Mat f = to_action_float(original);
    for (auto& action : actions_)
        f = naming_frame(source_, index, [&] { return action->replay(f, index); });
    return from_action_float(f, original.depth());
}

}  // namespace fstack
