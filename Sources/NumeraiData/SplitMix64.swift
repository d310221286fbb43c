import Foundation

/// SplitMix64: a small, fast, seedable generator whose sequence is the same on every machine, with uniform
/// doubles and Box–Muller normals. Synthetic data, feature subsets and uniform sampling all draw from it.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64
  private var spare: Double?

  /// A generator whose sequence is determined by `seed`.
  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform double in [0, 1) with 53 random bits.
  public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// A standard normal draw (Box–Muller, the second value of each pair kept for the next call).
  public mutating func normal() -> Double {
    if let s = spare {
      spare = nil
      return s
    }
    let u = max(unit(), 1e-300)
    let v = unit()
    let r = (-2 * log(u)).squareRoot()
    spare = r * sin(2 * .pi * v)
    return r * cos(2 * .pi * v)
  }
}
