import CMatrixKernel
import Foundation
import NeuralNetwork

/// UMAP's layout optimisation (umap-learn's `optimize_layout_euclidean`): stochastic gradient descent on the
/// fuzzy cross-entropy, each edge sampled in proportion to its weight (`epochsPerSample`), with
/// `negativeRate` random repulsive samples per positive one, the step 1 → 0 linearly over the epochs, each
/// gradient coordinate clipped to ±4.
struct UMAPLayout {
  let curve: CurveParameters
  var negativeRate = 5
  var learningRate = 1.0
  let clip: Float = 4

  /// Edges of one optimisation: `head[e]` is moved, `tail[e]` its attracting neighbour.
  struct Schedule {
    var head: [Int32]
    var tail: [Int32]
    var epochsPerSample: [Double]

    /// Edges with weight below max/epochs dropped; each edge sampled every max/weight epochs.
    init(_ edges: FuzzySimplicialSet.Edges, epochs: Int) {
      let top = edges.weight.max() ?? 0
      head = []
      tail = []
      epochsPerSample = []
      for e in edges.weight.indices where edges.weight[e] >= top / Double(epochs) && edges.weight[e] > 0 {
        head.append(edges.head[e])
        tail.append(edges.tail[e])
        epochsPerSample.append(top / edges.weight[e])
      }
    }
  }

  /// Optimises `head` (`rows × dim` row-major) over `epochs`; `tail` is `head` itself when `tail` is nil
  /// (fitting: both ends move), else a fixed embedding (placing new rows). Negative samples are drawn from
  /// the tail's `tailCount` rows with `rng`.
  // PERFORMANCE: the SGD hot loop — epochs × sampled edges × (1 + negativeRate) × dim.
  func optimise(
    _ head: inout [Float], tail fixed: [Float]?, tailCount: Int, dim: Int, schedule: Schedule, epochs: Int,
    rng: inout RandomSource
  ) {
    let (a, b) = (Float(curve.a), Float(curve.b))
    let count = schedule.head.count
    var nextSample = schedule.epochsPerSample
    let perNegative = schedule.epochsPerSample.map { $0 / Double(negativeRate) }
    var nextNegative = perNegative
    let moveOther = fixed == nil
    head.withUnsafeMutableBufferPointer { h in
      (fixed ?? []).withUnsafeBufferPointer { f in
        let t = moveOther ? UnsafePointer(h.baseAddress!) : f.baseAddress!
        for epoch in 0..<epochs {
          let alpha = Float(learningRate * (1 - Double(epoch) / Double(epochs)))
          let now = Double(epoch)
          for e in 0..<count where nextSample[e] <= now {
            let j = Int(schedule.head[e]) * dim
            let k = Int(schedule.tail[e]) * dim
            let d2 = Self.squaredDistance(h.baseAddress! + j, t + k, dim)
            var coefficient: Float = 0
            if d2 > 0 {
              let power = pow(d2, b - 1)  // d2^b = power · d2: one pow per attraction
              coefficient = -2 * a * b * power / (a * power * d2 + 1)
            }
            Self.step(h.baseAddress! + j, from: t + k, by: coefficient, alpha: alpha, clip: clip, dim: dim,
                      movingOther: moveOther ? h.baseAddress! + k : nil)
            nextSample[e] += schedule.epochsPerSample[e]
            let negatives = Int((now - nextNegative[e]) / perNegative[e])
            for _ in 0..<max(negatives, 0) {
              let m = Int(rng.next() % UInt64(tailCount))
              let o = m * dim
              let n2 = Self.squaredDistance(h.baseAddress! + j, t + o, dim)
              if n2 > 0 {
                let c = 2 * b / ((0.001 + n2) * (a * pow(n2, b) + 1))
                Self.step(h.baseAddress! + j, from: t + o, by: c, alpha: alpha, clip: clip, dim: dim, movingOther: nil)
              }
            }
            nextNegative[e] += Double(max(negatives, 0)) * perNegative[e]
          }
        }
      }
    }
  }

  /// Σ (x − y)² over `dim` coordinates, 8 lanes at a time (a fixed order, so the same on every run).
  @inline(__always)
  static func squaredDistance(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dim: Int) -> Float {
    var lanes = SIMD8<Float>()
    var d = 0
    while d + 8 <= dim {
      let diff = Self.load(x + d) - Self.load(y + d)
      lanes += diff * diff
      d += 8
    }
    var sum = lanes.sum()
    while d < dim {
      let diff = x[d] - y[d]
      sum += diff * diff
      d += 1
    }
    return sum
  }

  /// x += clip(c · (x − y)) · alpha per coordinate, and `other` (y's own storage, when it moves too) −= the same;
  /// nothing when c is 0 (the rows may then be one row).
  @inline(__always)
  static func step(
    _ x: UnsafeMutablePointer<Float>, from y: UnsafePointer<Float>, by c: Float, alpha: Float, clip: Float, dim: Int,
    movingOther other: UnsafeMutablePointer<Float>?
  ) {
    guard c != 0 else { return }
    mk_umap_step(x, other ?? UnsafeMutablePointer(mutating: y), dim, c, alpha, clip, other == nil ? 0 : 1)
  }

  @inline(__always)
  static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }

  @inline(__always)
  static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { load(UnsafePointer(p)) }
}
