/// Snappy block decompression (the raw format Parquet uses, no framing), written from the format
/// description: a varint of the uncompressed length, then literals and back-references.
enum Snappy {
  /// The uncompressed length a block declares.
  static func uncompressedLength(_ input: UnsafeRawBufferPointer) throws -> Int {
    var position = 0
    return try readLength(input, &position)
  }

  private static func readLength(_ input: UnsafeRawBufferPointer, _ position: inout Int) throws -> Int {
    var result = 0
    var shift = 0
    while true {
      guard position < input.count, shift <= 28 else { throw CorruptData("snappy: bad length header") }
      let byte = input[position]
      position += 1
      result |= Int(byte & 0x7f) << shift
      if byte & 0x80 == 0 { return result }
      shift += 7
    }
  }

  /// Decompresses `input` into `output`, which must be exactly the declared length.
  ///
  /// - Complexity: O(output), one pass; every offset and length is checked.
  static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
    var ip = 0
    let expected = try readLength(input, &ip)
    guard expected == output.count else {
      throw CorruptData("snappy: block declares \(expected) bytes, page header says \(output.count)")
    }
    var op = 0
    let n = input.count
    while ip < n {
      let tag = input[ip]
      ip += 1
      var length: Int
      var offset: Int
      switch tag & 3 {
      case 0:
        length = Int(tag >> 2) + 1
        if length > 60 {
          let extra = length - 60
          guard ip + extra <= n else { throw CorruptData("snappy: truncated literal length") }
          length = 0
          for k in 0..<extra { length |= Int(input[ip + k]) << (8 * k) }
          length += 1
          ip += extra
        }
        guard length <= n - ip, length <= output.count - op else { throw CorruptData("snappy: literal out of bounds") }
        (output.baseAddress! + op).copyMemory(from: input.baseAddress! + ip, byteCount: length)
        ip += length
        op += length
        continue
      case 1:
        guard ip < n else { throw CorruptData("snappy: truncated copy") }
        length = 4 + Int((tag >> 2) & 7)
        offset = Int(tag >> 5) << 8 | Int(input[ip])
        ip += 1
      case 2:
        guard ip + 2 <= n else { throw CorruptData("snappy: truncated copy") }
        length = Int(tag >> 2) + 1
        offset = Int(input[ip]) | Int(input[ip + 1]) << 8
        ip += 2
      default:
        guard ip + 4 <= n else { throw CorruptData("snappy: truncated copy") }
        length = Int(tag >> 2) + 1
        offset = Int(input[ip]) | Int(input[ip + 1]) << 8 | Int(input[ip + 2]) << 16 | Int(input[ip + 3]) << 24
        ip += 4
      }
      guard offset > 0, offset <= op, length <= output.count - op else {
        throw CorruptData("snappy: back-reference out of bounds")
      }
      let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
      if offset >= length {
        (out + op).update(from: out + op - offset, count: length)
      } else {
        for k in 0..<length { out[op + k] = out[op - offset + k] }
      }
      op += length
    }
    guard op == output.count else { throw CorruptData("snappy: block ends after \(op) of \(output.count) bytes") }
  }
}
