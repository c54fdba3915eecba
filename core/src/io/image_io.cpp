// SPDX-License-Identifier: GPL-3.0-or-later
// Image reading: format sniffing, header info without decoding, JPEG completeness checks, and
// decoding of JPEG, PNG and TIFF to 8/16-bit BGR(A) or grey with the EXIF orientation applied.
#include "fstack/image_io.hpp"

#include <tiffio.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/error.hpp"
#include "fstack/input_file.hpp"
#include "fstack/limits.hpp"
#include "fstack/metadata.hpp"
#include "io/jpeg_reader.hpp"
#include "io/orientation.hpp"
#include "io/png_reader.hpp"
#include "io/raw_reader.hpp"
#include "io/tiff_header.hpp"
#include "io/tiff_reader.hpp"

namespace fstack {
namespace {

std::vector<unsigned char> read_bytes(const fs::path& path, int frame_index) {
    return read_file_bytes(path, frame_index, "an image");
}

FileFormat sniff_bytes(const unsigned char* b, size_t n) {
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return FileFormat::Jpeg;
    if (n >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return FileFormat::Png;
    // Classic TIFF (42) and BigTIFF (43), both byte orders.
    if (n >= 4 && ((b[0] == 'I' && b[1] == 'I' && (b[2] == 42 || b[2] == 43) && b[3] == 0) ||
                   (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && (b[3] == 42 || b[3] == 43))))
        return FileFormat::Tiff;
    return FileFormat::Unknown;
}

// A JPEG cut short (half-copied from a card) decodes "successfully" in OpenCV with a grey
// bottom. Most files end with their picture's end marker (EOI), which is the quick check.
bool jpeg_ends_with_eoi(const unsigned char* b, size_t n) {
    size_t end = n;
    while (end > 2 && b[end - 1] == 0) --end;  // some writers pad with zeros
    return end >= 4 && b[end - 2] == 0xFF && b[end - 1] == 0xD9;
}

// Phones append a video to the picture (Google and Samsung motion photos), cameras a second
// JPEG (MPF previews), some tools their own data: the file then ends with something else. Walk
// the marker structure of the first picture (segments by their lengths, entropy-coded data up to
// the next marker) to its EOI; only a file that runs out before it is truncated. An EXIF
// thumbnail's EOI sits inside an APP segment and is skipped with it.
bool jpeg_picture_is_complete(const unsigned char* b, size_t n) {
    if (n < 4 || b[0] != 0xFF || b[1] != 0xD8) return false;
    size_t i = 2;
    while (i + 1 < n) {
        if (b[i] != 0xFF) return false;  // a marker was expected here
        size_t j = i + 1;
        while (j < n && b[j] == 0xFF) ++j;  // fill bytes
        if (j >= n) return false;
        const unsigned char m = b[j];
        if (m == 0xD9) return true;
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) { i = j + 1; continue; }  // no length field
        if (j + 2 >= n) return false;
        const size_t len = (size_t(b[j + 1]) << 8) | b[j + 2];
        if (len < 2) return false;
        i = j + 1 + len;
        if (i > n) return false;
        if (m != 0xDA) continue;
        // Entropy-coded data: FF 00 is a stuffed byte, FF D0..D7 a restart marker, FF FF fill.
        while (i + 1 < n) {
            if (b[i] == 0xFF) {
                const unsigned char c = b[i + 1];
                if (c == 0x00 || (c >= 0xD0 && c <= 0xD7)) { i += 2; continue; }
                if (c != 0xFF) break;  // the next marker
            }
            ++i;
        }
    }
    return false;
}

bool jpeg_picture_is_complete(const std::vector<unsigned char>& b) { return jpeg_picture_is_complete(b.data(), b.size()); }

bool jpeg_is_complete(const std::vector<unsigned char>& b) {
    return jpeg_ends_with_eoi(b.data(), b.size()) || jpeg_picture_is_complete(b);
}

uint32_t be32(const unsigned char* p) { return (uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3]; }
uint16_t be16(const unsigned char* p) { return uint16_t((p[0] << 8) | p[1]); }

ImageInfo png_info(const std::vector<unsigned char>& b) {
    ImageInfo info;
    if (b.size() < 33 || std::memcmp(&b[12], "IHDR", 4) != 0) return info;
    info.width = int(be32(&b[16]));
    info.height = int(be32(&b[20]));
    const int bit_depth = b[24], colour = b[25];
    info.depth = bit_depth == 16 ? CV_16U : CV_8U;
    info.channels = colour == 0 ? 1 : colour == 2 ? 3 : colour == 3 ? 3 : colour == 4 ? 2 : colour == 6 ? 4 : 0;
    if (colour == 4) info.channels = 4;  // grey+alpha decodes as BGRA
    return info;
}

// Size and channels from the frame header; `bits`, where given, gets its sample precision (8, 12, 16).
ImageInfo jpeg_info(const std::vector<unsigned char>& b, int* bits = nullptr) {
    ImageInfo info;
    size_t i = 2;
    while (i + 9 < b.size()) {
        if (b[i] != 0xFF) { ++i; continue; }
        const unsigned char m = b[i + 1];
        if (m == 0xFF) { ++i; continue; }
        if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) { i += 2; continue; }
        const uint16_t len = be16(&b[i + 2]);
        const bool sof = (m >= 0xC0 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof) {
            info.depth = CV_8U;
            if (bits) *bits = b[i + 4];
            info.height = be16(&b[i + 5]);
            info.width = be16(&b[i + 7]);
            info.channels = b[i + 9] == 1 ? 1 : 3;
            return info;
        }
        i += 2 + len;
    }
    return info;
}

// Refuses a layout the decoder does not read here, before any work ("unsupported: ...").
ImageInfo tiff_info(const fs::path& path, int frame_index) {
    ImageInfo info;
    TIFFSetWarningHandler(nullptr);
    TIFFSetErrorHandler(nullptr);
    std::unique_ptr<TIFF, void (*)(TIFF*)> tif(TIFFOpen(path.c_str(), "r"), [](TIFF* t) { TIFFClose(t); });
    if (!tif) return info;
    uint32_t w = 0, h = 0;
    TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &h);
    info.width = int(w);
    info.height = int(h);
    if (info.width <= 0 || info.height <= 0) return info;
    const detail::TiffDecodedShape shape = detail::tiff_decoded_shape(tif.get(), path.string(), frame_index);
    info.depth = shape.depth;
    info.channels = shape.channels;
    return info;
}

