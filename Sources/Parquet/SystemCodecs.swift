#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// GZIP, ZSTD and BROTLI pages are inflated by the system's zlib, libzstd and libbrotlidec, loaded at run time
/// with `dlopen`.
///
/// Why not link them: the package then builds on a fresh machine without `-dev` packages (libzstd's headers
/// are not installed by default), and only a user whose files actually use one of these codecs needs the
/// shared library, which every mainstream Linux and macOS ships (`libz.so.1`, `libzstd.so.1`; `libbrotlidec.so.1`
/// on most, Debian's `libbrotli1`). When it is missing the read fails with one clear error naming the library.
enum SystemCodecs {
  private struct Zlib: @unchecked Sendable {
    typealias InflateInit2 = @convention(c) (UnsafeMutableRawPointer, Int32, UnsafePointer<CChar>, Int32) -> Int32
    typealias Inflate = @convention(c) (UnsafeMutableRawPointer, Int32) -> Int32
    let inflateInit2: InflateInit2
    let inflate: Inflate
    let inflateEnd: InflateEnd
    let inflateReset: InflateEnd
    typealias InflateEnd = @convention(c) (UnsafeMutableRawPointer) -> Int32
  }

  private struct Zstd: @unchecked Sendable {
    typealias Decompress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int
    typealias Compress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int, Int32) -> Int
    typealias Bound = @convention(c) (Int) -> Int
    typealias IsError = @convention(c) (Int) -> UInt32
    let decompress: Decompress
    let compress: Compress
    let bound: Bound
    let isError: IsError
  }

  private struct Brotli: @unchecked Sendable {
    typealias Decompress = @convention(c) (Int, UnsafeRawPointer?, UnsafeMutablePointer<Int>, UnsafeMutableRawPointer?) -> Int32
    let decompress: Decompress
  }

  private static func open(_ names: [String]) -> UnsafeMutableRawPointer? {
    for name in names { if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) { return handle } }
    return nil
  }

  private static let zlib: Zlib? = {
    guard let h = open(["libz.so.1", "libz.so", "libz.dylib", "/usr/lib/libz.1.dylib"]),
      let i = dlsym(h, "inflateInit2_"), let f = dlsym(h, "inflate"), let e = dlsym(h, "inflateEnd"),
      let r = dlsym(h, "inflateReset")
    else { return nil }
    return Zlib(
      inflateInit2: unsafeBitCast(i, to: Zlib.InflateInit2.self), inflate: unsafeBitCast(f, to: Zlib.Inflate.self),
      inflateEnd: unsafeBitCast(e, to: Zlib.InflateEnd.self), inflateReset: unsafeBitCast(r, to: Zlib.InflateEnd.self))
  }()

  private static let zstd: Zstd? = {
    guard let h = open(["libzstd.so.1", "libzstd.so", "libzstd.dylib", "libzstd.1.dylib"]),
      let d = dlsym(h, "ZSTD_decompress"), let c = dlsym(h, "ZSTD_compress"), let b = dlsym(h, "ZSTD_compressBound"),
      let e = dlsym(h, "ZSTD_isError")
    else { return nil }
    return Zstd(
      decompress: unsafeBitCast(d, to: Zstd.Decompress.self), compress: unsafeBitCast(c, to: Zstd.Compress.self),
      bound: unsafeBitCast(b, to: Zstd.Bound.self), isError: unsafeBitCast(e, to: Zstd.IsError.self))
  }()

  private static let brotli: Brotli? = {
    guard let h = open(["libbrotlidec.so.1", "libbrotlidec.so", "libbrotlidec.dylib", "libbrotlidec.1.dylib"]),
      let d = dlsym(h, "BrotliDecoderDecompress")
    else { return nil }
    return Brotli(decompress: unsafeBitCast(d, to: Brotli.Decompress.self))
  }()

  /// Inflates a gzip (or zlib) stream into exactly `output.count` bytes. A stream of several gzip members
  /// (concatenated, as `cat a.gz b.gz` and some Hadoop writers make) inflates to their concatenation.
  static func gunzip(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
    guard let zlib else { throw CorruptData("GZIP pages need the system's zlib (libz.so.1), which was not found") }
    // z_stream on LP64: next_in 0, avail_in 8, total_in 16, next_out 24, avail_out 32, total_out 40, msg 48,
    // state 56, zalloc 64, zfree 72, opaque 80, data_type 88, adler 96, reserved 104; 112 bytes.
    let stream = UnsafeMutableRawPointer.allocate(byteCount: 112, alignment: 8)
    defer { stream.deallocate() }
    stream.initializeMemory(as: UInt8.self, repeating: 0, count: 112)
    guard zlib.inflateInit2(stream, 15 + 32, "1.2.11", 112) == 0 else { throw CorruptData("gzip: cannot start inflate") }
    defer { _ = zlib.inflateEnd(stream) }
    stream.storeBytes(of: input.baseAddress, toByteOffset: 0, as: UnsafeRawPointer?.self)
    stream.storeBytes(of: UInt32(clamping: input.count), toByteOffset: 8, as: UInt32.self)
    stream.storeBytes(of: output.baseAddress, toByteOffset: 24, as: UnsafeMutableRawPointer?.self)
    stream.storeBytes(of: UInt32(clamping: output.count), toByteOffset: 32, as: UInt32.self)
    var status = zlib.inflate(stream, 4)  // Z_FINISH
    // After a member's end (Z_STREAM_END) with input left and output to fill, the next member follows.
    while status == 1, stream.load(fromByteOffset: 8, as: UInt32.self) > 0,
      stream.load(fromByteOffset: 32, as: UInt32.self) > 0
    {
      guard zlib.inflateReset(stream) == 0 else { throw CorruptData("gzip: cannot start the next member") }
      status = zlib.inflate(stream, 4)
    }
    // total_out restarts with each member; what is left of the output counts across all of them.
    let produced = output.count - Int(stream.load(fromByteOffset: 32, as: UInt32.self))
    guard status == 1, produced == output.count else {  // Z_STREAM_END
      throw CorruptData("gzip: inflate failed (status \(status), \(produced) of \(output.count) bytes)")
    }
  }

  /// Decompresses a zstd frame into exactly `output.count` bytes.
  static func unzstd(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
    guard let zstd else { throw CorruptData("ZSTD pages need the system's libzstd (libzstd.so.1), which was not found") }
    let n = zstd.decompress(output.baseAddress, output.count, input.baseAddress, input.count)
    guard zstd.isError(n) == 0, n == output.count else {
      throw CorruptData("zstd: decompression failed (\(zstd.isError(n) != 0 ? "corrupt frame" : "\(n) of \(output.count) bytes"))")
    }
  }

  /// `input` compressed as one zstd frame at `level`.
  static func zstd(_ input: UnsafeRawBufferPointer, level: Int) throws -> [UInt8] {
    guard let zstd else { throw CorruptData("ZSTD compression needs the system's libzstd (libzstd.so.1), which was not found") }
    let capacity = zstd.bound(input.count)
    return try [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
      let n = zstd.compress(out.baseAddress, capacity, input.baseAddress, input.count, Int32(clamping: level))
      guard zstd.isError(n) == 0 else { throw CorruptData("zstd: compression at level \(level) failed") }
      count = n
    }
  }

  /// Decompresses a Brotli stream into exactly `output.count` bytes.
  static func unbrotli(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
    guard let brotli else {
      throw CorruptData("BROTLI pages need the system's libbrotlidec (libbrotlidec.so.1, Debian's libbrotli1), which was not found")
    }
    var produced = output.count
    let result = brotli.decompress(input.count, input.baseAddress, &produced, output.baseAddress)
    guard result == 1, produced == output.count else {  // BROTLI_DECODER_RESULT_SUCCESS
      throw CorruptData("brotli: decompression failed (\(result == 1 ? "\(produced) of \(output.count) bytes" : "corrupt stream"))")
    }
  }
}
