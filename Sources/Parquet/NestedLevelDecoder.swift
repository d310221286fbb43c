/// Decodes the repetition and definition levels of a nested leaf's data pages, for `ColumnChunkDecoder`.
///
/// A flat column's pages carry at most 0/1 definition levels; a leaf inside a LIST, MAP or STRUCT group, or
/// repeated, carries repetition levels up to `maxRepetition` and definition levels up to `maxDefinition`,
/// both as the RLE / bit-packed hybrid with ⌈log2(max + 1)⌉ bits: in a v1 page each stream has a 4-byte
/// length prefix (repetition first), in a v2 page the header gives their lengths. The levels of the page
/// being decoded stay readable (`repetition`, `definition`) until the next page.
final class NestedLevelDecoder {
  let maxRepetition: Int
  let maxDefinition: Int
  private let repetitionBuffer = ScratchBuffer()
  private let definitionBuffer = ScratchBuffer()
  /// The current page's repetition levels, one per level entry.
  private(set) var repetition = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
  /// The current page's definition levels, one per level entry.
  private(set) var definition = UnsafeBufferPointer<UInt32>(start: nil, count: 0)

  init(maxRepetition: Int, maxDefinition: Int) {
    self.maxRepetition = maxRepetition
    self.maxDefinition = maxDefinition
  }

  /// Bits per level for levels up to `maxLevel`.
  static func bitWidth(_ maxLevel: Int) -> Int { maxLevel == 0 ? 0 : Int.bitWidth - maxLevel.leadingZeroBitCount }

  /// The byte length of a v1 page's level streams (each a 4-byte length and its bytes), where its values start.
  func levelsLengthV1(_ bytes: UnsafeRawBufferPointer) throws -> Int {
    var end = 0
    for (max, name) in [(maxRepetition, "repetition"), (maxDefinition, "definition")] where max > 0 {
      guard bytes.count - end >= 4 else { throw CorruptData("page too short for its \(name) levels") }
      let length = Int(bytes.loadUnaligned(fromByteOffset: end, as: UInt32.self).littleEndian)
      guard length <= bytes.count - end - 4 else {
        throw CorruptData("\(name) levels of \(length) bytes exceed the page")
      }
      end += 4 + length
    }
    return end
  }

  /// Decodes the levels of a page of `header.valueCount` entries from `levelBytes` (the v1 streams with their
  /// length prefixes, or the v2 streams back to back); returns how many entries hold a value (definition
  /// level at its maximum). `present` is always nil: the readers of nested leaves use the levels.
  func decode(_ levelBytes: UnsafeRawBufferPointer, header: PageHeader) throws
    -> (present: UnsafeBufferPointer<UInt32>?, valueCount: Int)
  {
    let count = header.valueCount
    let (repetitionBytes, definitionBytes) = try streams(levelBytes, header: header)
    repetition = try levels(
      repetitionBytes, max: maxRepetition, count: count, into: repetitionBuffer, name: "repetition")
    definition = try levels(
      definitionBytes, max: maxDefinition, count: count, into: definitionBuffer, name: "definition")
    var values = 0
    let top = UInt32(maxDefinition)
    for level in definition where level == top { values += 1 }
    return (nil, values)
  }

  /// The repetition and definition level streams of a page.
  private func streams(_ bytes: UnsafeRawBufferPointer, header: PageHeader) throws
    -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer)
  {
    if header.type == PageHeader.Kind.dataV2.rawValue {
      let split = header.repetitionLevelsByteLength
      guard split <= bytes.count else { throw CorruptData("repetition levels of \(split) bytes exceed the page") }
      return (UnsafeRawBufferPointer(rebasing: bytes[..<split]), UnsafeRawBufferPointer(rebasing: bytes[split...]))
    }
    guard maxDefinition == 0 || header.definitionLevelEncoding == 3 else {
      throw CorruptData("definition level encoding \(header.definitionLevelEncoding), expected RLE")
    }
    var rest = bytes
    func next(_ max: Int) -> UnsafeRawBufferPointer {
      guard max > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
      // levelsLengthV1 has checked both prefixes and lengths.
      let length = Int(rest.loadUnaligned(as: UInt32.self).littleEndian)
      defer { rest = UnsafeRawBufferPointer(rebasing: rest[(4 + length)...]) }
      return UnsafeRawBufferPointer(rebasing: rest[4..<(4 + length)])
    }
    let repetitionBytes = next(maxRepetition)
    return (repetitionBytes, next(maxDefinition))
  }

  /// `count` levels up to `max` from one stream, into `buffer`.
  private func levels(
    _ bytes: UnsafeRawBufferPointer, max: Int, count: Int, into buffer: ScratchBuffer, name: String
  ) throws -> UnsafeBufferPointer<UInt32> {
    let out = buffer.reserve(count)
    guard count > 0 else { return UnsafeBufferPointer(out) }
    let largest = try RLEHybrid.decode(bytes, bitWidth: Self.bitWidth(max), count: count, into: out.baseAddress!)
    guard largest <= UInt32(max) else {
      throw CorruptData("\(name) level \(largest) above the column's maximum \(max)")
    }
    return UnsafeBufferPointer(out)
  }
}
