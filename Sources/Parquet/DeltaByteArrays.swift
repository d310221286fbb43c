/// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY values of BYTE_ARRAY columns (Parquet's `Encodings.md`), turned
/// into PLAIN's layout (a 4-byte little-endian length before each value's bytes) for the readers.
enum DeltaByteArrays {
  /// DELTA_LENGTH_BYTE_ARRAY: the lengths as a DELTA_BINARY_PACKED stream, then every value's bytes back to back.
  static func plainFromLengths(_ input: UnsafeRawBufferPointer, count: Int) throws -> [UInt8] {
    var out: [UInt8] = []
    var values = try Suffixes(input, count: count)
    while let value = try values.next() { appendPlain(value, to: &out) }
    return out
  }

  /// DELTA_BYTE_ARRAY: prefix lengths (DELTA_BINARY_PACKED), then suffixes (DELTA_LENGTH_BYTE_ARRAY); each value is
  /// the previous value's first `prefix` bytes followed by its suffix.
  static func plainFromPrefixes(_ input: UnsafeRawBufferPointer, count: Int) throws -> [UInt8] {
    let (allPrefixes, consumed) = try DeltaBinaryPacked.decodeStream(input, count: nil)
    guard allPrefixes.count >= count else { throw CorruptData("DELTA_BYTE_ARRAY holds \(allPrefixes.count) prefixes, expected \(count)") }
    let prefixes = allPrefixes.prefix(count)
    var suffixes = try Suffixes(UnsafeRawBufferPointer(rebasing: input[consumed...]), count: count)
    var out: [UInt8] = []
    var previous: [UInt8] = []
    for prefix in prefixes {
      guard let suffix = try suffixes.next() else { break }
      guard prefix >= 0, Int(prefix) <= previous.count else {
        throw CorruptData("DELTA_BYTE_ARRAY prefix \(prefix) longer than the previous value (\(previous.count) bytes)")
      }
      previous = Array(previous[..<Int(prefix)]) + suffix
      appendPlain(previous[...], to: &out)
    }
    return out
  }

  private static func appendPlain<C: Collection<UInt8>>(_ value: C, to out: inout [UInt8]) {
    withUnsafeBytes(of: UInt32(value.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: value)
  }

  /// The values of a DELTA_LENGTH_BYTE_ARRAY stream, one after another.
  private struct Suffixes {
    let input: UnsafeRawBufferPointer
    let lengths: [Int64]
    var index = 0
    var position: Int

    init(_ input: UnsafeRawBufferPointer, count: Int) throws {
      self.input = input
      let (all, consumed) = try DeltaBinaryPacked.decodeStream(input, count: nil)
      guard all.count >= count else { throw CorruptData("DELTA_LENGTH_BYTE_ARRAY holds \(all.count) lengths, expected \(count)") }
      lengths = Array(all.prefix(count))
      position = consumed
    }

    mutating func next() throws -> ArraySlice<UInt8>? {
      guard index < lengths.count else { return nil }
      let length = lengths[index]
      guard length >= 0, length <= Int64(input.count - position) else {
        throw CorruptData("byte array of \(length) bytes runs past the page")
      }
      defer {
        index += 1
        position += Int(length)
      }
      return [UInt8](UnsafeRawBufferPointer(rebasing: input[position..<(position + Int(length))]))[...]
    }
  }
}
