import Foundation

/// Saving and loading parameters in a small little-endian binary format:
/// `"GFNM"`, UInt32 version 1, UInt32 layer count, then per layer UInt32 input width, UInt32 output width,
/// UInt8 activation, the weights (row-major) and the bias as Float32.
extension MLP {
  private static let magic: [UInt8] = Array("GFNM".utf8)

  /// The parameters in the binary format described on the extension.
  public func serialized() -> [UInt8] {
    var bytes = MLP.magic
    func append(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    append(1)
    append(UInt32(layers.count))
    for layer in layers {
      append(UInt32(layer.inputCount))
      append(UInt32(layer.outputCount))
      bytes.append(layer.activation.rawValue)
      for x in layer.weights + layer.bias { append(x.bitPattern) }
    }
    return bytes
  }

  /// Reads parameters written by `serialized()`; `source` names the origin in errors.
  public init(serialized bytes: [UInt8], source: String = "<memory>") throws {
    var offset = 0
    func fail(_ reason: String) -> NeuralNetworkError { .corruptParameters(path: source, reason: reason) }
    func read() throws -> UInt32 {
      guard offset + 4 <= bytes.count else { throw fail("truncated at byte \(offset)") }
      var v: UInt32 = 0
      for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * i) }
      offset += 4
      return v
    }
    guard bytes.count >= 4, Array(bytes[0..<4]) == MLP.magic else { throw fail("missing GFNM header") }
    offset = 4
    let version = try read()
    guard version == 1 else { throw fail("unsupported version \(version), expected 1") }
    let count = Int(try read())
    guard count >= 1 else { throw fail("no layers") }
    var layers: [DenseLayer] = []
    for index in 0..<count {
      let n = Int(try read())
      let m = Int(try read())
      guard n > 0, m > 0, n * m <= bytes.count else { throw fail("layer \(index) has shape \(n)×\(m)") }
      guard offset < bytes.count, let activation = Activation(rawValue: bytes[offset]) else {
        throw fail("layer \(index) has an unknown activation")
      }
      offset += 1
      var values: [Float] = []
      values.reserveCapacity(n * m + m)
      for _ in 0..<(n * m + m) { values.append(Float(bitPattern: try read())) }
      if let previous = layers.last, previous.outputCount != n {
        throw fail("layer \(index) takes \(n) inputs but layer \(index - 1) gives \(previous.outputCount)")
      }
      layers.append(
        DenseLayer(
          inputCount: n, outputCount: m, activation: activation, weights: Array(values[0..<(n * m)]),
          bias: Array(values[(n * m)...])))
    }
    guard offset == bytes.count else { throw fail("\(bytes.count - offset) trailing bytes") }
    self.init(layers: layers)
  }

  /// Writes the parameters to `path`.
  public func save(to path: String) throws {
    try Data(serialized()).write(to: URL(fileURLWithPath: path))
  }

  /// Reads parameters saved by `save(to:)`.
  public static func load(from path: String) throws -> MLP {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw NeuralNetworkError.corruptParameters(path: path, reason: "cannot read the file (\(error.localizedDescription))")
    }
    return try MLP(serialized: [UInt8](data), source: path)
  }
}