// 12-bit (and 16-bit lossless) JPEG: valid, and not what this libjpeg decodes.
void refuse_jpeg_precision(int precision, const std::string& name, int frame_index) {
    if (precision != 0 && precision != 8)
        throw Error(ErrorKind::Input, name, frame_index,
                    "unsupported: " + std::to_string(precision) +
                        "-bit JPEG (a valid file that fstack does not read: only 8-bit JPEG is; save it as 16-bit TIFF or PNG)");
}

// GIMP's "Grayscale with alpha" PNG and TIFF: BGRA, as RGBA frames are handled.
cv::Mat grey_alpha_to_bgra(const cv::Mat& image) {
    std::vector<cv::Mat> ga;
    cv::split(image, ga);
    cv::Mat out;
    cv::merge(std::vector<cv::Mat>{ga[0], ga[0], ga[0], ga[1]}, out);
    return out;
}

}  // namespace

const char* format_name(FileFormat f) {
    switch (f) {
        case FileFormat::Jpeg: return "JPEG";
        case FileFormat::Png: return "PNG";
        case FileFormat::Tiff: return "TIFF";
        case FileFormat::Raw: return "raw";
        default: return "unknown";
    }
}

FileFormat sniff_format(const fs::path& path) {
    if (check_file(path).kind != FileKind::Regular) return FileFormat::Unknown;  // a FIFO would block
    std::ifstream in(path, std::ios::binary);
    unsigned char b[8] = {};
    in.read(reinterpret_cast<char*>(b), sizeof b);
    const FileFormat f = sniff_bytes(b, static_cast<size_t>(in.gcount()));
    if ((f == FileFormat::Unknown || f == FileFormat::Tiff) && detail::is_raw_file(path)) return FileFormat::Raw;
    return f;
}

FileFormat format_from_extension(const fs::path& path) {
    std::string e = path.extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
    if (e == ".jpg" || e == ".jpeg" || e == ".jpe") return FileFormat::Jpeg;
    if (e == ".png") return FileFormat::Png;
    if (e == ".tif" || e == ".tiff") return FileFormat::Tiff;
    return FileFormat::Unknown;
}

