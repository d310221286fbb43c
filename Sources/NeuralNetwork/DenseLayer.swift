/// A fully connected Float32 layer `y = act(x·W + b)` with its own backward pass.
///
/// `weights` is row-major `inputCount × outputCount`; a batch is row-major `rows × inputCount`. `forward`
/// with `caching` keeps what `backward` needs; `backward` adds to `weightGradient`/`biasGradient` (call
/// `zeroGradients` between steps) and returns the gradient of the input. All three products use
/// `MatrixKernel.multiplyAdd`.
public struct DenseLayer: Sendable {
  /// Width of the input.
  public let inputCount: Int
  /// Width of the output.
  public let outputCount: Int
  /// Nonlinearity after the affine map.
  public let activation: Activation
  /// Row-major `inputCount × outputCount`.
  public var weights: [Float]
  /// One per output.
  public var bias: [Float]
  /// Accumulated ∂loss/∂weights.
  public var weightGradient: [Float]
  /// Accumulated ∂loss/∂bias.
  public var biasGradient: [Float]
  private var cachedInput: [Float] = []
  private var cachedOutput: [Float] = []

  /// A layer initialised as PyTorch's `nn.Linear`: weights and bias uniform in ±1/√inputCount.
  public init<G: RandomNumberGenerator>(
    inputCount: Int, outputCount: Int, activation: Activation, using rng: inout G
  ) {
    self.inputCount = inputCount
    self.outputCount = outputCount
    self.activation = activation
    let bound = 1 / Float(inputCount).squareRoot()
    weights = (0..<inputCount * outputCount).map { _ in Float.random(in: -bound..<bound, using: &rng) }
    bias = (0..<outputCount).map { _ in Float.random(in: -bound..<bound, using: &rng) }
    weightGradient = Array(repeating: 0, count: inputCount * outputCount)
    biasGradient = Array(repeating: 0, count: outputCount)
  }

  /// A layer with the given parameters.
  public init(inputCount: Int, outputCount: Int, activation: Activation, weights: [Float], bias: [Float]) {
    precondition(weights.count == inputCount * outputCount && bias.count == outputCount)
    self.inputCount = inputCount
    self.outputCount = outputCount
    self.activation = activation
    self.weights = weights
    self.bias = bias
    weightGradient = Array(repeating: 0, count: weights.count)
    biasGradient = Array(repeating: 0, count: bias.count)
  }

  /// Sets both gradients to zero.
  public mutating func zeroGradients() {
    weightGradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    biasGradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
  }

  /// The output (`rows × outputCount`) for `input` (`rows × inputCount`); keeps what `backward` needs if
  /// `caching`.
  ///
  /// - Complexity: O(rows · inputCount · outputCount).
  public mutating func forward(_ input: [Float], rows: Int, caching: Bool) -> [Float] {
    precondition(input.count == rows * inputCount)
    let n = outputCount
    var output = [Float](unsafeUninitializedCapacity: rows * n) { buffer, count in
      for r in 0..<rows {
        for j in 0..<n { buffer[r * n + j] = bias[j] }
      }
      count = rows * n
    }
    output.withUnsafeMutableBufferPointer { out in
      input.withUnsafeBufferPointer { x in
        weights.withUnsafeBufferPointer { w in
          MatrixKernel.multiplyAdd(
            m: rows, n: n, k: inputCount, a: x.baseAddress!, b: w.baseAddress!, c: out.baseAddress!)
        }
      }
      switch activation {
      case .identity: break
      case .relu:
        for i in out.indices { out[i] = max(out[i], 0) }
      case .leakyReLU:
        for i in out.indices where out[i] < 0 { out[i] *= Activation.leakySlope }
      }
    }
    if caching {
      cachedInput = input
      cachedOutput = output
    }
    return output
  }

  /// Adds the parameter gradients for `outputGradient` (`rows × outputCount`, the gradient of the last
  /// cached forward output) and returns the input gradient (empty unless `needsInputGradient`).
  ///
  /// - Complexity: O(rows · inputCount · outputCount).
  public mutating func backward(_ outputGradient: [Float], rows: Int, needsInputGradient: Bool = true) -> [Float] {
    precondition(outputGradient.count == rows * outputCount && cachedInput.count == rows * inputCount)
    var delta = outputGradient
    let n = outputCount
    let m = inputCount
    delta.withUnsafeMutableBufferPointer { d in
      cachedOutput.withUnsafeBufferPointer { y in
        switch activation {
        case .identity: break
        case .relu:
          for i in d.indices where y[i] <= 0 { d[i] = 0 }
        case .leakyReLU:
          for i in d.indices where y[i] < 0 { d[i] *= Activation.leakySlope }
        }
      }
      biasGradient.withUnsafeMutableBufferPointer { gb in
        for r in 0..<rows {
          for j in 0..<n { gb[j] += d[r * n + j] }
        }
      }
      // ∂W = Xᵀ·Δ
      var inputTransposed = [Float](repeating: 0, count: rows * m)
      inputTransposed.withUnsafeMutableBufferPointer { xt in
        cachedInput.withUnsafeBufferPointer { x in
          MatrixKernel.transpose(rows: rows, columns: m, source: x.baseAddress!, destination: xt.baseAddress!)
        }
        weightGradient.withUnsafeMutableBufferPointer { gw in
          MatrixKernel.multiplyAdd(
            m: m, n: n, k: rows, a: xt.baseAddress!, b: d.baseAddress!, c: gw.baseAddress!)
        }
      }
    }
    guard needsInputGradient else { return [] }
    // ∂X = Δ·Wᵀ
    var weightsTransposed = [Float](repeating: 0, count: m * n)
    var inputGradient = [Float](repeating: 0, count: rows * m)
    weightsTransposed.withUnsafeMutableBufferPointer { wt in
      weights.withUnsafeBufferPointer { w in
        MatrixKernel.transpose(rows: m, columns: n, source: w.baseAddress!, destination: wt.baseAddress!)
      }
      delta.withUnsafeBufferPointer { d in
        inputGradient.withUnsafeMutableBufferPointer { gx in
          MatrixKernel.multiplyAdd(
            m: rows, n: m, k: n, a: d.baseAddress!, b: wt.baseAddress!, c: gx.baseAddress!)
        }
      }
    }
    return inputGradient
  }
}
