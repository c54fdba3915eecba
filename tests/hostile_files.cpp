// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostile_files.hpp"

#include <tiffio.h>
#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <random>
#include <stdexcept>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace fstack::test::hostile {

bool write_ora(const std::filesystem::path& path, const std::string& stack_xml, const cv::Mat& layer) {
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) return false;
    std::vector<uchar> png;
    cv::imencode(".png", layer, png);
    // libzip reads the buffers at zip_close: they live until then.
    zip_file_add(z, "mimetype", zip_source_buffer(z, "image/openraster", 16, 0), 0);
    zip_file_add(z, "stack.xml", zip_source_buffer(z, stack_xml.data(), stack_xml.size(), 0), 0);
    zip_file_add(z, "layer.png", zip_source_buffer(z, png.data(), png.size(), 0), 0);
    return zip_close(z) == 0;
}

namespace {

std::uint32_t crc32(const std::string& data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char c : data) {
        crc ^= c;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

std::string be32(std::uint32_t v) {
    return {char(v >> 24), char((v >> 16) & 0xFF), char((v >> 8) & 0xFF), char(v & 0xFF)};
}
std::string le16(unsigned v) { return {char(v & 0xFF), char((v >> 8) & 0xFF)}; }
std::string le32(std::uint32_t v) { return le16(v & 0xFFFF) + le16(v >> 16); }

std::string png_chunk(const std::string& type, const std::string& data) {
    return be32(std::uint32_t(data.size())) + type + data + be32(crc32(type + data));
}

// Offset of the first SOFn marker of a JPEG.
size_t find_sof(const std::string& jpeg) {
    for (size_t i = 2; i + 3 < jpeg.size();) {
        if (std::uint8_t(jpeg[i]) != 0xFF) throw std::runtime_error("not a marker");
        const std::uint8_t m = std::uint8_t(jpeg[i + 1]);
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) return i;
        i += 2 + ((std::uint8_t(jpeg[i + 2]) << 8) | std::uint8_t(jpeg[i + 3]));
    }
    throw std::runtime_error("no SOF");
}

}  // namespace

cv::Mat picture(int width, int height, int seed) {
    cv::Mat noise(height, width, CV_8UC3);
    cv::RNG rng(static_cast<std::uint64_t>(seed));
    rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
    cv::Mat image;
    cv::GaussianBlur(noise, image, cv::Size(3, 3), 0.8);
    for (int x = 0; x < width; x += 12) cv::line(image, {x, 0}, {x + height / 2, height}, cv::Scalar(250, 240, 230), 1);
    return image;
}

std::string encode(const cv::Mat& image, const std::string& ext, int png_compression) {
    std::vector<unsigned char> out;
    std::vector<int> params;
    if (ext == ".png") params = {cv::IMWRITE_PNG_COMPRESSION, png_compression};
    if (!cv::imencode(ext, image, out, params)) throw std::runtime_error("cannot encode " + ext);
    return std::string(out.begin(), out.end());
}

std::string jpeg_with_corrupt_scan(const std::string& jpeg) {
    std::string b = jpeg;
    const size_t sos = b.find("\xFF\xDA");
    size_t mid = (sos + b.size()) / 2;
    while (std::uint8_t(b[mid - 1]) == 0xFF) ++mid;
    b[mid] = char(0xFF);
    b[mid + 1] = char(0xD5);  // RST5 in a file without restart intervals
    return b;
}

std::string jpeg_with_app1(const std::string& jpeg, const std::string& payload) {
    const size_t len = payload.size() + 2;
    return jpeg.substr(0, 2) + "\xFF\xE1" + char((len >> 8) & 0xFF) + char(len & 0xFF) + payload + jpeg.substr(2);
}

std::string motion_photo_video(size_t n, unsigned seed) {
    return std::string("\x00\x00\x00\x1C" "ftypmp42\x00\x00\x00\x00" "isommp42", 20) + random_bytes(n, seed);
}

std::string jpeg_with_size(const std::string& jpeg, int width, int height) {
    std::string b = jpeg;
    const size_t sof = find_sof(b);
    b[sof + 5] = char((height >> 8) & 0xFF);
    b[sof + 6] = char(height & 0xFF);
    b[sof + 7] = char((width >> 8) & 0xFF);
    b[sof + 8] = char(width & 0xFF);
    return b;
}

std::string png_header_only(std::uint32_t width, std::uint32_t height) {
    const std::string ihdr = be32(width) + be32(height) + std::string{8, 2, 0, 0, 0};  // 8-bit RGB
    // A zlib stream of 16 zero bytes (stored block): a start of scanline data, far from all.
    const std::string idat = std::string("\x78\x01\x01\x10\x00\xEF\xFF", 7) + std::string(16, '\0') +
                             std::string("\x00\x00\x00\x10", 4);
    return std::string("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr) + png_chunk("IDAT", idat) +
           png_chunk("IEND", "");
}

std::string tiff_header_only(std::uint32_t width, std::uint32_t height) {
    // Header, then IFD0 at offset 8 with 8 entries (2 + 8 * 12 + 4 bytes), then one data byte.
    const std::uint32_t data_offset = 8 + 2 + 8 * 12 + 4;
    auto entry = [](unsigned tag, unsigned type, std::uint32_t value) {
        return le16(tag) + le16(type) + le32(1) + (type == 3 ? le16(value) + le16(0) : le32(value));
    };
    std::string b = std::string("II*\0", 4) + le32(8) + le16(8);
    b += entry(256, 4, width);           // ImageWidth (LONG)
    b += entry(257, 4, height);          // ImageLength
    b += entry(258, 3, 8);               // BitsPerSample
    b += entry(259, 3, 1);               // Compression: none
    b += entry(262, 3, 1);               // Photometric: min-is-black
    b += entry(273, 4, data_offset);     // StripOffsets
    b += entry(278, 4, height);          // RowsPerStrip: one strip
    b += entry(279, 4, width * height);  // StripByteCounts (wraps for bombs: never read)
    b += le32(0);                        // no next IFD
    return b + std::string(1, '\0');
}

std::string random_bytes(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string b(n, '\0');
    for (char& c : b) c = char(rng() & 0xFF);
    if (n > 0 && (std::uint8_t(b[0]) == 0xFF || b[0] == '\x89' || b[0] == 'I' || b[0] == 'M')) b[0] = 'x';
    return b;
}

std::string tiff_with_orientation(const cv::Mat& pixels, int orientation) {
    char name[] = "/tmp/fstack-orient-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) throw std::runtime_error("mkstemp");
    ::close(fd);
    TIFF* tif = TIFFOpen(name, "w");
    if (!tif) throw std::runtime_error("TIFFOpen");
    cv::Mat rgb;
    cv::cvtColor(pixels, rgb, cv::COLOR_BGR2RGB);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, std::uint32_t(rgb.cols));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, std::uint32_t(rgb.rows));
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_ORIENTATION, orientation);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, std::uint32_t(rgb.rows));
    for (int y = 0; y < rgb.rows; ++y) TIFFWriteScanline(tif, rgb.ptr(y), std::uint32_t(y), 0);
    TIFFClose(tif);
    std::FILE* f = std::fopen(name, "rb");
    std::string bytes;
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, n);
    std::fclose(f);
    std::remove(name);
    return bytes;
}

}  // namespace fstack::test::hostile
