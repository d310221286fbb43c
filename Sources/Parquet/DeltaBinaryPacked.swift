/// The DELTA_BINARY_PACKED encoding of INT32 and INT64 values (Parquet's `Encodings.md`).
///
/// A header of ULEB128 varints — values per block (a multiple of 128), miniblocks per block (each a multiple
/// of 32 values), total value count — and the first value (zigzag). Then per block: the minimum delta
/// (zigzag varint), one bit width per miniblock, and the miniblocks, each delta − minimum bit-packed least
/// significant bit first. Arithmetic wraps, as in the writer; INT32 values are the low 32 bits.
enum DeltaBinaryPacked {
  /// Decodes the first `count` values and returns them as PLAIN bytes of `type` (INT32 or INT64), so the
  /// readers take them like any PLAIN page.
  ///
  /// - Complexity: O(count × bit width / 8); every read is checked against the input.
  static func plain(_ input: UnsafeRawBufferPointer, count: Int, as type: ParquetPhysicalType) throws -> [UInt8] {
    let values = try decode(input, count: count)
    if type == .int64 { return values.withUnsafeBytes { [UInt8]($0) } }
    return values.map { Int32(truncatingIfNeeded: $0) }.withUnsafeBytes { [UInt8]($0) }
  }

  /// The first `count` values of the stream.
  static func decode(_ input: UnsafeRawBufferPointer, count: Int) throws -> [Int64] {
    try decodeStream(input, count: count).values
  }

  /// The first `count` values of the stream (every value its header declares when nil) and how many bytes of
  /// `input` they took, so that data stored after the stream (DELTA_LENGTH_BYTE_ARRAY's bytes) can be found.
  static func decodeStream(_ input: UnsafeRawBufferPointer, count wanted: Int?) throws -> (values: [Int64], consumed: Int) {
    var reader = Reader(input: input)
    let blockSize = try reader.varint("block size")
    let miniblocks = try reader.varint("miniblock count")
    let total = try reader.varint("value count")
    guard total <= UInt64(input.count) * 64 + 1 else { throw CorruptData("DELTA_BINARY_PACKED declares \(total) values") }
    let count = wanted ?? Int(total)
    var value = zigzag(try reader.varint("first value"))
    guard blockSize > 0, blockSize <= 1 << 20, blockSize % 128 == 0, miniblocks > 0, blockSize % miniblocks == 0,
      (blockSize / miniblocks) % 32 == 0
    else {
      throw CorruptData("DELTA_BINARY_PACKED header: \(miniblocks) miniblocks in blocks of \(blockSize) values")
    }
    guard total >= count else {
      throw CorruptData("DELTA_BINARY_PACKED page holds \(total) values, expected \(count)")
    }
    var out = [Int64]()
    out.reserveCapacity(count)
    if count > 0 { out.append(value) }
    let perMiniblock = Int(blockSize / miniblocks)
    while out.count < count {
      let minDelta = zigzag(try reader.varint("minimum delta"))
      let widths = try reader.bytes(Int(miniblocks), "miniblock bit widths")
      for m in 0..<Int(miniblocks) where out.count < count {
        let width = Int(widths[m])
        guard width <= 64 else { throw CorruptData("DELTA_BINARY_PACKED bit width \(width), expected 0…64") }
        let needed = min(perMiniblock, count - out.count)
        let miniblock = try reader.bytes(min(perMiniblock * width / 8, reader.left), "miniblock")
        guard miniblock.count * 8 >= needed * width else {
          throw CorruptData("DELTA_BINARY_PACKED miniblock ends after \(miniblock.count) bytes")
        }
        for k in 0..<needed {
          value = value &+ minDelta &+ Int64(bitPattern: unpack(miniblock, at: k * width, width: width))
          out.append(value)
        }
      }
    }
    return (out, reader.position)
  }

  /// `width` bits starting at bit `offset` of `bytes`, least significant first (the caller checked bounds).
  @inline(__always)
  private static func unpack(_ bytes: UnsafeRawBufferPointer, at offset: Int, width: Int) -> UInt64 {
    var result: UInt64 = 0
    var got = 0
    var bit = offset
    while got < width {
      let shift = bit & 7
      let take = min(8 - shift, width - got)
      let piece = (UInt64(bytes[bit >> 3]) >> UInt64(shift)) & ((1 << UInt64(take)) - 1)
      result |= piece << UInt64(got)
      got += take
      bit += take
    }
    return result
  }

  private static func zigzag(_ n: UInt64) -> Int64 { Int64(bitPattern: (n >> 1) ^ (0 &- (n & 1))) }

  /// A cursor over the encoded bytes.
  private struct Reader {
    let input: UnsafeRawBufferPointer
    var position = 0

    var left: Int { input.count - position }

    mutating func varint(_ what: String) throws -> UInt64 {
      guard let value = RLEHybrid.readVarint(input, at: &position) else {
        throw CorruptData("DELTA_BINARY_PACKED \(what): truncated or overlong varint")
      }
      return value
    }

    mutating func bytes(_ count: Int, _ what: String) throws -> UnsafeRawBufferPointer {
      guard count <= left else { throw CorruptData("DELTA_BINARY_PACKED \(what) run past the page") }
      defer { position += count }
      return UnsafeRawBufferPointer(rebasing: input[position..<(position + count)])
    }
  }
}
