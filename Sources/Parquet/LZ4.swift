/// LZ4 block decompression, natively (like `Snappy`): Parquet's LZ4_RAW pages are one LZ4 block; its older LZ4
/// codec is either Hadoop's framing (blocks each preceded by big-endian uncompressed and compressed sizes) or, from
/// some writers, a bare block — tried in that order, as Arrow does.
enum LZ4 {
  /// Decodes an LZ4_RAW page body that must fill `output` exactly.
  static func decompressRaw(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
    let written = try decompressBlock(input, into: output)
    guard written == output.count else { throw CorruptData("lz4: block holds \(written) bytes, page declares \(output.count)") }
  }

  /// Decodes a page of the LZ4 codec: Hadoop-framed blocks, else one bare block.
  static func decompressHadoopOrRaw(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
    if (try? decompressHadoop(input, into: output)) == output.count { return }
    try decompressRaw(input, into: output)
  }

  /// Hadoop's framing: [uncompressed size, compressed size] (big-endian 32-bit) then that block, repeated.
  private static func decompressHadoop(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
    var ip = 0
    var op = 0
    while ip < input.count {
      guard ip + 8 <= input.count else { throw CorruptData("lz4: truncated Hadoop frame header") }
      let expected = bigEndian32(input, ip)
      let compressed = bigEndian32(input, ip + 4)
      ip += 8
      guard compressed <= input.count - ip, expected <= output.count - op else { throw CorruptData("lz4: Hadoop frame overruns") }
      let written = try decompressBlock(
        UnsafeRawBufferPointer(rebasing: input[ip..<(ip + compressed)]),
        into: UnsafeMutableRawBufferPointer(rebasing: output[op..<(op + expected)]))
      guard written == expected else { throw CorruptData("lz4: Hadoop frame holds \(written) bytes, declares \(expected)") }
      ip += compressed
      op += expected
    }
    return op
  }

  private static func bigEndian32(_ input: UnsafeRawBufferPointer, _ at: Int) -> Int {
    Int(input[at]) << 24 | Int(input[at + 1]) << 16 | Int(input[at + 2]) << 8 | Int(input[at + 3])
  }

  /// Hot loop: one LZ4 block (sequences of literals, then a match of an offset and a length ≥ 4, the last
  /// sequence literals only); returns the bytes written.
  static func decompressBlock(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
    guard let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
    var ip = 0
    var op = 0
    while ip < input.count {
      let token = Int(input[ip])
      ip += 1
      let literals = try length(token >> 4, input, &ip)
      guard literals <= input.count - ip, literals <= output.count - op else { throw CorruptData("lz4: literals overrun") }
      (out + op).update(from: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + ip, count: literals)
      ip += literals
      op += literals
      if ip == input.count { break }
      guard ip + 2 <= input.count else { throw CorruptData("lz4: truncated match offset") }
      let offset = Int(input[ip]) | Int(input[ip + 1]) << 8
      ip += 2
      let match = try length(token & 15, input, &ip) + 4
      guard offset > 0, offset <= op, match <= output.count - op else { throw CorruptData("lz4: bad match (offset \(offset))") }
      for k in 0..<match { out[op + k] = out[op - offset + k] }  // byte by byte: a match may overlap itself
      op += match
    }
    return op
  }

  /// A 4-bit length; 15 continues with bytes added while they are 255.
  @inline(__always)
  private static func length(_ nibble: Int, _ input: UnsafeRawBufferPointer, _ ip: inout Int) throws -> Int {
    guard nibble == 15 else { return nibble }
    var total = 15
    while true {
      guard ip < input.count else { throw CorruptData("lz4: truncated length") }
      let byte = Int(input[ip])
      ip += 1
      total += byte
      guard total < 1 << 30 else { throw CorruptData("lz4: length too large") }
      if byte != 255 { return total }
    }
  }
}
