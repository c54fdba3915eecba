// SPDX-License-Identifier: GPL-3.0-or-later
// CMYK to BGR through the file's ICC profile (LittleCMS), or the naive rule without one.
#include "io/colour.hpp"

#include <lcms2.h>

#include <memory>
#include <string>

namespace fstack::detail {
namespace {

struct ProfileCloser {
    void operator()(void* p) const { cmsCloseProfile(p); }
};
struct TransformCloser {
    void operator()(void* t) const { cmsDeleteTransform(t); }
};

template <typename T>
void naive(const cv::Mat& in, cv::Mat& out, bool inverted) {
    const double max = sizeof(T) == 1 ? 255.0 : 65535.0;
    for (int y = 0; y < in.rows; ++y) {
        const T* s = in.ptr<T>(y);
        T* d = out.ptr<T>(y);
        for (int x = 0; x < in.cols; ++x, s += 4, d += 3) {
            // Remaining light of each ink, times the light K leaves.
            const double c = inverted ? s[0] : max - s[0], m = inverted ? s[1] : max - s[1];
            const double yy = inverted ? s[2] : max - s[2], k = inverted ? s[3] : max - s[3];
            d[0] = static_cast<T>(yy * k / max + 0.5);
            d[1] = static_cast<T>(m * k / max + 0.5);
            d[2] = static_cast<T>(c * k / max + 0.5);
        }
    }
}

}  // namespace

std::string icc_colour_space(const std::vector<unsigned char>& icc) {
    if (icc.size() < 128 || std::string(icc.begin() + 36, icc.begin() + 40) != "acsp") return {};
    return std::string(icc.begin() + 16, icc.begin() + 20);
}

bool icc_fits_rgb_or_grey(const std::vector<unsigned char>& icc) {
    const std::string space = icc_colour_space(icc);
    // Ink spaces: CMYK, CMY and the n-colour ones ("2CLR".."FCLR"), whose frames are converted.
    const bool ink = space == "CMYK" || space == "CMY " || (space.size() == 4 && space.compare(1, 3, "CLR") == 0);
    return !ink;
}

cv::Mat cmyk_to_bgr(const cv::Mat& cmyk, const std::vector<unsigned char>& icc, bool inverted) {
    CV_Assert(cmyk.channels() == 4 && (cmyk.depth() == CV_8U || cmyk.depth() == CV_16U));
    const bool wide = cmyk.depth() == CV_16U;
    cv::Mat out(cmyk.size(), CV_MAKETYPE(cmyk.depth(), 3));
    if (icc_colour_space(icc) == "CMYK") {
        cmsSetLogErrorHandler(nullptr);  // a profile LittleCMS cannot use falls back below
        std::unique_ptr<void, ProfileCloser> in(cmsOpenProfileFromMem(icc.data(), cmsUInt32Number(icc.size())));
        std::unique_ptr<void, ProfileCloser> srgb(cmsCreate_sRGBProfile());
        if (in && srgb) {
            cmsUInt32Number in_format = wide ? TYPE_CMYK_16 : TYPE_CMYK_8;
            if (inverted) in_format = wide ? TYPE_CMYK_16_REV : TYPE_CMYK_8_REV;
            std::unique_ptr<void, TransformCloser> t(cmsCreateTransform(
                in.get(), in_format, srgb.get(), wide ? TYPE_BGR_16 : TYPE_BGR_8, INTENT_PERCEPTUAL, 0));
            if (t) {
                for (int y = 0; y < cmyk.rows; ++y)
                    cmsDoTransform(t.get(), cmyk.ptr(y), out.ptr(y), cmsUInt32Number(cmyk.cols));
                return out;
            }
        }
    }
    if (wide) naive<uint16_t>(cmyk, out, inverted);
    else naive<uint8_t>(cmyk, out, inverted);
    return out;
}

}  // namespace fstack::detail
