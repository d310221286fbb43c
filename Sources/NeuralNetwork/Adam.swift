import Foundation

/// Adam (Kingma & Ba) with PyTorch's defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, bias-corrected moments.
///
/// One optimiser serves any number of parameter tensors, each identified by a `slot` number that must stay
/// the same from step to step; call `beginStep()` once per optimisation step before the updates.
public struct Adam: Sendable {
  /// Step size.
  public var learningRate: Float
  /// First-moment decay.
  public var beta1: Float = 0.9
  /// Second-moment decay.
  public var beta2: Float = 0.999
  /// Denominator guard.
  public var epsilon: Float = 1e-8
  private var firstMoments: [[Float]] = []
  private var secondMoments: [[Float]] = []
  private var steps = 0

  /// An optimiser with the given learning rate.
  public init(learningRate: Float) { self.learningRate = learningRate }

  /// Advances the step counter used for bias correction.
  public mutating func beginStep() { steps += 1 }

  /// Updates `values` from `gradients` using the moments stored in `slot`.
  public mutating func update(_ values: inout [Float], gradients: [Float], slot: Int) {
    while firstMoments.count <= slot {
      firstMoments.append([])
      secondMoments.append([])
    }
    if firstMoments[slot].count != values.count {
      firstMoments[slot] = Array(repeating: 0, count: values.count)
      secondMoments[slot] = Array(repeating: 0, count: values.count)
    }
    let b1 = beta1
    let b2 = beta2
    let eps = epsilon
    let t = Float(max(steps, 1))
    let stepSize = learningRate / (1 - pow(b1, t))
    let correction2 = 1 / (1 - pow(b2, t))
    firstMoments[slot].withUnsafeMutableBufferPointer { m in
      secondMoments[slot].withUnsafeMutableBufferPointer { v in
        values.withUnsafeMutableBufferPointer { x in
          gradients.withUnsafeBufferPointer { g in
            for i in x.indices {
              m[i] = b1 * m[i] + (1 - b1) * g[i]
              v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
              x[i] -= stepSize * m[i] / ((v[i] * correction2).squareRoot() + eps)
            }
          }
        }
      }
    }
  }

  /// One step on every layer of `network` (slots `0..<2·layers`).
  public mutating func update(_ network: inout MLP) {
    for i in network.layers.indices {
      update(&network.layers[i].weights, gradients: network.layers[i].weightGradient, slot: 2 * i)
      update(&network.layers[i].bias, gradients: network.layers[i].biasGradient, slot: 2 * i + 1)
    }
  }
}
