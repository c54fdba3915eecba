// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fstack/frame_action.hpp"
#include "fstack/frame_source.hpp"

namespace fstack {

// The seed's reference rules, shared by the in-memory pipeline and the Actions job.
struct FramePipelineOptions {
    std::optional<int> ref_idx;   // unset: the middle frame (count / 2)
    bool step_process = true;     // against the neighbour towards the reference, else the reference
    std::filesystem::path plot_path;  // empty: no plots
    std::filesystem::path working_path;  // resolves relative action inputs (the noise mask)
    // The analysing pass works on copies whose longer side is at most this (0: full size), when
    // every action can (FrameAction::analyses_reduced) and no processed frame is written out:
    // reduced by the smallest whole factor that gets there, in linear light.
    int analysis_size = 1000;
};

// The frame actions of a stack, in pipeline order (MaskNoise -> Vignetting -> AlignFrames ->
// BalanceFrames), with the reference rules. Empty: the frames reach the stacker as they are.
// stack() clones the actions, so one pipeline serves any number of stacks.
struct FramePipeline {
    std::vector<std::unique_ptr<FrameAction>> actions;
    FramePipelineOptions options;

    bool empty() const { return actions.empty(); }
    // Fresh copies of the actions (no per-stack state).
    std::vector<std::unique_ptr<FrameAction>> clone_actions() const;
};

// `source` as a stacker sees it: through the pipeline's actions (cloned; analysed now, in the
// seed's order, then replayed frame by frame on request), or `source` itself when the pipeline
// is empty (not owned: `source` must outlive the result).
std::shared_ptr<FrameSource> process_frames(FrameSource& source, const FramePipeline& pipeline,
                                            Progress& progress = null_progress());

// A frame's turn in the seed's order: the reference, the frames after it outward, then the
// frames before it; `neighbour` is the frame it is processed against.
struct FrameVisit { int index, neighbour; };
std::vector<FrameVisit> visiting_order(int frame_count, int reference_index, bool step_process);
int reference_index(int frame_count, const std::optional<int>& ref_idx);

// The in-memory API: a FrameSource whose frames are those of `source` after the frame actions
// in cascade (MaskNoise -> Vignetting -> AlignFrames -> BalanceFrames, as given). The first
// request runs the analysing pass in the seed's order (one decode per frame, only the reference
// and one neighbour's features held); every request then replays the actions on one frame,
// so a stacker that reads the frames twice (DepthMapStack MAP_MAX) pays the warp, not the
// feature matching, again. Frames come out with the depth and channels of `source`.
class ProcessedFrameSource : public FrameSource {
public:
    ProcessedFrameSource(FrameSource& source, std::vector<std::unique_ptr<FrameAction>> actions,
                         FramePipelineOptions options = {}, Progress& progress = null_progress());
    ~ProcessedFrameSource() override;
    ProcessedFrameSource(const ProcessedFrameSource&) = delete;
    ProcessedFrameSource& operator=(const ProcessedFrameSource&) = delete;
    int size() const override { return source_.size(); }
    cv::Mat frame(int index) override;
    std::string frame_name(int index) const override { return source_.frame_name(index); }
    int origin(int index) const override { return source_.origin(index); }
    std::optional<ImageInfo> declared_format() const override { return source_.declared_format(); }

    // Runs the analysing pass now (idempotent). `sink`, if given, receives every processed
    // frame once, in the visiting order (the Actions job writes them to files).
    void prepare(const std::function<void(int, const cv::Mat&)>& sink = {});
    // Starts the analysing pass on a thread of its own (the frames before the reference first,
    // so that a stacker reading frame 0 first waits least): frame(i) then waits for frame i's
    // decision only, and the stacker works on frame i while the next ones are analysed. The
    // actions' messages reach `progress` from the calling thread. Idempotent.
    void start();
    int reference() const { return reference_; }
    // Where each frame lies on the reference (waits for the analysing pass; identities without
    // AlignFrames).
    std::shared_ptr<const FrameGeometry> geometry();
    // Per frame, the gains the actions applied (FrameAction::applied_gain, multiplied where
    // several apply one); empty entries where none did. Waits for the analysing pass.
    std::vector<std::vector<float>> gains();

private:
    FrameSource& source_;
    std::vector<std::unique_ptr<FrameAction>> actions_;
    // The twins of actions_ that analyse the frames before the reference on a second thread
    // (start(), with threads() > 1); empty: actions_ analyse every frame.
    std::vector<std::unique_ptr<FrameAction>> lower_actions_;
    std::vector<std::unique_ptr<FrameAction>>& actions_for(int index) {
        return !lower_actions_.empty() && index < reference_ ? lower_actions_ : actions_;
    }
    const std::vector<std::unique_ptr<FrameAction>>& actions_for(int index) const {
        return !lower_actions_.empty() && index < reference_ ? lower_actions_ : actions_;
    }
    FramePipelineOptions options_;
    Progress& progress_;
    int reference_ = 0;
    int depth_ = -1;
    bool prepared_ = false;
    std::shared_ptr<FrameGeometry> geometry_;

    void analyse(const std::function<void(int, const cv::Mat&)>& sink, Progress& progress, bool lower_first);
    cv::Mat read(int index);  // source_.frame(), one thread at a time
    cv::Mat replay(const cv::Mat& original, int index);  // the actions' replay of one frame
    bool replays_native() const;
    void wait_for(int index);  // -1: the whole pass
    void flush_notes();
    struct Background;
    std::unique_ptr<Background> background_;
    std::mutex source_mutex_;
    // The next frame, read and replayed on a thread while the stacker works on this one.
    std::future<cv::Mat> ahead_;
    int ahead_index_ = -1;
};

}  // namespace fstack
