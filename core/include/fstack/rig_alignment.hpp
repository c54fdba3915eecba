// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/frame_action.hpp"

namespace fstack {

// A rig's alignment: where every frame of a stack lies on its reference frame, kept so that
// other stacks of the same rig (the same optics, rail and focus steps: an OpenScan scanner, a
// microscope's motorised focus) can reuse it instead of estimating it again
// (`fstack stack --save-alignment FILE`, `--alignment FILE`, `fstack batch --alignment-from K`).
struct RigAlignment {
    cv::Size frame_size;
    int reference_index = 0;
    std::vector<cv::Matx33d> to_reference;   // per frame: its pixels -> the reference's
    std::vector<std::vector<double>> gains;  // per frame, as StackResult::gains (may be empty)
    std::vector<std::string> frames;         // the frames' names it was measured on (information)
    int stacks = 1;                          // how many stacks it is the median of
    std::string source;                      // where it came from (its file), for messages
};

// The alignment of one stack, from its geometry and gains (StackResult::geometry, ::gains) and its
// frames' names.
RigAlignment rig_alignment_of(const FrameGeometry& geometry, const std::vector<std::vector<float>>& gains = {},
                              const std::vector<std::string>& frame_names = {});

// The median of several stacks' alignments, frame index by frame index and matrix element by
// element (the reference frame's own, the identity, stays so). Throws Error(Input) when the
// stacks differ in frame count, frame size or reference frame.
RigAlignment median_alignment(const std::vector<RigAlignment>& stacks);

// JSON (format "fstack-alignment", version 1): written atomically, never replacing a file
// without `overwrite`. Throws Error(Output).
void write_rig_alignment(const std::filesystem::path& path, const RigAlignment& alignment, bool overwrite = false);
// Throws Error(Input) naming the file and what is wrong with it.
RigAlignment read_rig_alignment(const std::filesystem::path& path);

// `alignment` moved onto another reference frame of the same stack: every map composed with
// the inverse of that frame's.
RigAlignment rebased(const RigAlignment& alignment, int reference_index);

// Throws Error(Input) naming `what` (the alignment's file) unless `alignment` fits a stack of
// `frame_count` frames of `frame_size`.
void check_alignment_fits(const RigAlignment& alignment, int frame_count, cv::Size frame_size, const std::string& what);

// How well a stack's frames are registered: the mean registration error of its frames against
// their neighbours (FrameGeometry::registration_error) without and with their transforms, over
// the `frames` frames where it was measured (0 when none was).
struct AlignmentFit {
    double before = 0, after = 0;
    int frames = 0;
};
AlignmentFit alignment_fit(const FrameGeometry& geometry);

}  // namespace fstack