ImageInfo read_image_info(const fs::path& path, int frame_index) {
    // Headers are small; reading the first 256 KiB covers JPEG APP segments before SOF.
    const std::vector<unsigned char> head = read_file_bytes(path, frame_index, "an image", 256 * 1024);
    if (head.empty())
        throw Error(ErrorKind::Input, path.string(), frame_index, "the file is empty (0 bytes): was it fully copied?");
    std::ifstream in(path, std::ios::binary);
    ImageInfo info;
    const FileFormat f = sniff_bytes(head.data(), head.size());
    if ((f == FileFormat::Unknown || f == FileFormat::Tiff) && detail::is_raw_file(path))
        return detail::raw_info(path, frame_index);  // LibRaw turns the picture itself
    if (f == FileFormat::Jpeg) {
        // A half-copied JPEG is caught here, before any work, not mid-stack.
        std::vector<unsigned char> tail(64);
        in.seekg(0, std::ios::end);
        const auto size = static_cast<std::streamoff>(in.tellg());
        const std::streamoff n = std::min<std::streamoff>(size, 64);
        in.seekg(size - n);
        in.read(reinterpret_cast<char*>(tail.data()), n);
        tail.resize(static_cast<size_t>(in.gcount()));
        // Rarely (motion photos, appended data) the whole file must be walked.
        if (!jpeg_ends_with_eoi(tail.data(), tail.size()) &&
            !jpeg_picture_is_complete(read_bytes(path, frame_index)))
            throw Error(ErrorKind::Input, path.string(), frame_index,
                        "truncated JPEG (the file ends before the image data does; was it fully copied?)");
    }
    int jpeg_bits = 0;
    if (f == FileFormat::Png) info = png_info(head);
    else if (f == FileFormat::Jpeg) info = jpeg_info(head, &jpeg_bits);
    else if (f == FileFormat::Tiff) info = tiff_info(path, frame_index);
    else if (format_from_extension(path) != FileFormat::Unknown)
        throw Error(ErrorKind::Input, path.string(), frame_index,
                    std::string("not a JPEG, PNG or TIFF image, although its name says ") +
                        format_name(format_from_extension(path)) + " (a damaged or incompletely copied file?)");
    else throw Error(ErrorKind::Input, path.string(), frame_index, "not a JPEG, PNG or TIFF image");
    if (f == FileFormat::Jpeg) refuse_jpeg_precision(jpeg_bits, path.string(), frame_index);
    if (f == FileFormat::Jpeg && info.width == 0) {
        // SOF beyond the first 256 KiB (huge APP segments): decode the header fully.
        const cv::Mat m = read_image(path, frame_index);
        info.width = m.cols; info.height = m.rows; info.channels = m.channels(); info.depth = m.depth();
    }
    info.format = f;
    if (info.width <= 0 || info.height <= 0)
        throw Error(ErrorKind::Input, path.string(), frame_index,
                    std::string("corrupt ") + format_name(f) + " header");
    check_pixel_limit(info.width, info.height, path.string(), frame_index);
    // EXIF orientation 5..8 swaps width and height (read_image applies it to every format).
    const int o = exif_orientation(path);
    if (o >= 5 && o <= 8) std::swap(info.width, info.height);
    return info;
}

cv::Mat read_image(const fs::path& path, int frame_index, Progress& progress) {
    return decode_image(read_bytes(path, frame_index), path.string(), frame_index, progress);
}

cv::Mat decode_image(const std::vector<unsigned char>& bytes, const std::string& name, int frame_index,
                     Progress& progress) {
    const FileFormat f = sniff_bytes(bytes.data(), bytes.size());
    if (bytes.empty()) throw Error(ErrorKind::Input, name, frame_index, "the file is empty");
    if ((f == FileFormat::Unknown || f == FileFormat::Tiff) && detail::is_raw_bytes(bytes))
        return detail::decode_raw(bytes, name, frame_index, RawOptions{});  // display-ready sRGB
    if (f == FileFormat::Unknown)
        throw Error(ErrorKind::Input, name, frame_index, "not a JPEG, PNG or TIFF image");
    if (f == FileFormat::Jpeg && !jpeg_is_complete(bytes))
        throw Error(ErrorKind::Input, name, frame_index,
                    "truncated JPEG (the file ends before the image data does; was it fully copied?)");
    if (f == FileFormat::Tiff) {
        // OpenCV allocates what the header declares: check it first (JPEG and PNG check theirs).
        const TiffHeader h = read_tiff_header(bytes);
        if (!h.ok) throw Error(ErrorKind::Input, name, frame_index, "corrupt TIFF header");
        check_pixel_limit(h.width, h.height, name, frame_index);
    }
    cv::Mat image;
    try {
        int jpeg_bits = 0;
        if (f == FileFormat::Jpeg) jpeg_info(bytes, &jpeg_bits);
        refuse_jpeg_precision(jpeg_bits, name, frame_index);
        image = f == FileFormat::Png    ? decode_png(bytes, name, frame_index)
                : f == FileFormat::Jpeg ? decode_jpeg(bytes, name, frame_index, progress)
                                        : detail::decode_tiff(bytes, name, frame_index);
    } catch (const cv::Exception& e) {
        throw Error(ErrorKind::Input, name, frame_index,
                    std::string("corrupt ") + format_name(f) + ": " + e.err);
    }
    if (image.empty())
        throw Error(ErrorKind::Input, name, frame_index,
                    std::string("corrupt or truncated ") + format_name(f) + " (the decoder failed)");
    if (image.depth() != CV_8U && image.depth() != CV_16U)
        throw Error(ErrorKind::Internal, name, frame_index, "a decoder gave an unexpected sample type");
    if (image.channels() == 2) image = grey_alpha_to_bgra(image);
    if (image.channels() > 4)
        throw Error(ErrorKind::Input, name, frame_index,
                    "unsupported number of channels: " + std::to_string(image.channels()));
    // Our decoders leave the orientation (EXIF, or the TIFF's own tag, which exiv2 reads as
    // Exif.Image.Orientation) to us.
    apply_exif_orientation(image, exif_orientation_bytes(bytes));
    return image;
}

}  // namespace fstack
