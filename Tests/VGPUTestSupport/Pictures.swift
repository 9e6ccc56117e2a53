import CZlib
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The tools the picture tests check an SVG with: libxml2's `xmllint` and a headless Chromium (Debian
/// `libxml2-utils` and `chromium`, installed by scripts/setup.sh). Skipped on a machine without them,
/// saying why; run, and failing, under CI.
public enum PictureTools {
    public static let xmllint = "/usr/bin/xmllint"
    public static let chromium = "/usr/bin/chromium"

    /// True when both are installed, or under CI.
    public static let shouldRun: Bool = RealFirmware.isCI || [xmllint, chromium].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    /// Why tests are skipped when `shouldRun` is false.
    public static let skipReason = "xmllint or chromium not installed; run scripts/setup.sh (required under CI=true)"

    /// `xmllint --noout` on `svg`: nil when it is well-formed XML, else what xmllint said.
    public static func xmllintProblems(_ svg: String) throws -> String? {
        let file = try scratchFile(svg, suffix: ".svg")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (output, status) = try Oracle.run(xmllint, ["--noout", file], mergingErrors: true)
        return status == 0 && output.isEmpty ? nil : output
    }

    /// Renders `svg` with headless Chromium at the picture's own size and returns the screenshot.
    public static func render(_ svg: SVGPicture) throws -> PNGImage {
        let file = try scratchFile(svg.source, suffix: ".svg")
        let png = file + ".png"
        // A profile of its own, so that renders running in parallel do not share one.
        let profile = file + ".profile"
        defer { for path in [file, png, profile] { try? FileManager.default.removeItem(atPath: path) } }
        // Bounded: a browser that hangs fails the test instead of holding the suite.
        let (output, status) = try Oracle.run("timeout", ["-k", "5", "120", chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                          "--user-data-dir=\(profile)", "--screenshot=\(png)",
                                                          "--window-size=\(svg.width),\(svg.height)", "file://\(file)"], mergingErrors: true)
        guard status == 0, let data = FileManager.default.contents(atPath: png) else {
            throw PNGImage.Failure(why: "chromium exited \(status) without a screenshot: \(output.suffix(500))")
        }
        return try PNGImage(data)
    }

    private static func scratchFile(_ text: String, suffix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vgpukit-picture-\(UUID().uuidString)\(suffix)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// An SVG document as a reader sees it: its size and every run of text, read with an XML parser.
public struct SVGPicture {
    public let source: String
    public let width: Int, height: Int
    /// The content of each `<text>` element, in document order.
    public let texts: [String]

    /// Parses `source`; throws when it is not XML with an `<svg width height>` root.
    public init(_ source: String) throws {
        let reader = Reader()
        let parser = XMLParser(data: Data(source.utf8))
        parser.delegate = reader
        guard parser.parse(), let width = reader.width, let height = reader.height else {
            throw PNGImage.Failure(why: "not an SVG document: \(parser.parserError.map { "\($0)" } ?? "no <svg width height> root")")
        }
        (self.source, self.width, self.height, texts) = (source, width, height, reader.texts)
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var width: Int?, height: Int?
        var texts: [String] = []
        private var current: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "svg" { (width, height) = (attributes["width"].flatMap { Int($0) }, attributes["height"].flatMap { Int($0) }) }
            if name == "text" { current = "" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text", let text = current { texts.append(text) }
            current = nil
        }
    }
}

/// A PNG screenshot, decoded far enough to look at its pixels: 8-bit RGB or RGBA, not interlaced (what
/// Chromium writes); anything else is refused, not guessed at.
public struct PNGImage {
    /// Why an image could not be read.
    public struct Failure: Error, CustomStringConvertible {
        public let why: String
        public var description: String { why }
    }

    public let width: Int, height: Int
    private let channels: Int
    private let pixels: [UInt8]

    /// Decodes `data`: the chunks, the zlib stream of the IDAT chunks, then each row's filter.
    public init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) else { throw Failure(why: "not a PNG") }
        func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        var at = 8, header: [UInt8] = [], compressed: [UInt8] = []
        while at + 12 <= bytes.count {
            let length = be32(at), type = String(decoding: bytes[at + 4..<at + 8], as: UTF8.self)
            guard length >= 0, at + 12 + length <= bytes.count else { throw Failure(why: "chunk \(type) runs past the end") }
            let body = bytes[at + 8..<at + 8 + length]
            if type == "IHDR" { header = Array(body) }
            if type == "IDAT" { compressed += body }
            at += 12 + length
        }
        guard header.count == 13 else { throw Failure(why: "no IHDR") }
        func headerInt(_ i: Int) -> Int { header[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        (width, height) = (headerInt(0), headerInt(4))
        guard header[8] == 8, header[12] == 0, [2, 6].contains(header[9]), width > 0, height > 0, width <= 20_000, height <= 20_000 else {
            throw Failure(why: "unsupported PNG: bit depth \(header[8]), colour type \(header[9]), interlace \(header[12])")
        }
        channels = header[9] == 6 ? 4 : 3
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawLength = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { uncompress(out.baseAddress, &rawLength, $0.baseAddress, uLong($0.count)) }
        }
        guard status == Z_OK, Int(rawLength) == raw.count else { throw Failure(why: "IDAT does not inflate to \(raw.count) bytes (zlib \(status))") }
        // Undo each row's filter (PNG specification, section 9), from the row above.
        var image = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            for i in 0..<stride {
                let x = raw[row * (stride + 1) + 1 + i]
                let a = i >= channels ? Int(image[row * stride + i - channels]) : 0
                let b = row > 0 ? Int(image[(row - 1) * stride + i]) : 0
                let c = row > 0 && i >= channels ? Int(image[(row - 1) * stride + i - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: throw Failure(why: "row \(row): filter type \(filter)")
                }
                image[row * stride + i] = UInt8(truncatingIfNeeded: Int(x) + predictor)
            }
        }
        pixels = image
    }

    /// The colour at (`x`, `y`) as red, green, blue.
    public func rgb(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
        let at = (y * width + x) * channels
        return (pixels[at], pixels[at + 1], pixels[at + 2])
    }

    /// How many pixels lie within `tolerance` of `hex` (`#E69F00`) on every channel.
    public func count(of hex: String, tolerance: Int = 4) -> Int {
        let value = Int(hex.dropFirst(), radix: 16) ?? 0
        let target = [value >> 16 & 0xff, value >> 8 & 0xff, value & 0xff]
        var n = 0
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = rgb(x, y)
                if abs(Int(r) - target[0]) <= tolerance && abs(Int(g) - target[1]) <= tolerance && abs(Int(b) - target[2]) <= tolerance { n += 1 }
            }
        }
        return n
    }

    /// The share of pixels that are not white.
    public var inkedFraction: Double {
        var inked = 0
        for y in 0..<height { for x in 0..<width where rgb(x, y) != (255, 255, 255) { inked += 1 } }
        return Double(inked) / Double(width * height)
    }
}
