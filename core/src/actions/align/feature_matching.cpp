// SPDX-License-Identifier: GPL-3.0-or-later
// The feature detectors, descriptors and matchers of AlignFrames, behind the seed's names.
#include "actions/align/feature_matching.hpp"

#include <opencv2/core.hpp>
#include <opencv2/flann.hpp>
#include <opencv2/opencv_modules.hpp>
#ifdef HAVE_OPENCV_XFEATURES2D
#include <opencv2/xfeatures2d.hpp>
#endif

#include "fstack/error.hpp"

namespace fstack {

namespace {
// Enough features for a sub-pixel fit of 4 to 8 parameters, few enough to match quickly.
constexpr int kMaxFeatures = 8000;
}  // namespace

cv::Ptr<cv::Feature2D> make_detector(Detector detector) {
    switch (detector) {
        case Detector::Sift: return cv::SIFT::create(kMaxFeatures);
        case Detector::Orb: return cv::ORB::create(kMaxFeatures);
        case Detector::Akaze: return cv::AKAZE::create();
        case Detector::Brisk: return cv::BRISK::create();
        case Detector::Surf:
#if defined(HAVE_OPENCV_XFEATURES2D) && defined(OPENCV_ENABLE_NONFREE)
            return cv::xfeatures2d::SURF::create();
#else
            throw Error(ErrorKind::Usage,
                        "DETECTOR_SURF is not available: this OpenCV was built without the non-free "
                        "xfeatures2d module (SURF is patented); use DETECTOR_SIFT, ORB, AKAZE or BRISK");
#endif
    }
    throw Error(ErrorKind::Internal, "unknown detector");
}

cv::Ptr<cv::Feature2D> make_extractor(Descriptor descriptor) {
    switch (descriptor) {
        case Descriptor::Sift: return cv::SIFT::create(kMaxFeatures);
        case Descriptor::Orb: return cv::ORB::create(kMaxFeatures);
        case Descriptor::Akaze: return cv::AKAZE::create();
        case Descriptor::Brisk: return cv::BRISK::create();
    }
    throw Error(ErrorKind::Internal, "unknown descriptor");
}

bool is_binary(Descriptor descriptor) { return descriptor != Descriptor::Sift; }

std::vector<cv::DMatch> match_features(const cv::Mat& query, const cv::Mat& train, Descriptor descriptor,
                                       const MatchingConfig& config) {
    std::vector<cv::DMatch> good;
    if (query.rows < 2 || train.rows < 2) return good;
    if (config.method == MatchingMethod::NormHamming) {
        cv::BFMatcher matcher(cv::NORM_HAMMING, /*crossCheck=*/true);
        matcher.match(query, train, good);
        return good;
    }
    std::vector<std::vector<cv::DMatch>> knn;
    if (is_binary(descriptor)) {
        cv::BFMatcher(cv::NORM_HAMMING).knnMatch(query, train, knn, 2);
    } else {
        // flann_idx_kdtree names the index type in the seed (FLANN_INDEX_KDTREE); OpenCV's
        // k-d tree index takes the tree count.
        cv::FlannBasedMatcher matcher(cv::makePtr<cv::flann::KDTreeIndexParams>(config.flann_trees),
                                      cv::makePtr<cv::flann::SearchParams>(config.flann_checks));
        // FLANN's randomised k-d trees draw from the thread's cv::theRNG(): left alone, a frame's
        // matches, and so its alignment, depended on every match made before it in the thread
        // (the same stack aligned twice in one process, a GIMP session, the stacks of a batch
        // came out differently, up to 5 code values). Each match starts from one seed; the
        // caller's generator is given back as it was.
        const cv::RNG saved = cv::theRNG();
        cv::theRNG() = cv::RNG(0x5eed5eedULL);
        try {
            matcher.knnMatch(query, train, knn, 2);
        } catch (...) {
            cv::theRNG() = saved;
            throw;
        }
        cv::theRNG() = saved;
    }
    for (const auto& m : knn)
        if (m.size() == 2 && m[0].distance < config.threshold * m[1].distance) good.push_back(m[0]);
    return good;
}

}  // namespace fstack
